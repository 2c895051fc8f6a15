import { ChatError, type ChatMessage, ErrorCode, type SendMessage } from '@campzone/protocol';
import type { AllocateRequest, Allocation, MessageCounters, RateLimiter } from '@campzone/realtime';
import {
  type ContentCodec,
  type MessageAttachmentDoc,
  type MessageChangeRepository,
  type MessageDoc,
  type MessageRepository,
  type MessageWriter,
  ObjectId,
  type StatusFloorRepository,
  seqHole,
  toChatMessage,
} from '@campzone/store';
import type { Logger } from 'pino';
import type { AttachmentService } from './attachment.service';
import { guarded } from './dependency-errors';
import type { MentionResolver } from './mention.resolver';
import type { PostingRules } from './posting-rules';
import type { WebhookEvents } from './webhook-events';

export interface SendResult {
  message: ChatMessage;
  /** True when this send repeated an idempotency key that already produced a message. */
  duplicate: boolean;
}

export interface SendMessageDeps {
  /** Membership, role, mute, room rules (archived, announcements, slow mode), blocks. */
  rules: Pick<PostingRules, 'check' | 'checkSlowMode'>;
  counters: MessageCounters;
  messages: MessageRepository;
  /** Finds the message a reply answers. */
  changes: Pick<MessageChangeRepository, 'find'>;
  mentions: Pick<MentionResolver, 'resolve'>;
  /** Checks a send's attachmentIds; absent: sends with attachments are refused. */
  attachments?: Pick<AttachmentService, 'forSend'>;
  /** Status floors, for the status of a message a retried send finds stored already. */
  floors: Pick<StatusFloorRepository, 'get'>;
  writer: MessageWriter;
  codec: ContentCodec;
  maxContentLength: number;
  limiter: RateLimiter;
  rateLimit: { messages: number; windowMs: number };
  /** Counts refusals by limit, for metrics. */
  onRateLimited?: () => void;
  /** Times each Redis script call, for metrics. */
  timeLua?: <T>(script: string, call: () => Promise<T>) => Promise<T>;
  logger?: Pick<Logger, 'warn'>;
  /** SEND_TIMEOUT_MS: the longest a send waits for an answer before it is refused UNAVAILABLE. */
  sendTimeoutMs?: number;
  /** Records `message.created` for webhooks before the send is answered. */
  events?: Pick<WebhookEvents, 'messageCreated'>;
}

const MAX_ATTEMPTS = 3;
const RETRY_HINT = 'retry with the same idempotencyKey';

/** Where a reply goes: what it answers, and that message's thread. */
interface ReplyPlace {
  replyTo: ObjectId;
  threadRootId: ObjectId;
}

/** Everything a stored message takes from its allocation and its checks. */
interface Placement {
  messageId: string;
  seq: number;
  lamport: number;
  rev: number;
  createdAt: Date;
  mentions: string[];
  thread: ReplyPlace | undefined;
  attachments: MessageAttachmentDoc[];
}

/** A seq this send was given and will not use (see seq-hole.ts). */
interface GivenUp {
  seq: number;
  lamport: number;
}

/**
 * The send pipeline: refuse oversize content (first, because it is free: a flood of oversize
 * sends must cost the store nothing), check membership and the sender's rate, allocate
 * {seq, lamport} and claim the idempotency key in one Lua call, store through the batched
 * writer, and answer only once MongoDB has the message. MongoDB's unique indexes are the last
 * word on duplicates and seq clashes. A seq allocated and then not used is stored as a hole, so
 * members move past it at their next sync instead of waiting it out.
 */
export class SendMessageService {
  /**
   * Sends still in flight on this pod, by room, sender and key: a repeat of one (a client that
   * retried before its first attempt was answered) joins it instead of finding its key taken
   * in Redis, giving up a seq and trying a second insert.
   */
  private readonly inFlight = new Map<string, { attempt: Promise<SendResult>; deadline: { at: number } }>();

