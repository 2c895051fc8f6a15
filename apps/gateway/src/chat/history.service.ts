import {
  ChatError,
  DEFAULT_SYNC_LIMIT,
  ErrorCode,
  type GetMessages,
  type GetThread,
  type HistoryQuery,
  type HistoryResponse,
  type Messages,
  type PinsResponse,
  type Sync,
  type Synced,
  type Thread,
} from '@campzone/protocol';
import type { MessageCounters, RevMarks } from '@campzone/realtime';
import {
  type ContentCodec,
  type MessageRepository,
  openChatMessages,
  type SeqPage,
  type StatusFloorRepository,
  type StatusFloors,
} from '@campzone/store';
import { Bulkhead } from './bulkhead';
import { SingleFlight } from './single-flight';

const DEFAULT_PAGE = 50;
const MAX_PINS = 100;
/** A change still unwritten after this long lost its writer: it stops holding latestRev back. */
const CHANGE_IN_FLIGHT_MS = 30_000;
/**
 * Sync reads on the store at once per pod (each up to two queries), so they leave part of the
 * driver's pool of 20 to sends: a reconnect storm is thousands of syncs at once, and unbounded
 * they held every pooled connection while sends waited out the pool's queue timeout
 * (5,000-client storm: 922 requests refused UNAVAILABLE, undisturbed senders acked after 5.4 s
 * at the median).
 */
const SYNC_READS_AT_ONCE = 6;

/**
 * Reads a room's messages in seq order: recent pages, forward pages, and reconnect sync, each
 * with statuses raised by the room's floors (read beside the page: one lookup by `_id`).
 */
export class HistoryService {
  private readonly syncPages = new SingleFlight<[SeqPage, StatusFloors]>();
  private readonly latestSeqs = new SingleFlight<number>();
  private readonly reseeds = new SingleFlight<RevMarks>();
  private readonly syncReads = new Bulkhead(SYNC_READS_AT_ONCE);

  constructor(
    private readonly messages: MessageRepository,
    private readonly floors: Pick<StatusFloorRepository, 'get'>,
    private readonly codec: ContentCodec,
    private readonly counters: Pick<MessageCounters, 'revWatermark' | 'seedFrom'>,
  ) {}

  /** The seed's get_messages: the newest `limit` after skipping `skip`, oldest first. */
  async recent(input: GetMessages, viewerId: string): Promise<Messages> {
    const [page, floors] = await Promise.all([
      this.messages.latest(input.roomId, input.limit ?? DEFAULT_PAGE, { skip: input.skip ?? 0 }),
      this.floors.get(input.roomId),
    ]);
    const messages = await openChatMessages(this.codec, page.messages, floors, viewerId);
    return { roomId: input.roomId, messages, count: messages.length };
  }

  /**
   * Everything after a seq, for a client catching up; `latestSeq` is the room's newest stored
   * seq (a client without a cursor anchors its first page on it). A complete page ends at the
   * newest, so only an empty or partial page costs a second query. Holes in the page's range
   * are named, so the client moves past them instead of waiting for messages that never come.
   */
  async sync(input: Sync, viewerId: string): Promise<Synced> {
    const { roomId, afterSeq, afterRev } = input;
    const limit = input.limit ?? DEFAULT_SYNC_LIMIT;
    // Read before the changes: every change at or below it is written, so none can land there unseen.
    const marks = afterRev === undefined ? undefined : await this.revMarks(roomId);
    // Identical concurrent syncs (every member missing the same message) share both reads.
    const [page, floors] = await this.syncPages.run(`${roomId}|${afterSeq}|${limit}`, () =>
      this.syncReads.run(() => Promise.all([this.messages.afterSeq(roomId, afterSeq, limit), this.floors.get(roomId)])),
    );
    const messages = await openChatMessages(this.codec, page.messages, floors, viewerId);
    // A complete page ends at the newest stored seq; so does an empty one from 0 (nothing is
    // stored), which is every member's first sync in a new room.
    const pageEndsAtNewest = !page.hasMore && (page.topSeq > 0 || afterSeq === 0);
    const latestSeq = pageEndsAtNewest
      ? page.topSeq
      : Math.max(page.topSeq, await this.latestSeqs.run(roomId, () => this.syncReads.run(() => this.messages.latestSeq(roomId))));
    const synced: Synced = { roomId, messages, count: messages.length, latestSeq, hasMore: page.hasMore };
    if (page.holes.length > 0) synced.holes = page.holes;
    if (afterRev !== undefined && marks !== undefined) {
      const { watermark, changeRev } = marks;
      if (changeRev !== undefined && changeRev <= afterRev) {
        // No change since the client's rev: a newer rev is a new message's, which the page carries.
        synced.changed = [];
        synced.latestRev = watermark;
      } else {
        const changes = await this.syncReads.run(() => this.messages.changedSince(roomId, afterSeq, afterRev, limit));
        synced.changed = await openChatMessages(this.codec, changes.messages, floors, viewerId);
        const lastRev = changes.messages.at(-1)?.rev;
        // A capped answer continues after its last change; hasMore asks the client for the rest.
        synced.latestRev = changes.hasMore && lastRev !== undefined ? Math.min(watermark, lastRev) : watermark;
        if (changes.hasMore) synced.hasMore = true;
      }
    }
    return synced;
  }

