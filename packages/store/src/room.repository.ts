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

  findMany(roomIds: string[]): Promise<RoomDoc[]> {
    if (roomIds.length === 0) return Promise.resolve([]);
    return this.rooms.find({ roomId: { $in: roomIds } }, { projection: { _id: 0 } }).toArray();
  }
}
