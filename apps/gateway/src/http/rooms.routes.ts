import {
  AddedParticipantSchema,
  AddParticipantBodySchema,
  ChatError,
  CreatedRoomSchema,
  CreateRoomBodySchema,
  ErrorCode,
  HistoryQuerySchema,
  HistoryResponseSchema,
  KeyRotationResponseSchema,
  MessageEditsResponseSchema,
  MessageParamsSchema,
  PinsResponseSchema,
  RoomListResponseSchema,
  RoomParamsSchema,
  roomChannel,
  userChannel,
} from '@campzone/protocol';
import type { RoomKeyring } from '@campzone/store';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Authenticator } from '../auth/authenticator';
import type { ChatServices } from '../chat/chat-services';
import type { ClusterSync } from '../socket/cluster-sync';
import type { ChatServer } from '../socket/socket-types';
import { authenticate, principalOf } from './auth.hook';

export interface RoomRoutesOptions {
  chat: ChatServices;
  auth: Authenticator;
  io: () => ChatServer;
  sync: () => ClusterSync;
  /** Present when encryption at rest is on. */
  keyring: RoomKeyring | undefined;
}

export const roomRoutes: FastifyPluginAsyncTypebox<RoomRoutesOptions> = async (app, { chat, auth, io, sync, keyring }) => {
  app.addHook('preHandler', authenticate(auth));

  app.get('/v1/rooms', { schema: { response: { 200: RoomListResponseSchema } } }, async (request) =>
    chat.rooms.listFor(principalOf(request).userId),
  );

  app.post('/v1/rooms', { schema: { body: CreateRoomBodySchema, response: { 201: CreatedRoomSchema } } }, async (request, reply) => {
    const created = await chat.rooms.create(principalOf(request).userId, request.body);
    // Members' open sockets, on every pod, start receiving the room's messages at once.
    for (const userId of created.participants) io().in(userChannel(userId)).socketsJoin(roomChannel(created.room.roomId));
    return reply.status(201).send({ ...created.room, participants: created.participants });
  });

  app.post(
    '/v1/rooms/:roomId/participants',
    {
      schema: {
        params: RoomParamsSchema,
        body: AddParticipantBodySchema,
        response: { 200: AddedParticipantSchema, 201: AddedParticipantSchema },
      },
    },
    async (request, reply) => {
      const { roomId } = request.params;
      const role = request.body.role ?? 'member';
      const added = await chat.members.add(principalOf(request).userId, roomId, request.body);
      sync().joined(roomId, [request.body.userId]);
      await sync().changed(roomId, [request.body.userId]);
      if (added)
        io().to(roomChannel(roomId)).emit('user_joined', { roomId, userId: request.body.userId, timestamp: new Date().toISOString() });
      return reply.status(added ? 201 : 200).send({ roomId, userId: request.body.userId, role, added });
    },
  );

  app.get(
    '/v1/rooms/:roomId/messages',
    { schema: { params: RoomParamsSchema, querystring: HistoryQuerySchema, response: { 200: HistoryResponseSchema } } },
    async (request) => {
      const { roomId } = request.params;
      const { userId } = principalOf(request);
      await chat.membership.requireMember(roomId, userId);
      return chat.history.page(roomId, request.query, userId);
    },
  );

  app.get('/v1/rooms/:roomId/pins', { schema: { params: RoomParamsSchema, response: { 200: PinsResponseSchema } } }, async (request) => {
    const { roomId } = request.params;
    const { userId } = principalOf(request);
    await chat.membership.requireMember(roomId, userId);
    return chat.history.pins(roomId, userId);
  });

  // Earlier versions of a message: room admins only (moderation); a delete erases them.
  app.get(
    '/v1/rooms/:roomId/messages/:messageId/edits',
    { schema: { params: MessageParamsSchema, response: { 200: MessageEditsResponseSchema } } },
    async (request) => {
      const { roomId, messageId } = request.params;
      await chat.membership.require(roomId, principalOf(request).userId, 'readEdits');
      return chat.changes.editsOf(roomId, messageId);
    },
  );

  app.post(
    '/v1/rooms/:roomId/keys/rotate',
    { schema: { params: RoomParamsSchema, response: { 200: KeyRotationResponseSchema } } },
    async (request) => {
      const { roomId } = request.params;
      await chat.membership.requireAdmin(roomId, principalOf(request).userId);
      if (!keyring) throw new ChatError(ErrorCode.CONFLICT, 'encryption at rest is off (set ENCRYPTION_MASTER_KEY)');
      return { roomId, keyVersion: await keyring.rotate(roomId) };
    },
  );
};
