import { randomBytes } from 'node:crypto';
import { type AddParticipantBody, ChatError, type CreateRoomBody, ErrorCode, type Room, type RoomListResponse } from '@campzone/protocol';
import type { ParticipantRepository, RoomDoc, RoomRepository } from '@campzone/store';
import type { MembershipService } from './membership.service';

export interface RoomCreated {
  room: Room;
  participants: string[];
}

/** Rooms and their members: creation (the caller becomes admin) and admin-only additions. */
export class RoomService {
  constructor(
    private readonly rooms: RoomRepository,
    private readonly participants: ParticipantRepository,
    private readonly membership: MembershipService,
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
    await this.rooms.create(doc);
    await this.participants.upsert(doc.roomId, [creatorId], 'admin');
    await this.participants.upsert(doc.roomId, others, 'member');
    return { room: toRoom(doc), participants: [creatorId, ...others] };
  }

  /** Adds a member (room admins only); answers whether the user is new to the room. */
  async addParticipant(actorId: string, roomId: string, body: AddParticipantBody): Promise<boolean> {
    await this.membership.requireAdmin(roomId, actorId);
    const room = await this.rooms.findById(roomId);
    if (!room) throw new ChatError(ErrorCode.NOT_FOUND, `room ${roomId} does not exist`);
    if (room.roomType === 'one-to-one' && (await this.participants.roleOf(roomId, body.userId)) === null) {
      throw new ChatError(ErrorCode.FORBIDDEN, 'a one-to-one room cannot take more participants');
    }
    return (await this.participants.upsert(roomId, [body.userId], body.role ?? 'member')) > 0;
  }

  async listFor(userId: string): Promise<RoomListResponse> {
    const memberships = await this.participants.roomsOf(userId);
    const rooms = await this.rooms.findMany(memberships.map((m) => m.roomId));
    const roleOf = new Map(memberships.map((m) => [m.roomId, m.role]));
    return {
      rooms: rooms.map((r) => ({
        roomId: r.roomId,
        roomName: r.roomName,
        roomType: r.roomType,
        role: roleOf.get(r.roomId) ?? 'member',
        ...(r.description === undefined ? {} : { description: r.description }),
      })),
    };
  }

  async roomIdsOf(userId: string): Promise<string[]> {
    return (await this.participants.roomsOf(userId)).map((m) => m.roomId);
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
  };
}
