import { ChatError, type ChatMessage, ErrorCode, type SendMessage } from '@campzone/protocol';
import type { AllocateRequest, Allocation, MessageCounters, RateLimiter } from '@campzone/realtime';
import {
  type ContentCodec,
  type MessageDoc,
  type MessageRepository,
  type MessageWriter,
  ObjectId,
  type StatusFloorRepository,
  toChatMessage,
} from '@campzone/store';
import type { MembershipService } from './membership.service';

export interface SendResult {
  message: ChatMessage;
  /** True when this send repeated an idempotency key that already produced a message. */
  duplicate: boolean;
}

export interface SendMessageDeps {
  membership: Pick<MembershipService, 'requireMember'>;
  counters: MessageCounters;
  messages: MessageRepository;
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
}

const MAX_ATTEMPTS = 3;

/**
 * The send pipeline: refuse oversize content (first, because it is free: a flood of oversize
 * sends must cost the store nothing), check membership and the sender's rate, allocate
 * {seq, lamport} and claim the idempotency key in one Lua call, store through the batched
 * writer, and answer only once MongoDB has the message. MongoDB's unique indexes are the last
 * word on duplicates and seq clashes.
 */
export class SendMessageService {
  constructor(private readonly deps: SendMessageDeps) {}

  async send(senderId: string, input: SendMessage): Promise<SendResult> {
    if (input.content.length > this.deps.maxContentLength) {
      throw new ChatError(ErrorCode.PAYLOAD_TOO_LARGE, `content is longer than ${this.deps.maxContentLength} characters`);
    }
    await this.deps.membership.requireMember(input.roomId, senderId);
    await this.checkRate(senderId);
    const request: AllocateRequest = {
      roomId: input.roomId,
      senderId,
      idempotencyKey: input.idempotencyKey,
      clientLamport: input.lamportTimestamp,
      messageId: new ObjectId().toHexString(),
      createdAtMs: Date.now(),
    };
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const allocation = await this.allocate(request);
      let doc: MessageDoc;
      if (allocation.kind === 'duplicate') {
        const stored = await this.findStored(senderId, input);
        if (stored) return stored;
        // The first send with this key never reached MongoDB (its pod died, or it is still in
        // flight): store it now under the same id, seq and lamport, so the room keeps no hole.
        // If the first one lands meanwhile, the unique index makes this one the duplicate.
        const { prior } = allocation;
        doc = await this.build(senderId, input, prior.messageId, prior.seq, prior.lamport, new Date(prior.createdAtMs));
      } else {
        doc = await this.build(senderId, input, request.messageId, allocation.seq, allocation.lamport, new Date(request.createdAtMs));
      }
      if ((await this.write(doc)) === 'inserted') return { message: toChatMessage(doc, input.content), duplicate: false };
      const stored = await this.findStored(senderId, input);
      if (stored) return stored;
      // The clash was on {roomId, seq}: Redis handed out a seq MongoDB already holds (counters
      // lost or rolled back by a failover). Raise the counters past MongoDB and allocate again.
      await this.deps.counters.forget(input.roomId, senderId, input.idempotencyKey, doc._id.toHexString());
      await this.reseed(input.roomId);
    }
    throw new ChatError(ErrorCode.UNAVAILABLE, 'could not allocate a sequence number; retry with the same idempotencyKey');
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
    await this.redis('seedCounters', () => this.deps.counters.seed(roomId, latest.seq, latest.lamport));
  }

  private async findStored(senderId: string, input: SendMessage): Promise<SendResult | null> {
    const existing = await this.mongo(() => this.deps.messages.findBySenderKey(senderId, input.idempotencyKey));
    if (!existing) return null;
    if (existing.roomId !== input.roomId) {
      throw new ChatError(ErrorCode.CONFLICT, 'idempotencyKey was already used for a message in another room');
    }
    const [content, floors] = await Promise.all([
      this.deps.codec.open(existing.roomId, existing.content, existing.keyVersion),
      this.mongo(() => this.deps.floors.get(existing.roomId)),
    ]);
    return { message: toChatMessage(existing, content, floors), duplicate: true };
  }

  private async build(
    senderId: string,
    input: SendMessage,
    messageId: string,
    seq: number,
    lamport: number,
    createdAt: Date,
  ): Promise<MessageDoc> {
    const sealed = await this.deps.codec.seal(input.roomId, input.content);
    return {
      _id: new ObjectId(messageId),
      roomId: input.roomId,
      senderId,
      content: sealed.content,
      ...(sealed.keyVersion === undefined ? {} : { keyVersion: sealed.keyVersion }),
      lamportTimestamp: lamport,
      seq,
      idempotencyKey: input.idempotencyKey,
      status: 'PENDING',
      messageType: input.messageType ?? 'text',
      createdAt,
    };
  }

  private write(doc: MessageDoc) {
    return this.mongo(() => this.deps.writer.write(doc));
  }

  private redis<T>(script: string, call: () => Promise<T>): Promise<T> {
    const timed = this.deps.timeLua ? this.deps.timeLua(script, call) : call();
    return timed.catch((err: unknown) => {
      throw unavailable('message counters (Redis)', err);
    });
  }

  private mongo<T>(call: () => Promise<T>): Promise<T> {
    return call().catch((err: unknown) => {
      throw unavailable('message store (MongoDB)', err);
    });
  }
}

function unavailable(what: string, err: unknown): ChatError {
  if (err instanceof ChatError) return err;
  return new ChatError(ErrorCode.UNAVAILABLE, `${what} is unavailable; retry with the same idempotencyKey`);
}
