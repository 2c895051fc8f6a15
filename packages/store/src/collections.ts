import type { Collection, Db } from 'mongodb';
import type {
  EncryptionKeyDoc,
  MessageDoc,
  ParticipantDoc,
  QueueLogDoc,
  ReadReceiptDoc,
  RoomDoc,
  StatusFloorDoc,
  UserDoc,
} from './documents';

/** Collection names: snake_case plurals as in the seed. Renaming one strands stored data. */
export const CollectionName = {
  users: 'users',
  rooms: 'chat_rooms',
  participants: 'chat_participants',
  messages: 'messages',
  receipts: 'message_read_receipts',
  statusFloors: 'message_status_floors',
  queueLog: 'message_queue_log',
  encryptionKeys: 'chat_encryption_keys',
} as const;

export interface Collections {
  users: Collection<UserDoc>;
  rooms: Collection<RoomDoc>;
  participants: Collection<ParticipantDoc>;
  messages: Collection<MessageDoc>;
  receipts: Collection<ReadReceiptDoc>;
  statusFloors: Collection<StatusFloorDoc>;
  queueLog: Collection<QueueLogDoc>;
  encryptionKeys: Collection<EncryptionKeyDoc>;
}

export function collectionsOf(db: Db): Collections {
  return {
    users: db.collection<UserDoc>(CollectionName.users),
    rooms: db.collection<RoomDoc>(CollectionName.rooms),
    participants: db.collection<ParticipantDoc>(CollectionName.participants),
    messages: db.collection<MessageDoc>(CollectionName.messages),
    receipts: db.collection<ReadReceiptDoc>(CollectionName.receipts),
    statusFloors: db.collection<StatusFloorDoc>(CollectionName.statusFloors),
    queueLog: db.collection<QueueLogDoc>(CollectionName.queueLog),
    encryptionKeys: db.collection<EncryptionKeyDoc>(CollectionName.encryptionKeys),
  };
}
