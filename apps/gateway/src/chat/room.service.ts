import { randomBytes } from 'node:crypto';
import {
  type AuditPage,
  type AuditQuery,
  ChatError,
  type CreateRoomBody,
  ErrorCode,
  type Room,
  type RoomListResponse,
  type RoomUpdated,
  type UpdateRoomBody,
} from '@campzone/protocol';
import type { MessageCounters } from '@campzone/realtime';
import type {
  AuditLogRepository,
  BlockRepository,
  MessageRepository,
  ParticipantRepository,
  RoomDoc,
  RoomRepository,
} from '@campzone/store';
import type { MembershipService } from './membership.service';
import { settingsOf } from './room-settings.cache';
import type { WebhookEvents } from './webhook-events';

export interface RoomCreated {
  room: Room;
  participants: string[];
}

/** Rooms: creation (the caller becomes its owner), the caller's list, and settings. */
export class RoomService {
  constructor(
    private readonly rooms: RoomRepository,
    private readonly participants: ParticipantRepository,
    private readonly messages: Pick<MessageRepository, 'unreadFor'>,
    private readonly membership: Pick<MembershipService, 'require'>,
    private readonly blocks: Pick<BlockRepository, 'has'>,
    private readonly audit: Pick<AuditLogRepository, 'append' | 'page'>,
    /** Records `member.added` for everyone a room is created with (its creator included). */
    private readonly events?: Pick<WebhookEvents, 'membersAdded'>,
    /** Seeds a new room's message counters in Redis (see create). */
    private readonly counters?: Pick<MessageCounters, 'seed'>,
  ) {}

  async create(creatorId: string, body: CreateRoomBody): Promise<RoomCreated> {
    const others = (body.participants ?? []).filter((id) => id !== creatorId);
    if (body.roomType === 'one-to-one' && others.length !== 1) {
      throw new ChatError(ErrorCode.VALIDATION_FAILED, 'participants: a one-to-one room has exactly one other participant');
    }
    const doc: RoomDoc = {
      roomId: body.roomId ?? randomBytes(9).toString('base64url'),
      roomName: body.roomName,
      roomType: body.roomType,
      createdBy: creatorId,
      ...(body.description === undefined ? {} : { description: body.description }),
      createdAt: new Date(),
    };
    if (body.roomType === 'one-to-one' && (await this.blocks.has(others[0] as string, creatorId))) {
      throw new ChatError(ErrorCode.FORBIDDEN, `${others[0]} has blocked you`);
    }
    await this.rooms.create(doc);
    await this.participants.upsert(doc.roomId, [creatorId], 'owner');
    await this.participants.upsert(doc.roomId, others, 'member');
    await this.events?.membersAdded(doc.roomId, [creatorId, ...others], creatorId);
    // A new room holds nothing, so its counters are known without asking the store: the members'
    // first syncs and the first send would each have read the room's newest seq and rev from it
    // (on FerretDB a scan of every message). Best effort: they still seed on demand.
    await this.counters?.seed(doc.roomId, 0, 0, 0).catch(() => undefined);
    return { room: toRoom(doc), participants: [creatorId, ...others] };
  }

  /** Changes a room's name, description or rules (owners and admins); answers the room as it now is. */
  async update(actorId: string, roomId: string, body: UpdateRoomBody): Promise<RoomUpdated> {
    await this.membership.require(roomId, actorId, 'changeSettings');
    const set: Partial<RoomDoc> = {};
    for (const key of ['roomName', 'description', 'postingPolicy', 'slowModeSeconds', 'archived'] as const) {
      if (body[key] !== undefined) Object.assign(set, { [key]: body[key] });
    }
    const before = await this.rooms.update(roomId, set);
    if (!before) throw new ChatError(ErrorCode.NOT_FOUND, `room ${roomId} does not exist`);
    const after: RoomDoc = { ...before, ...set };
    const changed = (Object.keys(set) as Array<keyof RoomDoc>).filter((k) => before[k] !== after[k]);
    if (changed.length > 0) {
      await this.audit.append([
        {
          roomId,
          actorId,
          action: 'room.updated',
          before: Object.fromEntries(changed.map((k) => [k, before[k] ?? null])),
          after: Object.fromEntries(changed.map((k) => [k, after[k]])),
        },
      ]);
    }
    return {
      roomId,
      roomName: after.roomName,
      ...(after.description === undefined ? {} : { description: after.description }),
      ...settingsOf(after),
      by: actorId,
    };
  }

  /** The caller's rooms, each with its unread and unread-mention counts (two counts per room, by roomId). */
  async listFor(userId: string): Promise<RoomListResponse> {
    const memberships = await this.participants.membershipsOf(userId);
    const [rooms, unread] = await Promise.all([
      this.rooms.findMany(memberships.map((m) => m.roomId)),
      Promise.all(memberships.map((m) => this.messages.unreadFor(m.roomId, userId, m.lastReadSeq))),
    ]);
    const of = new Map(memberships.map((m, i) => [m.roomId, { role: m.role, mutedUntil: m.mutedUntil, unread: unread[i] }]));
    return {
      rooms: rooms.map((r) => {
        const mine = of.get(r.roomId);
        return {
          roomId: r.roomId,
          roomName: r.roomName,
          roomType: r.roomType,
          role: mine?.role ?? 'member',
          ...(r.description === undefined ? {} : { description: r.description }),
          unreadCount: mine?.unread?.unread ?? 0,
          unreadMentions: mine?.unread?.mentions ?? 0,
          ...settingsOf(r),
          ...(mine?.mutedUntil && mine.mutedUntil.getTime() > Date.now() ? { mutedUntil: mine.mutedUntil.toISOString() } : {}),
        };
      }),
    };
  }

  /** The room's audit log, newest first (owners and admins). */
  async auditPage(actorId: string, roomId: string, query: AuditQuery): Promise<AuditPage> {
    await this.membership.require(roomId, actorId, 'readAudit');
    const page = await this.audit.page(roomId, query.limit ?? 50, query.before);
    return {
      roomId,
      hasMore: page.hasMore,
      entries: page.entries.map((e) => ({
        entryId: e._id.toHexString(),
        roomId: e.roomId,
        actorId: e.actorId,
        action: e.action,
        ...(e.targetId === undefined ? {} : { targetId: e.targetId }),
        ...(e.before === undefined ? {} : { before: e.before }),
        ...(e.after === undefined ? {} : { after: e.after }),
        at: e.at.toISOString(),
      })),
    };
  }
}

export function toRoom(doc: RoomDoc): Room {
  return {
    roomId: doc.roomId,
    roomName: doc.roomName,
    roomType: doc.roomType,
    createdBy: doc.createdBy,
    ...(doc.description === undefined ? {} : { description: doc.description }),
    createdAt: doc.createdAt.toISOString(),
    ...settingsOf(doc),
  };
}
