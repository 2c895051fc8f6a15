import type { CommandStartedEvent, Document, MongoClient } from 'mongodb';

export type ReadCommand = 'find' | 'aggregate' | 'count' | 'distinct' | 'getMore';

export interface StoreRead {
  collection: string;
  command: ReadCommand;
}

const READS: ReadonlySet<string> = new Set<ReadCommand>(['find', 'aggregate', 'count', 'distinct', 'getMore']);

/** The collection a read command reads, or null for any other command (a getMore names it apart). */
export function readOf(commandName: string, command: Document): StoreRead | null {
  if (!READS.has(commandName)) return null;
  const collection = commandName === 'getMore' ? command.collection : command[commandName];
  return typeof collection === 'string' ? { collection, command: commandName as ReadCommand } : null;
}

/** Reports every read command the client sends (one per round trip); needs `monitorCommands: true`. */
export function watchStoreReads(client: MongoClient, onRead: (read: StoreRead) => void): () => void {
  const listener = (event: CommandStartedEvent) => {
    const read = readOf(event.commandName, event.command);
    if (read) onRead(read);
  };
  client.on('commandStarted', listener);
  return () => client.off('commandStarted', listener);
}
