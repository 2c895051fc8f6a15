import {
  ChatError,
  can,
  type EditMessage,
  ErrorCode,
  MAX_REACTION_EMOJI,
  type MessageDeleted,
  type MessageEdited,
  type MessageEditsResponse,
  type MessagePinned,
  type MessageRef,
  type ParticipantRole,
  type Reaction,
  type ReactionUpdated,
} from '@campzone/protocol';
import type { MessageCounters, MessageLocks } from '@campzone/realtime';
import {
  type AuditLogRepository,
  type ContentCodec,
  type MessageChangeRepository,
  type MessageChangeSet,
  type MessageChangeUnset,
  type MessageDoc,
  type MessageRepository,
  ObjectId,
  type ReactionDoc,
} from '@campzone/store';
import type { Logger } from 'pino';
import type { AttachmentService } from './attachment.service';
import { guarded } from './dependency-errors';
import type { MentionResolver } from './mention.resolver';
import type { PostingRules } from './posting-rules';
import type { WebhookEvents } from './webhook-events';

export interface MessageChangeDeps {
  /** Membership, role, mute and the room's rules (an archived room takes no change). */
  rules: Pick<PostingRules, 'check'>;
  audit: Pick<AuditLogRepository, 'append'>;
  counters: MessageCounters;
  locks: Pick<MessageLocks, 'withLock'>;
  messages: Pick<MessageRepository, 'latestCounters'>;
  changes: MessageChangeRepository;
  mentions: Pick<MentionResolver, 'resolve'>;
  codec: ContentCodec;
  maxContentLength: number;
  /** MESSAGE_EDIT_WINDOW_MS: how long after sending its author may edit a message; 0 = always. */
  editWindowMs: number;
  /** Hands a deleted message's attachments to the worker for deletion. */
  attachments?: Pick<AttachmentService, 'purge'>;
  logger?: Pick<Logger, 'warn'>;
  /** Records `message.edited` / `message.deleted` for webhooks before the change is answered. */
  events?: Pick<WebhookEvents, 'messageEdited' | 'messageDeleted'>;
}

/** Concurrent changes to one message retry this often before the caller is asked to. */
const MAX_ATTEMPTS = 5;

/**
 * What a change does to a message it has read: nothing (it already is in the asked state: a
 * retry, or a race with the same wish), or fields to set and unset under a new rev.
 */
type Plan<R> =
  | { kind: 'unchanged'; answer: R }
  | {
      kind: 'change';
      set: Omit<MessageChangeSet, 'rev'>;
      unset?: MessageChangeUnset;
      answer: (rev: number) => R;
      afterwards?: () => Promise<void>;
    };

/**
 * Edits, deletes, reactions and pins of stored messages. Each reads the message, checks the
 * rules, allocates the room's next rev in Redis and writes only if nobody changed the message
 * meanwhile (else it reads again): concurrent changes on any pod all land, every screen ends in
 * the same state, and the message's rev only rises. A change that finds the message already as
 * asked (a retried request) is answered with its current state and allocates nothing, so a
 * retry is applied once. Refusals change nothing and allocate nothing.
 */
export class MessageChangeService {
  constructor(private readonly deps: MessageChangeDeps) {}

  async edit(userId: string, input: EditMessage): Promise<MessageEdited> {
    if (input.content.length > this.deps.maxContentLength) {
      throw new ChatError(ErrorCode.PAYLOAD_TOO_LARGE, `content is longer than ${this.deps.maxContentLength} characters`);
    }
    await this.deps.rules.check(input.roomId, userId, 'post');
    const answer = await this.editPlanned(userId, input);
    await this.deps.events?.messageEdited(answer.roomId, answer.messageId, answer.rev, new Date(answer.editedAt));
    return answer;
  }

  private editPlanned(userId: string, input: EditMessage): Promise<MessageEdited> {
    return this.change(input, async (doc) => {
      if (doc.senderId !== userId) throw new ChatError(ErrorCode.FORBIDDEN, 'only its sender may edit a message');
      if (doc.deletedAt) throw new ChatError(ErrorCode.CONFLICT, 'a deleted message cannot be edited');
      const current = await this.deps.codec.open(doc.roomId, doc.content, doc.keyVersion);
      const edited = (editedAt: Date, rev: number): MessageEdited => ({
        roomId: doc.roomId,
        messageId: doc._id.toHexString(),
        content: input.content,
        editedAt: editedAt.toISOString(),
        rev,
      });
      if (current === input.content) return { kind: 'unchanged', answer: edited(doc.editedAt ?? doc.createdAt, doc.rev ?? 0) };
      const window = this.deps.editWindowMs;
      if (window > 0 && Date.now() - doc.createdAt.getTime() > window) {
        throw new ChatError(ErrorCode.CONFLICT, `messages can be edited for ${window} ms after they are sent`);
      }
      const editedAt = new Date();
      const sealed = await this.deps.codec.seal(doc.roomId, input.content);
      const mentions = await this.deps.mentions.resolve(doc.roomId, userId, input.content);
      const set: Omit<MessageChangeSet, 'rev'> = { content: sealed.content, editedAt };
      const unset: MessageChangeUnset = [];
      if (sealed.keyVersion === undefined) unset.push('keyVersion');
      else set.keyVersion = sealed.keyVersion;
      if (mentions.length > 0) set.mentions = mentions;
      else unset.push('mentions');
      return {
        kind: 'change',
        set,
        unset,
        answer: (rev) => edited(editedAt, rev),
        // The version it replaced, still sealed as it was stored.
        afterwards: () =>
          this.bestEffort('record an edit', doc, () =>
            this.deps.changes.recordEdit({
              _id: new ObjectId(),
              roomId: doc.roomId,
              messageId: doc._id,
              editorId: userId,
              editedAt,
              previousContent: doc.content,
              ...(doc.keyVersion === undefined ? {} : { keyVersion: doc.keyVersion }),
            }),
          ),
      };
    });
  }

