import {
  AuditPageSchema,
  AuditQuerySchema,
  BanBodySchema,
  BanResponseSchema,
  ChangeRoleBodySchema,
  MembersResponseSchema,
  MessageParamsSchema,
  MuteBodySchema,
  MuteResponseSchema,
  NoContentSchema,
  ParticipantParamsSchema,
  ReportBodySchema,
  ReportListSchema,
  ReportParamsSchema,
  ReportSchema,
  ReportsQuerySchema,
  ResolveReportBodySchema,
  RoleChangeResponseSchema,
  RoomParamsSchema,
  RoomUpdatedSchema,
  RosterBodySchema,
  RosterResultSchema,
  roomChannel,
  UpdateRoomBodySchema,
} from '@campzone/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Authenticator } from '../auth/authenticator';
import type { ChatServices } from '../chat/chat-services';
import type { ClusterSync } from '../socket/cluster-sync';
import type { ChatServer } from '../socket/socket-types';
import { authenticate, principalOf } from './auth.hook';

export interface ModerationRoutesOptions {
  chat: ChatServices;
  auth: Authenticator;
  io: () => ChatServer;
  sync: () => ClusterSync;
}

/** Membership (remove, roles, rosters), room settings, mutes, bans, reports and the audit log. */
export const moderationRoutes: FastifyPluginAsyncTypebox<ModerationRoutesOptions> = async (app, { chat, auth, io, sync }) => {
  app.addHook('preHandler', authenticate(auth));

  app.get(
    '/v1/rooms/:roomId/participants',
    { schema: { params: RoomParamsSchema, response: { 200: MembersResponseSchema } } },
    async (request) => chat.members.list(principalOf(request).userId, request.params.roomId),
  );

  app.delete(
    '/v1/rooms/:roomId/participants/:userId',
    { schema: { params: ParticipantParamsSchema, response: { 204: NoContentSchema } } },
    async (request, reply) => {
      const { roomId, userId } = request.params;
      const actorId = principalOf(request).userId;
      await chat.members.remove(actorId, roomId, userId);
      await sync().removed(roomId, [userId], actorId);
      return reply.status(204).send(null);
    },
  );

  app.patch(
    '/v1/rooms/:roomId/participants/:userId',
    { schema: { params: ParticipantParamsSchema, body: ChangeRoleBodySchema, response: { 200: RoleChangeResponseSchema } } },
    async (request) => {
      const { roomId, userId } = request.params;
      const { before } = await chat.members.changeRole(principalOf(request).userId, roomId, userId, request.body.role);
      await sync().changed(roomId, [userId]);
      return { roomId, userId, role: request.body.role, previousRole: before };
    },
  );

  app.put(
    '/v1/rooms/:roomId/participants',
    { schema: { params: RoomParamsSchema, body: RosterBodySchema, response: { 200: RosterResultSchema } } },
    async (request) => {
      const { roomId } = request.params;
      const actorId = principalOf(request).userId;
      const { result, touched } = await chat.members.syncRoster(actorId, roomId, request.body);
      sync().joined(roomId, touched.added);
      await sync().changed(roomId, [...touched.added, ...touched.changed]);
      await sync().removed(roomId, touched.removed, actorId);
      const timestamp = new Date().toISOString();
      for (const userId of touched.added) io().to(roomChannel(roomId)).emit('user_joined', { roomId, userId, timestamp });
      return result;
    },
  );

  app.patch(
    '/v1/rooms/:roomId',
    { schema: { params: RoomParamsSchema, body: UpdateRoomBodySchema, response: { 200: RoomUpdatedSchema } } },
    async (request) => {
      const { roomId } = request.params;
      const updated = await chat.rooms.update(principalOf(request).userId, roomId, request.body);
      await sync().roomChanged(roomId);
      io().to(roomChannel(roomId)).emit('room_updated', updated);
      return updated;
    },
  );

  app.post(
    '/v1/rooms/:roomId/mutes',
    { schema: { params: RoomParamsSchema, body: MuteBodySchema, response: { 201: MuteResponseSchema } } },
    async (request, reply) => {
      const { roomId } = request.params;
      await chat.members.mute(principalOf(request).userId, roomId, request.body);
      await sync().changed(roomId, [request.body.userId]);
      return reply.status(201).send({ roomId, userId: request.body.userId, until: new Date(request.body.until).toISOString() });
    },
  );

  app.delete(
    '/v1/rooms/:roomId/mutes/:userId',
    { schema: { params: ParticipantParamsSchema, response: { 204: NoContentSchema } } },
    async (request, reply) => {
      const { roomId, userId } = request.params;
      await chat.members.unmute(principalOf(request).userId, roomId, userId);
      await sync().changed(roomId, [userId]);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/v1/rooms/:roomId/bans',
    { schema: { params: RoomParamsSchema, body: BanBodySchema, response: { 201: BanResponseSchema } } },
    async (request, reply) => {
      const { roomId } = request.params;
      const actorId = principalOf(request).userId;
      const wasMember = await chat.members.ban(actorId, roomId, request.body);
      if (wasMember) await sync().removed(roomId, [request.body.userId], actorId);
      return reply.status(201).send({ roomId, userId: request.body.userId, reason: request.body.reason, removed: wasMember });
    },
  );

  app.delete(
    '/v1/rooms/:roomId/bans/:userId',
    { schema: { params: ParticipantParamsSchema, response: { 204: NoContentSchema } } },
    async (request, reply) => {
      const { roomId, userId } = request.params;
      await chat.members.unban(principalOf(request).userId, roomId, userId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/v1/rooms/:roomId/messages/:messageId/reports',
    { schema: { params: MessageParamsSchema, body: ReportBodySchema, response: { 201: ReportSchema } } },
    async (request, reply) => {
      const { roomId, messageId } = request.params;
      return reply.status(201).send(await chat.reports.report(principalOf(request).userId, roomId, messageId, request.body));
    },
  );

  app.get(
    '/v1/rooms/:roomId/reports',
    { schema: { params: RoomParamsSchema, querystring: ReportsQuerySchema, response: { 200: ReportListSchema } } },
    async (request) => chat.reports.list(principalOf(request).userId, request.params.roomId, request.query.status),
  );

  app.post(
    '/v1/rooms/:roomId/reports/:reportId/resolve',
    { schema: { params: ReportParamsSchema, body: ResolveReportBodySchema, response: { 200: ReportSchema } } },
    async (request) => {
      const { roomId, reportId } = request.params;
      return chat.reports.resolve(principalOf(request).userId, roomId, reportId, request.body.resolution);
    },
  );

  app.get(
    '/v1/rooms/:roomId/audit',
    { schema: { params: RoomParamsSchema, querystring: AuditQuerySchema, response: { 200: AuditPageSchema } } },
    async (request) => chat.rooms.auditPage(principalOf(request).userId, request.params.roomId, request.query),
  );
};
