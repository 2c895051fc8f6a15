import type { MongoCommandSink } from '@campzone/store';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Every gateway metric, named with the app prefix and base units. Labels are bounded sets
 * (event names, error codes); never a user or room id.
 */
export function createGatewayMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'campzone_gateway_' });
  return {
    registry,
    connectedSockets: new Gauge({
      name: 'campzone_gateway_connected_sockets',
      help: 'Sockets connected to this pod',
      registers: [registry],
    }),
    events: new Counter({
      name: 'campzone_gateway_events_total',
      help: 'Client events received, by name',
      labelNames: ['event'],
      registers: [registry],
    }),
    errors: new Counter({
      name: 'campzone_gateway_errors_total',
      help: 'Errors answered to clients, by code',
      labelNames: ['code'],
      registers: [registry],
    }),
    messagesSent: new Counter({
      name: 'campzone_messages_sent_total',
      help: 'Messages stored and acknowledged (duplicates excluded)',
      registers: [registry],
    }),
    duplicates: new Counter({
      name: 'campzone_messages_duplicate_total',
      help: 'Sends answered as duplicates of an earlier send',
      registers: [registry],
    }),
    sendAck: new Histogram({
      name: 'campzone_send_ack_seconds',
      help: 'From send_message received to ack sent',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    luaSeconds: new Histogram({
      name: 'campzone_gateway_lua_seconds',
      help: 'Redis Lua script latency',
      labelNames: ['script'],
      buckets: [0.0002, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25],
      registers: [registry],
    }),
    batchSeconds: new Histogram({
      name: 'campzone_gateway_mongo_batch_seconds',
      help: 'MongoDB insert latency per message batch',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    batchSize: new Histogram({
      name: 'campzone_gateway_mongo_batch_size',
      help: 'Messages per MongoDB insert',
      buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
      registers: [registry],
    }),
    adapterErrors: new Counter({
      name: 'campzone_gateway_adapter_errors_total',
      help: 'Redis adapter publish/subscribe errors',
      registers: [registry],
    }),
    storeWrites: new Counter({
      name: 'campzone_gateway_store_writes_total',
      help: 'Documents this pod wrote to MongoDB (inserted documents, update and delete statements), by collection and op; counted only with MONGO_COMMAND_CHECKS=true',
      labelNames: ['collection', 'op'],
      registers: [registry],
    }),
    storeReads: new Counter({
      name: 'campzone_gateway_store_reads_total',
      help: 'Read commands this pod sent to MongoDB (find, aggregate, count, distinct, getMore: one per round trip), by collection and command; counted only with MONGO_COMMAND_CHECKS=true',
      labelNames: ['collection', 'command'],
      registers: [registry],
    }),
    roomFilterViolations: new Counter({
      name: 'campzone_gateway_room_filter_violations_total',
      help: 'Room-data commands whose filter lacked roomId (each would reach every shard); checked only with MONGO_COMMAND_CHECKS=true',
      labelNames: ['collection', 'command'],
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: 'campzone_gateway_rate_limited_total',
      help: 'Requests refused by a rate limit',
      labelNames: ['limit'],
      registers: [registry],
    }),
    mongoCommandSeconds: new Histogram({
      name: 'campzone_gateway_mongo_command_seconds',
      help: 'MongoDB command round trips seen by the driver, by command name and outcome',
      labelNames: ['command', 'outcome'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    mongoWrittenDocuments: new Counter({
      name: 'campzone_gateway_mongo_written_documents_total',
      help: 'Documents sent to MongoDB in insert, update and delete commands (an update counts its statements)',
      labelNames: ['command'],
      registers: [registry],
    }),
    mongoWrittenBytes: new Counter({
      name: 'campzone_gateway_mongo_written_bytes_total',
      help: 'BSON bytes of the documents and statements sent in insert, update and delete commands',
      labelNames: ['command'],
      registers: [registry],
    }),
  };
}

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;

/** Driver command events into this app's MongoDB metrics (see observeMongoCommands in the store). */
export function mongoCommandSink(metrics: GatewayMetrics): MongoCommandSink {
  return {
    command: (command, seconds, ok) => metrics.mongoCommandSeconds.observe({ command, outcome: ok ? 'ok' : 'failed' }, seconds),
    written: (command, documents, bytes) => {
      metrics.mongoWrittenDocuments.inc({ command }, documents);
      metrics.mongoWrittenBytes.inc({ command }, bytes);
    },
  };
}