  /** Deletes a message; answers the deletion and, for a reply, its thread (whose summary changes). */
  async remove(userId: string, input: MessageRef): Promise<{ deleted: MessageDeleted; threadRootId?: string }> {
    const { role } = await this.deps.rules.check(input.roomId, userId, 'react');
    const answer = await this.removePlanned(userId, role, input);
    const { deleted } = answer;
    await this.deps.events?.messageDeleted(deleted.roomId, deleted.messageId, new Date(deleted.deletedAt));
    return answer;
  }

  private removePlanned(
    userId: string,
    role: ParticipantRole,
    input: MessageRef,
  ): Promise<{ deleted: MessageDeleted; threadRootId?: string }> {
    return this.change(input, async (doc) => {
      if (doc.senderId !== userId && !can(role, 'deleteOthers')) {
        throw new ChatError(ErrorCode.FORBIDDEN, 'only its sender, a room admin or a moderator may delete a message');
      }
      const deleted = (deletedAt: Date, deletedBy: string, rev: number) => ({
        deleted: { roomId: doc.roomId, messageId: doc._id.toHexString(), deletedAt: deletedAt.toISOString(), deletedBy, rev },
        ...(doc.threadRootId ? { threadRootId: doc.threadRootId.toHexString() } : {}),
      });
      if (doc.deletedAt) return { kind: 'unchanged', answer: deleted(doc.deletedAt, doc.deletedBy ?? doc.senderId, doc.rev ?? 0) };
      const deletedAt = new Date();
      return {
        kind: 'change',
        // A tombstone: seq, order and thread place stay; what was said is gone from the store.
        set: { content: '', deletedAt, deletedBy: userId },
        unset: ['keyVersion', 'mentions', 'reactions', 'pinned', 'pinnedBy', 'pinnedAt', 'editedAt', 'attachments'],
        answer: (rev) => deleted(deletedAt, userId, rev),
        afterwards: async () => {
          await this.bestEffort('erase edits', doc, () => this.deps.changes.eraseEdits(doc.roomId, doc._id));
          const files = (doc.attachments ?? []).map((a) => a.attachmentId);
          const attachments = this.deps.attachments;
          if (files.length > 0 && attachments) {
            // After the tombstone: a failed hand-over leaves orphaned bytes nobody can reach, never a message without its files.
            await this.bestEffort('queue the purge of attachments', doc, () => attachments.purge(doc.roomId, doc._id.toHexString(), files));
          }
          if (doc.senderId !== userId) {
            const target = { messageId: doc._id.toHexString(), senderId: doc.senderId, seq: doc.seq };
            await this.bestEffort('audit a delete', doc, () =>
              this.deps.audit.append([
                { roomId: doc.roomId, actorId: userId, action: 'message.deleted', targetId: target.messageId, before: target },
              ]),
            );
          }
        },
      };
    });
  }

  async react(userId: string, input: Reaction, add: boolean): Promise<ReactionUpdated> {
    await this.deps.rules.check(input.roomId, userId, 'react');
    return this.change(input, async (doc) => {
      if (doc.deletedAt) throw new ChatError(ErrorCode.CONFLICT, 'a deleted message takes no reactions');
      const reactions = doc.reactions ?? [];
      const entry = reactions.find((r) => r.emoji === input.emoji);
      const has = entry?.userIds.includes(userId) ?? false;
      const updated = (count: number, rev: number): ReactionUpdated => ({
        roomId: doc.roomId,
        messageId: doc._id.toHexString(),
        emoji: input.emoji,
        userId,
        added: add,
        count,
        rev,
      });
      if (has === add) return { kind: 'unchanged', answer: updated(entry?.userIds.length ?? 0, doc.rev ?? 0) };
      if (add && !entry && reactions.length >= MAX_REACTION_EMOJI) {
        throw new ChatError(ErrorCode.CONFLICT, `a message takes at most ${MAX_REACTION_EMOJI} different emoji`);
      }
      const next = withReaction(reactions, input.emoji, userId, add);
      const count = next.find((r) => r.emoji === input.emoji)?.userIds.length ?? 0;
      return next.length > 0
        ? { kind: 'change', set: { reactions: next }, answer: (rev) => updated(count, rev) }
        : { kind: 'change', set: {}, unset: ['reactions'], answer: (rev) => updated(count, rev) };
    });
  }

