import {
  DEFAULT_SYNC_LIMIT,
  type GetMessages,
  type HistoryQuery,
  type HistoryResponse,
  type Messages,
  type Sync,
  type Synced,
} from '@campzone/protocol';
import {
  type ContentCodec,
  type MessageRepository,
  openChatMessages,
  type SeqPage,
  type StatusFloorRepository,
  type StatusFloors,
} from '@campzone/store';
import { SingleFlight } from './single-flight';

const DEFAULT_PAGE = 50;

/**
 * Reads a room's messages in seq order: recent pages, forward pages, and reconnect sync, each
 * with statuses raised by the room's floors (read beside the page: one lookup by `_id`).
 */
export class HistoryService {
  private readonly syncPages = new SingleFlight<[SeqPage, StatusFloors]>();
  private readonly latestSeqs = new SingleFlight<number>();

  constructor(
    private readonly messages: MessageRepository,
    private readonly floors: Pick<StatusFloorRepository, 'get'>,
    private readonly codec: ContentCodec,
  ) {}

  /** The seed's get_messages: the newest `limit` after skipping `skip`, oldest first. */
  async recent(input: GetMessages): Promise<Messages> {
    const [page, floors] = await Promise.all([
      this.messages.latest(input.roomId, input.limit ?? DEFAULT_PAGE, { skip: input.skip ?? 0 }),
      this.floors.get(input.roomId),
    ]);
    const messages = await openChatMessages(this.codec, page.messages, floors);
    return { roomId: input.roomId, messages, count: messages.length };
  }

  /**
   * Everything after a seq, for a client catching up; `latestSeq` is the room's newest stored
   * seq (a client without a cursor anchors its first page on it). A complete page ends at the
   * newest, so only an empty or partial page costs a second query. Holes in the page's range
   * are named, so the client moves past them instead of waiting for messages that never come.
   */
  async sync(input: Sync): Promise<Synced> {
    const { roomId, afterSeq } = input;
    const limit = input.limit ?? DEFAULT_SYNC_LIMIT;
    // Identical concurrent syncs (every member missing the same message) share both reads.
    const [page, floors] = await this.syncPages.run(`${roomId}|${afterSeq}|${limit}`, () =>
      Promise.all([this.messages.afterSeq(roomId, afterSeq, limit), this.floors.get(roomId)]),
    );
    const messages = await openChatMessages(this.codec, page.messages, floors);
    const latestSeq =
      page.topSeq > 0 && !page.hasMore
        ? page.topSeq
        : Math.max(page.topSeq, await this.latestSeqs.run(roomId, async () => (await this.messages.latestCounters(roomId)).seq));
    const synced: Synced = { roomId, messages, count: messages.length, latestSeq, hasMore: page.hasMore };
    if (page.holes.length > 0) synced.holes = page.holes;
    return synced;
  }

  /** REST history: forward from afterSeq, else backward from beforeSeq (or the newest). */
  async page(roomId: string, query: HistoryQuery): Promise<HistoryResponse> {
    const limit = query.limit ?? DEFAULT_PAGE;
    const [page, floors] = await Promise.all([
      query.afterSeq === undefined
        ? this.messages.latest(roomId, limit, query.beforeSeq === undefined ? {} : { beforeSeq: query.beforeSeq })
        : this.messages.afterSeq(roomId, query.afterSeq, limit, query.beforeSeq),
      this.floors.get(roomId),
    ]);
    const messages = await openChatMessages(this.codec, page.messages, floors);
    return { roomId, messages, count: messages.length, hasMore: page.hasMore };
  }
}
