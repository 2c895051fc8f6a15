import {
  AddParticipantBodySchema,
  ChatError,
  CreateRoomBodySchema,
  ErrorCode,
  HistoryQuerySchema,
  RoomParamsSchema,
  roomChannel,
  userChannel,
} from '@campzone/protocol';
import type { RoomKeyring } from '@campzone/store';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { TokenVerifier } from '../auth/token-verifier';
import type { ChatServices } from '../chat/chat-services';
import type { ChatServer } from '../socket/socket-types';
import { authenticate, principalOf } from './auth.hook';

export interface RoomRoutesOptions {
  chat: ChatServices;
  verifier: TokenVerifier;
  io: () => ChatServer;
  /** Present when encryption at rest is on. */
  keyring: RoomKeyring | undefined;
}

export const roomRoutes: FastifyPluginAsyncTypebox<RoomRoutesOptions> = async (app, { chat, verifier, io, keyring }) => {
  app.addHook('preHandler', authenticate(verifier));

  app.get('/v1/rooms', async (request) => chat.rooms.listFor(principalOf(request).userId));

  app.post('/v1/rooms', { schema: { body: CreateRoomBodySchema } }, async (request, reply) => {
    const created = await chat.rooms.create(principalOf(request).userId, request.body);
    // Members' open sockets, on every pod, start receiving the room's messages at once.
    for (const userId of created.participants) io().in(userChannel(userId)).socketsJoin(roomChannel(created.room.roomId));
    return reply.status(201).send({ ...created.room, participants: created.participants });
  });

  app.post(
    '/v1/rooms/:roomId/participants',
    { schema: { params: RoomParamsSchema, body: AddParticipantBodySchema } },
    async (request, reply) => {
      const { roomId } = request.params;
      const role = request.body.role ?? 'member';
      const added = await chat.rooms.addParticipant(principalOf(request).userId, roomId, request.body);
      io().in(userChannel(request.body.userId)).socketsJoin(roomChannel(roomId));
      if (added)
        io().to(roomChannel(roomId)).emit('user_joined', { roomId, userId: request.body.userId, timestamp: new Date().toISOString() });
      return reply.status(added ? 201 : 200).send({ roomId, userId: request.body.userId, role, added });
    },
  );

  app.get('/v1/rooms/:roomId/messages', { schema: { params: RoomParamsSchema, querystring: HistoryQuerySchema } }, async (request) => {
    const { roomId } = request.params;
    await chat.membership.requireMember(roomId, principalOf(request).userId);
    return chat.history.page(roomId, request.query);
  });

  app.post('/v1/rooms/:roomId/keys/rotate', { schema: { params: RoomParamsSchema } }, async (request) => {
    const { roomId } = request.params;
    await chat.membership.requireAdmin(roomId, principalOf(request).userId);
    if (!keyring) throw new ChatError(ErrorCode.CONFLICT, 'encryption at rest is off (set ENCRYPTION_MASTER_KEY)');
    return { roomId, keyVersion: await keyring.rotate(roomId) };
  });
};
