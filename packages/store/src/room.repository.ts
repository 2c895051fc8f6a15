import { ChatError, ErrorCode } from '@campzone/protocol';
import { type Collection, MongoServerError } from 'mongodb';
import type { RoomDoc } from './documents';

export class RoomRepository {
  constructor(private readonly rooms: Collection<RoomDoc>) {}

  async create(room: RoomDoc): Promise<void> {
    try {
      await this.rooms.insertOne({ ...room });
    } catch (err) {
      if (err instanceof MongoServerError && err.code === 11000) {
        throw new ChatError(ErrorCode.CONFLICT, `room ${room.roomId} already exists`);
      }
      throw err;
    }
  }

  findById(roomId: string): Promise<RoomDoc | null> {
    return this.rooms.findOne({ roomId }, { projection: { _id: 0 } });
  }

  /** Changes a room's fields; answers the room as it was before, or null if there is none. */
  async update(roomId: string, set: Partial<Omit<RoomDoc, 'roomId'>>): Promise<RoomDoc | null> {
    // No projection: FerretDB v1's findAndModify refuses one.
    const before = await this.rooms.findOneAndUpdate({ roomId }, { $set: set }, { returnDocument: 'before' });
    if (!before) return null;
    const { _id, ...room } = before;
    return room;
  }

  findMany(roomIds: string[]): Promise<RoomDoc[]> {
    if (roomIds.length === 0) return Promise.resolve([]);
    return this.rooms.find({ roomId: { $in: roomIds } }, { projection: { _id: 0 } }).toArray();
  }
}
