import type { CommandStartedEvent, Document, MongoClient } from 'mongodb';

export type WriteOp = 'insert' | 'update' | 'delete';

export interface StoreWrite {
  collection: string;
  op: WriteOp;
  /** Statements: inserted documents, update or delete statements (a bulkWrite's updateOne is one). */
  count: number;
}

/** What one command writes, counted by statement; reads count nothing. */
export function writesOf(commandName: string, command: Document): StoreWrite | null {
  const collection = command[commandName];
  if (typeof collection !== 'string') return null;
  const count = (field: string) => (Array.isArray(command[field]) ? (command[field] as unknown[]).length : 0);
  switch (commandName) {
    case 'insert':
      return { collection, op: 'insert', count: count('documents') };
    case 'update':
      return { collection, op: 'update', count: count('updates') };
    case 'delete':
      return { collection, op: 'delete', count: count('deletes') };
    case 'findAndModify':
      return { collection, op: command.remove === true ? 'delete' : 'update', count: 1 };
    default:
      return null;
  }
}

/** Reports every write the client sends; needs a client with `monitorCommands: true`. */
export function watchStoreWrites(client: MongoClient, onWrite: (write: StoreWrite) => void): () => void {
  const listener = (event: CommandStartedEvent) => {
    const write = writesOf(event.commandName, event.command);
    if (write && write.count > 0) onWrite(write);
  };
  client.on('commandStarted', listener);
  return () => client.off('commandStarted', listener);
}
