import type { CommandStartedEvent, Document, MongoClient } from 'mongodb';
import { CollectionName } from './collections';

/**
 * Collections that hold one room's data, with the field that names the room: the first field of
 * the shard key on a MongoDB sharded by room (docs/sharding.md). A status floor's `_id` is its
 * roomId. `users` and `user_blocks` are keyed by user and are not room data.
 */
export const ROOM_KEY_FIELD: Readonly<Record<string, string>> = {
  [CollectionName.rooms]: 'roomId',
  [CollectionName.participants]: 'roomId',
  [CollectionName.messages]: 'roomId',
  [CollectionName.messageEdits]: 'roomId',
  [CollectionName.receipts]: 'roomId',
  [CollectionName.statusFloors]: '_id',
  [CollectionName.queueLog]: 'roomId',
  [CollectionName.encryptionKeys]: 'roomId',
  [CollectionName.bans]: 'roomId',
  [CollectionName.reports]: 'roomId',
  [CollectionName.audit]: 'roomId',
  [CollectionName.attachments]: 'roomId',
};

/**
 * The only room-data queries that span rooms on purpose, by the exact set of top-level filter
 * fields. Each is served by its own index and goes to every shard (docs/sharding.md says why
 * each must): everything else that lacks the room key is a defect.
 */
export const CROSS_ROOM_QUERIES: ReadonlyArray<{ collection: string; fields: readonly string[]; why: string }> = [
  {
    collection: CollectionName.messages,
    fields: ['idempotencyKey', 'senderId'],
    why: 'an idempotency key is unique per sender across rooms',
  },
  { collection: CollectionName.messages, fields: ['createdAt'], why: 'the sweep looks for recent messages whose tracking job was lost' },
  { collection: CollectionName.participants, fields: ['userId'], why: "a user's rooms (handshake, room list, presence)" },
  { collection: CollectionName.queueLog, fields: ['nextRetryAt', 'status'], why: 'the sweep fails entries whose job was lost' },
  { collection: CollectionName.queueLog, fields: ['createdAt', 'status'], why: 'retention deletes old finished entries' },
];

export interface RoomFilterViolation {
  collection: string;
  /** find, update, delete, findAndModify, aggregate, count, distinct or insert. */
  command: string;
  /** The filter (or inserted document) that lacks the room key. */
  filter: Document;
}

/**
 * Room-data statements of one command that do not name the room: a find filter, each update's
 * and delete's `q`, findAndModify's query, an aggregate's first `$match`, count's and distinct's
 * query, and each inserted document. Commands on other collections, and the declared
 * cross-room queries, pass.
 */
export function roomFilterViolations(commandName: string, command: Document): RoomFilterViolation[] {
  const collection = command[commandName];
  if (typeof collection !== 'string') return [];
  const key = ROOM_KEY_FIELD[collection];
  if (!key) return [];
  const violation = (filter: Document): RoomFilterViolation => ({ collection, command: commandName, filter });
  const check = (filter: unknown): RoomFilterViolation[] => {
    const doc = isDocument(filter) ? filter : {};
    return namesRoom(doc, key) || isDeclaredCrossRoom(collection, doc) ? [] : [violation(doc)];
  };
  switch (commandName) {
    case 'find':
      return check(command.filter);
    case 'count':
    case 'distinct':
      return check(command.query);
    case 'findAndModify':
      return check(command.query);
    case 'update':
      return listOf(command.updates).flatMap((u) => check(u.q));
    case 'delete':
      return listOf(command.deletes).flatMap((d) => check(d.q));
    case 'aggregate': {
      const first = listOf(command.pipeline)[0];
      return check(first?.$match);
    }
    case 'insert':
      return listOf(command.documents).flatMap((d) => (d[key] === undefined ? [violation(d)] : []));
    default:
      return [];
  }
}

/** The driver's commandStarted events checked as they go out; needs a client with `monitorCommands: true`. */
export function watchRoomFilters(client: MongoClient, onViolation: (violation: RoomFilterViolation) => void): () => void {
  const listener = (event: CommandStartedEvent) => {
    for (const v of roomFilterViolations(event.commandName, event.command)) onViolation(v);
  };
  client.on('commandStarted', listener);
  return () => client.off('commandStarted', listener);
}

/** The room key at the top level with a value, or in every branch of an `$and`/one of its terms. */
function namesRoom(filter: Document, key: string): boolean {
  if (filter[key] !== undefined) return true;
  const and = filter.$and;
  return Array.isArray(and) && and.some((term) => isDocument(term) && namesRoom(term, key));
}

function isDeclaredCrossRoom(collection: string, filter: Document): boolean {
  const fields = Object.keys(filter).sort().join(',');
  return CROSS_ROOM_QUERIES.some((q) => q.collection === collection && [...q.fields].sort().join(',') === fields);
}

function isDocument(value: unknown): value is Document {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function listOf(value: unknown): Document[] {
  return Array.isArray(value) ? value.filter(isDocument) : [];
}