  async pin(userId: string, input: MessageRef, pinned: boolean): Promise<MessagePinned> {
    await this.deps.rules.check(input.roomId, userId, 'pin');
    return this.change(input, async (doc) => {
      const answer = (by: string, rev: number): MessagePinned => ({
        roomId: doc.roomId,
        messageId: doc._id.toHexString(),
        pinned,
        by,
        rev,
      });
      if ((doc.pinned ?? false) === pinned) return { kind: 'unchanged', answer: answer(doc.pinnedBy ?? userId, doc.rev ?? 0) };
      if (pinned && doc.deletedAt) throw new ChatError(ErrorCode.CONFLICT, 'a deleted message cannot be pinned');
      return pinned
        ? { kind: 'change', set: { pinned: true, pinnedBy: userId, pinnedAt: new Date() }, answer: (rev) => answer(userId, rev) }
        : { kind: 'change', set: {}, unset: ['pinned', 'pinnedBy', 'pinnedAt'], answer: (rev) => answer(userId, rev) };
    });
  }

  /** A message's earlier versions, oldest first, opened (callers check the role). */
  async editsOf(roomId: string, messageId: string): Promise<MessageEditsResponse> {
    const doc = await this.mongo(() => this.deps.changes.find(roomId, messageId));
    if (!doc) throw new ChatError(ErrorCode.NOT_FOUND, `no message ${messageId} in room ${roomId}`);
    const edits = await this.mongo(() => this.deps.changes.editsOf(roomId, doc._id));
    return {
      roomId,
      messageId,
      edits: await Promise.all(
        edits.map(async (e) => ({
          editorId: e.editorId,
          editedAt: e.editedAt.toISOString(),
          previousContent: await this.deps.codec.open(roomId, e.previousContent, e.keyVersion),
        })),
      ),
    };
  }

  private async change<R>(target: MessageRef, plan: (doc: MessageDoc) => Promise<Plan<R>>): Promise<R> {
    return this.redis(() => this.deps.locks.withLock(target.roomId, target.messageId, () => this.changeLocked(target, plan)));
  }

  /** Read, decide, write under a new rev; the rev condition re-reads if another writer got in first. */
  private async changeLocked<R>(target: MessageRef, plan: (doc: MessageDoc) => Promise<Plan<R>>): Promise<R> {
    const { roomId, messageId } = target;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const doc = await this.mongo(() => this.deps.changes.find(roomId, messageId));
      if (!doc) throw new ChatError(ErrorCode.NOT_FOUND, `no message ${messageId} in room ${roomId}`);
      const decided = await plan(doc);
      if (decided.kind === 'unchanged') return decided.answer;
      // Allocated after the read: any rev the message holds was allocated before it, so ours is higher.
      const written = await this.redis(() =>
        this.deps.counters.withRev(
          roomId,
          () => this.mongo(() => this.deps.messages.latestCounters(roomId)),
          async (rev) =>
            (await this.mongo(() => this.deps.changes.apply(roomId, doc._id, doc.rev, { ...decided.set, rev }, decided.unset)))
              ? rev
              : undefined,
        ),
      );
      if (written !== undefined) {
        await decided.afterwards?.();
        return decided.answer(written);
      }
    }
    throw new ChatError(ErrorCode.UNAVAILABLE, 'the message is changing too often at once; retry');
  }

  /** Follow-up writes whose failure must not undo an applied change; logged for ops. */
  private async bestEffort(what: string, doc: MessageDoc, write: () => Promise<unknown>): Promise<void> {
    try {
      await write();
    } catch (err) {
      this.deps.logger?.warn({ err, roomId: doc.roomId, messageId: doc._id.toHexString() }, `could not ${what}`);
    }
  }

  private redis<T>(call: () => Promise<T>): Promise<T> {
    return guarded('room counters (Redis)', call);
  }

  private mongo<T>(call: () => Promise<T>): Promise<T> {
    return guarded('message store (MongoDB)', call);
  }
}

/** The reactions with userId added to or removed from emoji; an emoji nobody uses any more goes. */
function withReaction(reactions: ReactionDoc[], emoji: string, userId: string, add: boolean): ReactionDoc[] {
  if (add && !reactions.some((r) => r.emoji === emoji)) return [...reactions, { emoji, userIds: [userId] }];
  return reactions
    .map((r) => (r.emoji !== emoji ? r : { emoji, userIds: add ? [...r.userIds, userId] : r.userIds.filter((u) => u !== userId) }))
    .filter((r) => r.userIds.length > 0);
}
