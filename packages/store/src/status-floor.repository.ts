import { MESSAGE_STATUS_RANK, type MessageStatus } from '@campzone/protocol';
import type { Collection } from 'mongodb';
import type { StatusFloorDoc } from './documents';

export type FloorStatus = 'DELIVERED' | 'READ';
export type StatusFloors = Record<FloorStatus, number>;

const NO_FLOORS: StatusFloors = { DELIVERED: 0, READ: 0 };

/** A message's status: its own field, raised by the room's floors (READ first: it is higher). */
export function statusAt(message: { seq: number; status: MessageStatus }, floors: StatusFloors): MessageStatus {
  const floor: MessageStatus = message.seq <= floors.READ ? 'READ' : message.seq <= floors.DELIVERED ? 'DELIVERED' : 'PENDING';
  return MESSAGE_STATUS_RANK[floor] > MESSAGE_STATUS_RANK[message.status] ? floor : message.status;
}

/** The rooms' status floors, one document per room keyed by roomId; floors only rise. */
export class StatusFloorRepository {
  constructor(private readonly floors: Collection<StatusFloorDoc>) {}

  async get(roomId: string): Promise<StatusFloors> {
    const doc = await this.floors.findOne({ _id: roomId });
    return doc ? { DELIVERED: doc.DELIVERED, READ: doc.READ } : NO_FLOORS;
  }

  /** The floors of several rooms in one query (rooms without a document have none yet). */
  async getMany(roomIds: string[]): Promise<Map<string, StatusFloors>> {
    const floors = new Map<string, StatusFloors>(roomIds.map((roomId) => [roomId, NO_FLOORS]));
    if (roomIds.length === 0) return floors;
    for (const doc of await this.floors.find({ _id: { $in: roomIds } }).toArray())
      floors.set(doc._id, { DELIVERED: doc.DELIVERED, READ: doc.READ });
    return floors;
  }

  /**
   * Raises the given floors of the room in one statement, never lowering them; the room's
   * document is created on first use (a floor not given starts at 0).
   */
  async raise(roomId: string, rises: Partial<StatusFloors>): Promise<void> {
    const unset = (['DELIVERED', 'READ'] as const).filter((status) => rises[status] === undefined);
    if (unset.length === 2) return;
    await this.floors.updateOne(
      { _id: roomId },
      { $max: rises, ...(unset.length > 0 ? { $setOnInsert: Object.fromEntries(unset.map((status) => [status, 0])) } : {}) },
      { upsert: true },
    );
  }
}
