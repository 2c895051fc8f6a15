import type { StatusFloorRepository, StatusFloors } from '@campzone/store';

/** Rooms remembered; past it the least recently used room is read again at its next rollup. */
const MAX_ROOMS = 10_000;

/**
 * The status floors this worker last read or wrote, per room, so a busy room's rollups read
 * its floors once rather than every run. Floors only rise, so what is remembered is never above
 * what is stored: another worker may have raised them since, and then this one's next raise is
 * a `$max` that changes nothing and an announcement clients already had (statuses only rise
 * there too). Nothing survives a restart: a new process reads the store first.
 */
export class KnownFloors implements Pick<StatusFloorRepository, 'get' | 'raise'> {
  private readonly rooms = new Map<string, StatusFloors>();

  constructor(
    private readonly store: Pick<StatusFloorRepository, 'get' | 'raise'>,
    private readonly maxRooms = MAX_ROOMS,
  ) {}

  async get(roomId: string): Promise<StatusFloors> {
    const known = this.rooms.get(roomId);
    if (known) {
      this.remember(roomId, known);
      return known;
    }
    const stored = await this.store.get(roomId);
    // A raise that landed while this read was out is higher: keep it.
    this.remember(roomId, higher(stored, this.rooms.get(roomId)));
    return this.rooms.get(roomId)!;
  }

  /** Writes only the floors that rise above what is remembered; nothing when none does. */
  async raise(roomId: string, rises: Partial<StatusFloors>): Promise<void> {
    const known = this.rooms.get(roomId);
    const rising: Partial<StatusFloors> = {};
    for (const status of ['DELIVERED', 'READ'] as const) {
      const seq = rises[status];
      if (seq !== undefined && (known === undefined || seq > known[status])) rising[status] = seq;
    }
    if (Object.keys(rising).length === 0) return;
    await this.store.raise(roomId, rising);
    // Only a raise that is known to have landed is remembered (a failed one may not have).
    const now = this.rooms.get(roomId);
    if (now) this.remember(roomId, higher(now, { ...now, ...rising }));
  }

  /** Most recently used last, so the first key is the one to forget. */
  private remember(roomId: string, floors: StatusFloors): void {
    this.rooms.delete(roomId);
    this.rooms.set(roomId, floors);
    if (this.rooms.size > this.maxRooms) this.rooms.delete(this.rooms.keys().next().value!);
  }
}

function higher(a: StatusFloors, b: StatusFloors | undefined): StatusFloors {
  return b ? { DELIVERED: Math.max(a.DELIVERED, b.DELIVERED), READ: Math.max(a.READ, b.READ) } : a;
}