  constructor(private readonly deps: SendMessageDeps) {}

  /**
   * Answers within `sendTimeoutMs` whatever the store does: a send still unanswered then is
   * refused UNAVAILABLE (its client retries with the same key; if the first attempt lands after
   * all, the retry finds it stored and re-arms its delivery), so a slow or partitioned store
   * never leaves a sender waiting without an answer. A repeat that joins a send in flight
   * answers `duplicate: true` with the same message, and moves the joined send's deadline to
   * its own, since someone now waits for it that long.
   */
  send(senderId: string, input: SendMessage): Promise<SendResult> {
    const limit = this.deps.sendTimeoutMs;
    const deadline = limit === undefined ? Number.POSITIVE_INFINITY : Date.now() + limit;
    const key = `${input.roomId}\u0000${senderId}\u0000${input.idempotencyKey}`;
    const running = this.inFlight.get(key);
    let attempt: Promise<SendResult>;
    // Only while its own caller still waits: one past its deadline may be stuck on the store,
    // and a repeat then tries for itself as before (finding the key taken, it takes a fresh seq).
    if (running && Date.now() <= running.deadline.at) {
      running.deadline.at = Math.max(running.deadline.at, deadline);
      attempt = running.attempt.then((r) => ({ message: r.message, duplicate: true }));
    } else {
      const shared = { at: deadline };
      const started: Promise<SendResult> = this.sendUnbounded(senderId, input, shared)
        .then((r) => this.recorded(r))
        .finally(() => {
          if (this.inFlight.get(key)?.attempt === started) this.inFlight.delete(key);
        });
      this.inFlight.set(key, { attempt: started, deadline: shared });
      attempt = started;
    }
    if (limit === undefined) return attempt;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ChatError(ErrorCode.UNAVAILABLE, `the store did not answer within ${limit} ms; ${RETRY_HINT}`)),
        limit,
      );
    });
    attempt.catch(() => undefined); // a late failure has already been answered
    return Promise.race([attempt, late]).finally(() => clearTimeout(timer));
  }

  /**
   * The webhook event goes into the store before the ack, for a repeat too: the first attempt
   * may have stored the message and died before its event (recording one twice stores it once).
   */
  private async recorded(result: SendResult): Promise<SendResult> {
    const { message } = result;
    await this.deps.events?.messageCreated(message.roomId, message.messageId, new Date(message.createdAt));
    return result;
  }

  /**
   * The pipeline itself. Past `deadline.at` its callers have been answered UNAVAILABLE already, so it
   * allocates nothing more: a slow store then costs the work already begun, not a seq and an
   * insert for every send its clients retried meanwhile.
   */
  private async sendUnbounded(senderId: string, input: SendMessage, deadline: { at: number }): Promise<SendResult> {
    if (input.content.length > this.deps.maxContentLength) {
      throw new ChatError(ErrorCode.PAYLOAD_TOO_LARGE, `content is longer than ${this.deps.maxContentLength} characters`);
    }
    const member = await this.deps.rules.check(input.roomId, senderId, 'post');
    const thread = input.replyTo === undefined ? undefined : await this.threadOf(input.roomId, input.replyTo);
    const attachments = await this.attachmentsOf(senderId, input);
    await this.checkRate(senderId);
    await this.deps.rules.checkSlowMode(input.roomId, member, senderId);
    const mentions = await this.mongo(() => this.deps.mentions.resolve(input.roomId, senderId, input.content));
    const request: AllocateRequest = {
      roomId: input.roomId,
      senderId,
      idempotencyKey: input.idempotencyKey,
      clientLamport: input.lamportTimestamp,
      messageId: new ObjectId().toHexString(),
      createdAtMs: Date.now(),
    };
    const givenUp: GivenUp[] = [];
    try {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        if (Date.now() > deadline.at) throw new ChatError(ErrorCode.UNAVAILABLE, `already answered: past the send deadline; ${RETRY_HINT}`);
        const allocation = await this.allocate(request);
        if (allocation.kind === 'duplicate') {
          const stored = await this.findStored(senderId, input);
          if (stored) return stored;
          // The first send with this key never reached MongoDB (its pod died, or it is still in
          // flight). Its seq is not reused: members may have skipped it as a hole long ago, and
          // a message stored there now would never reach them. It takes a fresh seq under the
          // original messageId; the old seq becomes a hole. If the first send lands meanwhile,
          // the unique indexes keep one copy and this one finds it.
          const { prior } = allocation;
          givenUp.push({ seq: prior.seq, lamport: prior.lamport });
          await this.redis('forgetIdempotency', () =>
            this.deps.counters.forget(input.roomId, senderId, input.idempotencyKey, prior.messageId),
          );
          request.messageId = prior.messageId;
          continue;
        }
        const doc = await this.build(senderId, input, {
          messageId: request.messageId,
          seq: allocation.seq,
          lamport: allocation.lamport,
          rev: allocation.rev,
          createdAt: new Date(request.createdAtMs),
          mentions,
          thread,
          attachments,
        });
        if ((await this.write(doc)) === 'inserted') return { message: toChatMessage(doc, input.content), duplicate: false };
        const existing = await this.mongo(() => this.deps.messages.findBySenderKey(senderId, input.idempotencyKey));
        if (existing) {
          // Another copy holds the key (a concurrent or earlier send, or a key reused in another
          // room): this allocation's seq will never hold a message.
          givenUp.push({ seq: allocation.seq, lamport: allocation.lamport });
          return await this.answerDuplicate(existing, input);
        }
        // The clash was on {roomId, seq}: Redis handed out a seq MongoDB already holds (counters
        // lost or rolled back by a failover). Raise the counters past MongoDB and allocate again.
        await this.deps.counters.forget(input.roomId, senderId, input.idempotencyKey, doc._id.toHexString());
        await this.reseed(input.roomId);
      }
      throw new ChatError(ErrorCode.UNAVAILABLE, 'could not allocate a sequence number; retry with the same idempotencyKey');
    } finally {
      if (givenUp.length > 0) await this.fillHoles(input.roomId, senderId, givenUp);
    }
  }

  /**
   * Best effort: a hole that could not be stored is a gap members skip after their hole
   * timeout, as before holes existed. One whose seq holds a message already is refused by the
   * unique index, which is right: the seq is taken.
   */
  private async fillHoles(roomId: string, senderId: string, givenUp: GivenUp[]): Promise<void> {
    const results = await Promise.allSettled(givenUp.map((g) => this.deps.writer.write(seqHole(roomId, senderId, g.seq, g.lamport))));
    const failed = results.filter((r) => r.status === 'rejected');
    if (failed.length > 0)
      this.deps.logger?.warn(
        { roomId, userId: senderId, seqs: givenUp.map((g) => g.seq), err: failed[0]?.reason },
        'could not store seq holes',
      );
  }

  /** Per user across every pod; a refused send allocates and stores nothing. */
  private async checkRate(senderId: string): Promise<void> {
    const { messages, windowMs } = this.deps.rateLimit;
    const decision = await this.redis('rateLimit', () => this.deps.limiter.hit('msg', senderId, messages, windowMs));
    if (decision.allowed) return;
    this.deps.onRateLimited?.();
    throw new ChatError(
      ErrorCode.RATE_LIMITED,
      `more than ${messages} messages in ${windowMs} ms; retry in ${decision.retryAfterMs} ms`,
      decision.retryAfterMs,
    );
  }

  private async allocate(request: AllocateRequest): Promise<Exclude<Allocation, { kind: 'countersMissing' }>> {
    const first = await this.redis('allocateMessage', () => this.deps.counters.allocate(request));
    if (first.kind !== 'countersMissing') return first;
    await this.reseed(request.roomId);
    const second = await this.redis('allocateMessage', () => this.deps.counters.allocate(request));
    if (second.kind === 'countersMissing') throw new ChatError(ErrorCode.UNAVAILABLE, 'room counters unavailable; retry');
    return second;
  }

  /** Seeds the room's counters from MongoDB's highest stored message (never lowering them). */
  private async reseed(roomId: string): Promise<void> {
    const latest = await this.mongo(() => this.deps.messages.latestCounters(roomId));
    await this.redis('seedCounters', () => this.deps.counters.seed(roomId, latest.seq, latest.lamport, latest.rev));
  }

  /** A reply answers a message of the same room (deleted ones too: their tombstone keeps the thread). */
  private async threadOf(roomId: string, replyTo: string): Promise<ReplyPlace> {
    const target = await this.mongo(() => this.deps.changes.find(roomId, replyTo));
    if (!target) throw new ChatError(ErrorCode.NOT_FOUND, `replyTo: no message ${replyTo} in room ${roomId}`);
    return { replyTo: target._id, threadRootId: target.threadRootId ?? target._id };
  }

  private async attachmentsOf(senderId: string, input: SendMessage): Promise<MessageAttachmentDoc[]> {
    if (input.attachmentIds === undefined) return [];
    if (!this.deps.attachments) throw new ChatError(ErrorCode.VALIDATION_FAILED, 'this gateway takes no attachments');
    return this.deps.attachments.forSend(input.roomId, senderId, input.messageType ?? 'text', input.attachmentIds);
  }

  private async findStored(senderId: string, input: SendMessage): Promise<SendResult | null> {
    const existing = await this.mongo(() => this.deps.messages.findBySenderKey(senderId, input.idempotencyKey));
    return existing ? this.answerDuplicate(existing, input) : null;
  }

  /** The answer to a send whose key already names a stored message. */
  private async answerDuplicate(existing: MessageDoc, input: SendMessage): Promise<SendResult> {
    if (existing.roomId !== input.roomId) {
      throw new ChatError(ErrorCode.CONFLICT, 'idempotencyKey was already used for a message in another room');
    }
    const [content, floors] = await Promise.all([
      this.deps.codec.open(existing.roomId, existing.content, existing.keyVersion),
      this.mongo(() => this.deps.floors.get(existing.roomId)),
    ]);
    return { message: toChatMessage(existing, content, floors), duplicate: true };
  }

  private async build(senderId: string, input: SendMessage, at: Placement): Promise<MessageDoc> {
    const sealed = await this.deps.codec.seal(input.roomId, input.content);
    const doc: MessageDoc = {
      _id: new ObjectId(at.messageId),
      roomId: input.roomId,
      senderId,
      content: sealed.content,
      lamportTimestamp: at.lamport,
      seq: at.seq,
      rev: at.rev,
      idempotencyKey: input.idempotencyKey,
      status: 'PENDING',
      messageType: input.messageType ?? 'text',
      createdAt: at.createdAt,
    };
    if (sealed.keyVersion !== undefined) doc.keyVersion = sealed.keyVersion;
    if (at.thread) {
      doc.replyTo = at.thread.replyTo;
      doc.threadRootId = at.thread.threadRootId;
    }
    if (at.mentions.length > 0) doc.mentions = at.mentions;
    if (at.attachments.length > 0) doc.attachments = at.attachments;
    return doc;
  }

  private write(doc: MessageDoc) {
    return this.mongo(() => this.deps.writer.write(doc));
  }

  private redis<T>(script: string, call: () => Promise<T>): Promise<T> {
    return guarded('message counters (Redis)', () => (this.deps.timeLua ? this.deps.timeLua(script, call) : call()), RETRY_HINT);
  }

  private mongo<T>(call: () => Promise<T>): Promise<T> {
    return guarded('message store (MongoDB)', call, RETRY_HINT);
  }
}
