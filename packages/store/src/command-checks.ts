import type { MongoClient } from 'mongodb';
import { watchRoomFilters } from './room-filter-guard';
import { watchStoreReads } from './store-read-counter';
import { watchStoreWrites } from './store-write-counter';

/** The counters MONGO_COMMAND_CHECKS feeds; prom-client counters fit. */
export interface CommandCheckSink {
  storeWrites: { inc(labels: { collection: string; op: string }, value: number): void };
  storeReads: { inc(labels: { collection: string; command: string }): void };
  roomFilterViolations: { inc(labels: { collection: string; command: string }): void };
}

/** MONGO_COMMAND_CHECKS in either app: writes and read commands counted per collection, room-data commands without roomId reported. */
export function watchCommandChecks(
  client: MongoClient,
  sink: CommandCheckSink,
  logger: { error(fields: object, msg: string): void },
): void {
  watchStoreWrites(client, (w) => sink.storeWrites.inc({ collection: w.collection, op: w.op }, w.count));
  watchStoreReads(client, (r) => sink.storeReads.inc({ collection: r.collection, command: r.command }));
  watchRoomFilters(client, (v) => {
    sink.roomFilterViolations.inc({ collection: v.collection, command: v.command });
    // Field names only: an inserted document's values are user content.
    logger.error({ collection: v.collection, command: v.command, fields: Object.keys(v.filter) }, 'room-data command without roomId');
  });
}
