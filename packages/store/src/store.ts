import type { Db } from 'mongodb';
import { type Collections, collectionsOf } from './collections';
import { MessageRepository } from './message.repository';
import { ParticipantRepository } from './participant.repository';
import { QueueLogRepository } from './queue-log.repository';
import { ReceiptRepository } from './receipt.repository';
import { RoomRepository } from './room.repository';
import { StatusFloorRepository } from './status-floor.repository';
import { UserRepository } from './user.repository';

export interface Store {
  collections: Collections;
  users: UserRepository;
  rooms: RoomRepository;
  participants: ParticipantRepository;
  messages: MessageRepository;
  receipts: ReceiptRepository;
  statusFloors: StatusFloorRepository;
  queueLog: QueueLogRepository;
}

export function createStore(db: Db): Store {
  const collections = collectionsOf(db);
  return {
    collections,
    users: new UserRepository(collections.users),
    rooms: new RoomRepository(collections.rooms),
    participants: new ParticipantRepository(collections.participants),
    messages: new MessageRepository(collections.messages),
    receipts: new ReceiptRepository(collections.receipts),
    statusFloors: new StatusFloorRepository(collections.statusFloors),
    queueLog: new QueueLogRepository(collections.queueLog),
  };
}
