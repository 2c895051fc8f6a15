import { ChatError, ErrorCode, type RoomSettings, type RoomType } from '@campzone/protocol';
import type { RoomDoc, RoomRepository } from '@campzone/store';
import { SingleFlight } from './single-flight';

/** What every write to a room checks. */
export interface RoomRules extends RoomSettings {
  roomType: RoomType;
}

const TTL_MS = 5 * 60_000;
const MAX_CACHED = 50_000;

/**
 * Each room's rules, cached per pod: every send checks them, and they change rarely. A change
 * made on any pod reaches every pod's cache at once through forget() (the gateway signals it
 * over the Socket.IO adapter); the expiry only bounds the damage of a lost signal.
 */
export class RoomRulesCache {
  private readonly rules = new Map<string, { until: number; rules: RoomRules }>();
  private readonly lookups = new SingleFlight<RoomRules | null>();

  constructor(private readonly rooms: Pick<RoomRepository, 'findById'>) {}

  async get(roomId: string): Promise<RoomRules> {
    const hit = this.rules.get(roomId);
    if (hit && hit.until > Date.now()) return hit.rules;
    const rules = await this.lookups.run(roomId, async () => {
      const room = await this.rooms.findById(roomId);
      return room ? rulesOf(room) : null;
    });
    if (!rules) throw new ChatError(ErrorCode.NOT_FOUND, `room ${roomId} does not exist`);
    if (this.rules.size >= MAX_CACHED) this.rules.clear();
    this.rules.set(roomId, { until: Date.now() + TTL_MS, rules });
    return rules;
  }

  forget(roomId: string): void {
    this.rules.delete(roomId);
  }
}

export function rulesOf(room: RoomDoc): RoomRules {
  return { roomType: room.roomType, ...settingsOf(room) };
}

/** A room's settings with their defaults filled in. */
export function settingsOf(room: RoomDoc): RoomSettings {
  return { postingPolicy: room.postingPolicy ?? 'everyone', slowModeSeconds: room.slowModeSeconds ?? 0, archived: room.archived ?? false };
}
