import { randomBytes } from 'node:crypto';
import { ChatError, type CreatedHook, ErrorCode, type HookList, type HookMessageBody } from '@campzone/protocol';
import { verifyWebhookSignature } from '@campzone/queue';
import {
  type IncomingHookDoc,
  type IncomingHookRepository,
  ObjectId,
  type ParticipantRepository,
  type RoomRepository,
  type UserRepository,
} from '@campzone/store';
import type { Principal } from '../auth/token-verifier';
import { guarded } from './dependency-errors';
import type { MembershipService } from './membership.service';
import type { SendMessageService, SendResult } from './send-message.service';
import type { WebhookEvents } from './webhook-events';

/** How far a signed request's timestamp may be from now: a captured request is useless after this. */
export const HOOK_SIGNATURE_TOLERANCE_S = 300;

export interface IncomingHooksDeps {
  hooks: IncomingHookRepository;
  rooms: Pick<RoomRepository, 'findById'>;
  participants: Pick<ParticipantRepository, 'addBot' | 'remove'>;
  users: Pick<UserRepository, 'markSeen'>;
  membership: Pick<MembershipService, 'requireAdmin'>;
  send: Pick<SendMessageService, 'send'>;
  events?: Pick<WebhookEvents, 'membersAdded' | 'membersRemoved'>;
}

/** A signed request to an incoming hook. */
export interface SignedRequest {
  rawBody: string;
  timestamp: string | undefined;
  signature: string | undefined;
}

/**
 * Incoming hooks: a room's owner or admin (or a campus admin) makes one; it is a bot user, a
 * member of that one room, and whoever signs with its secret posts as that bot through the
 * socket send pipeline (seq, Lamport, idempotency, the bot's rate limit).
 */
export class IncomingHooksService {
  constructor(private readonly deps: IncomingHooksDeps) {}

  async create(principal: Principal, roomId: string, name: string): Promise<CreatedHook> {
    if (!principal.campusAdmin) await this.deps.membership.requireAdmin(roomId, principal.userId);
    const room = await this.store(() => this.deps.rooms.findById(roomId));
    if (!room) throw new ChatError(ErrorCode.NOT_FOUND, `room ${roomId} does not exist`);
    const hookId = new ObjectId();
    const doc: IncomingHookDoc = {
      _id: hookId,
      roomId,
      name: name.trim(),
      botUserId: `bot-${hookId.toHexString()}`,
      secret: randomBytes(32).toString('base64url'),
      createdBy: principal.userId,
      createdAt: new Date(),
    };
    await this.store(async () => {
      await this.deps.users.markSeen([{ userId: doc.botUserId, username: doc.name, isOnline: false, at: doc.createdAt }]);
      await this.deps.participants.addBot(roomId, doc.botUserId);
      // Last: a hook exists only once its bot can post.
      await this.deps.hooks.create(doc);
    });
    await this.deps.events?.membersAdded(roomId, [doc.botUserId], principal.userId);
    return { hookId: hookId.toHexString(), roomId, name: doc.name, botUserId: doc.botUserId, secret: doc.secret };
  }

  async list(principal: Principal, roomId: string): Promise<HookList> {
    if (!principal.campusAdmin) await this.deps.membership.requireAdmin(roomId, principal.userId);
    const hooks = await this.store(() => this.deps.hooks.ofRoom(roomId));
    return {
      roomId,
      hooks: hooks.map((h) => ({
        hookId: h._id.toHexString(),
        roomId: h.roomId,
        name: h.name,
        botUserId: h.botUserId,
        createdBy: h.createdBy,
        createdAt: h.createdAt.toISOString(),
      })),
    };
  }

  /** Revokes a hook (a leaked secret): its posts are refused from now on and its bot leaves the room. */
  async remove(principal: Principal, roomId: string, hookId: string): Promise<void> {
    if (!principal.campusAdmin) await this.deps.membership.requireAdmin(roomId, principal.userId);
    const hook = await this.store(() => this.deps.hooks.delete(roomId, hookId));
    if (!hook) throw new ChatError(ErrorCode.NOT_FOUND, `room ${roomId} has no hook ${hookId}`);
    await this.store(() => this.deps.participants.remove(roomId, [hook.botUserId]));
    await this.deps.events?.membersRemoved(roomId, [hook.botUserId], principal.userId);
  }

  /** The hook a request is signed for; an unknown hook and a bad signature are the same 401, so ids cannot be probed. */
  async authenticate(hookId: string, request: SignedRequest): Promise<IncomingHookDoc> {
    const hook = await this.store(() => this.deps.hooks.find(hookId));
    const why = hook
      ? verifyWebhookSignature(hook.secret, request.timestamp, request.rawBody, request.signature, HOOK_SIGNATURE_TOLERANCE_S)
      : 'signature does not match';
    if (!hook || why) throw new ChatError(ErrorCode.UNAUTHORIZED, `hook request refused: ${why}`);
    return hook;
  }

  /** Without an Idempotency-Key every post is a new message. */
  post(hook: IncomingHookDoc, body: HookMessageBody, idempotencyKey: string | undefined): Promise<SendResult> {
    return this.deps.send.send(hook.botUserId, {
      roomId: hook.roomId,
      content: body.content,
      lamportTimestamp: 0,
      idempotencyKey: idempotencyKey ?? `hook-${new ObjectId().toHexString()}`,
      messageType: 'text',
    });
  }

  private store<T>(call: () => Promise<T>): Promise<T> {
    return guarded('hook store (MongoDB)', call);
  }
}
