import type { Collection } from 'mongodb';
import type { RoomBanDoc } from './documents';

export class RoomBanRepository {
  constructor(private readonly bans: Collection<RoomBanDoc>) {}

  /** Answers whether the ban is new. */
  async ban(ban: RoomBanDoc): Promise<boolean> {
    const result = await this.bans.updateOne({ roomId: ban.roomId, userId: ban.userId }, { $setOnInsert: ban }, { upsert: true });
    return result.upsertedCount === 1;
  }

  /** Answers the lifted ban, if there was one. */
  async lift(roomId: string, userId: string): Promise<RoomBanDoc | null> {
    // No projection: FerretDB v1's findAndModify refuses one.
    return this.bans.findOneAndDelete({ roomId, userId });
  }

  /** Which of these users are banned from the room. */
  async bannedAmong(roomId: string, userIds: string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const rows = await this.bans.find({ roomId, userId: { $in: userIds } }, { projection: { _id: 0, userId: 1 } }).toArray();
    return new Set(rows.map((r) => r.userId));
  }
}
