import { type Collection, ObjectId } from 'mongodb';
import type { IncomingHookDoc } from './documents';

/** Incoming hooks, found by their id (the id is in the URL the bot posts to). */
export class IncomingHookRepository {
  constructor(private readonly hooks: Collection<IncomingHookDoc>) {}

  async create(doc: IncomingHookDoc): Promise<void> {
    await this.hooks.insertOne(doc);
  }

  find(hookId: string): Promise<IncomingHookDoc | null> {
    return this.hooks.findOne({ _id: new ObjectId(hookId) });
  }

  ofRoom(roomId: string): Promise<IncomingHookDoc[]> {
    return this.hooks.find({ roomId }).sort({ _id: 1 }).toArray();
  }

  /** The deleted hook, or null when the room has no such hook. */
  delete(roomId: string, hookId: string): Promise<IncomingHookDoc | null> {
    return this.hooks.findOneAndDelete({ _id: new ObjectId(hookId), roomId });
  }
}