  /** A thread: its root first (unless paging on with afterSeq), then replies in seq order. */
  async thread(input: GetThread, viewerId: string): Promise<Thread> {
    const { roomId, rootId } = input;
    const root = await this.messages.findById(roomId, rootId);
    if (!root || root.threadRootId) throw new ChatError(ErrorCode.NOT_FOUND, `no thread rooted at ${rootId} in room ${roomId}`);
    const [replies, floors] = await Promise.all([
      this.messages.threadReplies(roomId, root._id, input.afterSeq ?? 0, input.limit ?? DEFAULT_PAGE),
      this.floors.get(roomId),
    ]);
    const docs = input.afterSeq === undefined ? [root, ...replies.messages] : replies.messages;
    return { roomId, rootId, messages: await openChatMessages(this.codec, docs, floors, viewerId), hasMore: replies.hasMore };
  }

  async pins(roomId: string, viewerId: string): Promise<PinsResponse> {
    const [docs, floors] = await Promise.all([this.messages.pinned(roomId, MAX_PINS), this.floors.get(roomId)]);
    return { roomId, messages: await openChatMessages(this.codec, docs, floors, viewerId) };
  }

  /**
   * Without counters in Redis the store's newest rev is the watermark, and any rev may be a
   * change's. The counters are seeded from that same read (never lowered, as a send re-seeds
   * them), so the room's next syncs ask Redis again instead of the store: without it, every
   * member joining a room that had no counters yet (nothing sent since a Redis loss, or ever)
   * read the room's newest seq and rev from the store.
   */
  private async revMarks(roomId: string): Promise<RevMarks> {
    const marks = await this.counters.revWatermark(roomId, CHANGE_IN_FLIGHT_MS);
    if (marks) return marks;
    return this.reseeds.run(roomId, async () => {
      const latest = await this.counters.seedFrom(roomId, () => this.syncReads.run(() => this.messages.latestCounters(roomId)));
      // Read back: the seed also tells the newest change's rev, so the syncs that waited on it
      // (every member of a room joining at once) need not each look for changes.
      return (await this.counters.revWatermark(roomId, CHANGE_IN_FLIGHT_MS)) ?? { watermark: latest.rev };
    });
  }

  /** REST history: forward from afterSeq, else backward from beforeSeq (or the newest). */
  async page(roomId: string, query: HistoryQuery, viewerId: string): Promise<HistoryResponse> {
    const limit = query.limit ?? DEFAULT_PAGE;
    const [page, floors] = await Promise.all([
      query.afterSeq === undefined
        ? this.messages.latest(roomId, limit, query.beforeSeq === undefined ? {} : { beforeSeq: query.beforeSeq })
        : this.messages.afterSeq(roomId, query.afterSeq, limit, query.beforeSeq),
      this.floors.get(roomId),
    ]);
    const messages = await openChatMessages(this.codec, page.messages, floors, viewerId);
    return { roomId, messages, count: messages.length, hasMore: page.hasMore };
  }
}
