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
}
