import { BSON, type CommandFailedEvent, type CommandStartedEvent, type CommandSucceededEvent, type MongoClient } from 'mongodb';

/** Where observed MongoDB commands go (a metrics registry); the store knows no metrics library. */
export interface MongoCommandSink {
  /** One command answered (ok) or failed, with its round-trip time. */
  command(name: string, seconds: number, ok: boolean): void;
  /** Documents a write command carried, and their BSON size: what a store must persist. */
  written(command: 'insert' | 'update' | 'delete', documents: number, bytes: number): void;
}

/** What each write command carries its documents in. */
const WRITE_FIELDS = { insert: 'documents', update: 'updates', delete: 'deletes' } as const;

/**
 * Feeds the driver's command monitoring (`monitorCommands: true`, set by createMongoClient)
 * into a sink: latency per command name, and documents and bytes per write. The size is
 * computed only for writes, from the command the driver already built.
 */
export function observeMongoCommands(client: MongoClient, sink: MongoCommandSink): void {
  client.on('commandStarted', (event: CommandStartedEvent) => {
    const name = event.commandName;
    if (name !== 'insert' && name !== 'update' && name !== 'delete') return;
    const items: unknown = event.command[WRITE_FIELDS[name]];
    if (!Array.isArray(items)) return;
    let bytes = 0;
    for (const item of items) bytes += BSON.calculateObjectSize(item as BSON.Document);
    sink.written(name, items.length, bytes);
  });
  client.on('commandSucceeded', (event: CommandSucceededEvent) => sink.command(event.commandName, event.duration / 1000, true));
  client.on('commandFailed', (event: CommandFailedEvent) => sink.command(event.commandName, event.duration / 1000, false));
}
