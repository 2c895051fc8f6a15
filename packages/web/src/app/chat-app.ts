import {
  type ChatClient,
  type ChatClientError,
  type ChatMessage,
  type ConnectionState,
  createChatClient,
  type MessageChange,
  type MessageInfo,
  type ParticipantRemovedEvent,
  type PresenceEvent,
  type RoomUpdated,
  type StatusChange,
} from '@campzone/client/browser';
import { AttachmentComposer } from './attachment-composer';
import { AttachmentUploader } from './attachment-upload';
import { ConnectionBannerView } from './connection-banner.view';
import { MessageChangesController } from './message-changes.controller';
import { MessageListView } from './message-list.view';
import { ModerationApi } from './moderation-api';
import { NotificationsController } from './notifications.controller';
import { OlderHistory } from './older-history';
import { OnlineListView } from './online-list.view';
import type { PageElements } from './page-elements';
import { rulesFromRefusal } from './posting-state';
import { PostingStateView } from './posting-state.view';
import { ReportDialog } from './report-dialog';
import type { CreatedRoom, RestApi } from './rest-api';
import { type RoomItem, RoomListView } from './room-list.view';
import { RoomMessages } from './room-messages.model';
import { RoomSettingsPanel } from './room-settings.panel';
import type { Session } from './session.store';
import { TypingRoster, typingLine } from './typing-roster';
import { UserNames } from './user-names';

/** On opening a room, this many of the latest unread messages from others are marked read. */
const MARK_READ_ON_OPEN = 20;

/**
 * The signed-in page: one SDK client on the page's own origin, and the SDK's events turned into
 * the room list, message list (with marks), typing line, online list and connection banner.
 *
 * One URL is enough: behind a load balancer (or the gateway's Service in Kubernetes) a
 * reconnect after a pod dies lands on a live pod, and the SDK's `sync` fills in what was missed.
 */
export class ChatApp {
  private readonly chat: ChatClient;
  private readonly models = new Map<string, RoomMessages>();
  private readonly typing = new TypingRoster();
  private readonly unread = new Map<string, number>();
  /** Per room, the highest seq this page has marked read. */
  private readonly markedRead = new Map<string, number>();
  private readonly joined = new Set<string>();
  /** Rooms whose first catch-up is done: messages after that count as unread, history does not. */
  private readonly caughtUp = new Set<string>();
  private readonly markReadTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly messageList: MessageListView;
  private readonly roomList: RoomListView;
  private readonly onlineList: OnlineListView;
  private readonly banner: ConnectionBannerView;
  private readonly posting: PostingStateView;
  private readonly settings: RoomSettingsPanel;
  private readonly notifications: NotificationsController;
  private readonly changes: MessageChangesController;
  private readonly names: UserNames;
  private readonly older: OlderHistory;
  private rooms: RoomItem[] = [];
  private activeRoomId: string | undefined;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private roomsRefresh: Promise<void> | undefined;
  private onlineRequest = 0;
  private noticeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly session: Session,
    private readonly api: RestApi,
    private readonly ui: PageElements,
    private readonly signOut: () => void,
  ) {
    const moderation = new ModerationApi(api);
    this.names = new UserNames(
      (roomId) => moderation.members(roomId),
      (roomId) => this.namesChanged(roomId),
    );
    this.older = new OlderHistory((roomId, beforeSeq, limit) => api.history(roomId, beforeSeq, limit));
    const nameOf = (userId: string) => this.names.nameOf(userId);
    this.messageList = new MessageListView(
      ui.messages,
      nameOf,
      (localId) => this.retry(localId),
      {
        nameOf,
        quoteOf: (messageId) => (this.activeRoomId ? this.models.get(this.activeRoomId)?.byMessageId(messageId)?.message : undefined),
      },
      (path) => this.fetchAttachment(path),
    );
    this.roomList = new RoomListView(ui.roomList, (roomId) => this.openRoom(roomId, true));
    this.onlineList = new OnlineListView(ui.onlineList, ui.onlineHeading, nameOf);
    this.banner = new ConnectionBannerView(ui.banner, ui.bannerText, ui.bannerAction, (action) => {
      if (action === 'sign-in') this.signOut();
      else this.chat.connect();
    });
    this.chat = createChatClient({
      url: window.location.origin,
      token: session.token,
      userId: session.userId,
      autoConnect: false,
      // A dead pod is noticed at once; the balancer needs a moment to stop sending us there.
      reconnection: { baseMs: 500, maxMs: 5000 },
    });
    this.chat.on('message', (message, info) => this.onMessage(message, info));
    this.chat.on('message_changed', (change) => this.onMessageChanged(change));
    this.chat.on('status', (change) => this.onStatus(change));
    this.chat.on('typing', ({ roomId, userId, isTyping }) => this.onTyping(roomId, userId, isTyping));
    this.chat.on('presence', (event) => this.onPresence(event));
    this.chat.on('connection', (state) => this.onConnection(state));
    this.chat.on('error', (error) => this.onError(error));
    this.chat.on('room_updated', (update) => this.onRoomUpdated(update));
    this.chat.on('participant_removed', (event) => this.onParticipantRemoved(event));
    this.chat.on('send_retrying', ({ roomId, error }) => this.posting.learn(roomId, rulesFromRefusal(error, Date.now())));
    this.changes = new MessageChangesController({
      chat: this.chat,
      ui,
      moderation,
      messageList: this.messageList,
      selfId: session.userId,
      nameOf,
      model: (roomId) => this.model(roomId),
      send: (roomId, content, replyTo) => this.sendTo(roomId, content, replyTo),
      notify: (text) => this.notify(text),
    });
    this.posting = new PostingStateView(ui.composer, ui.send);
    new AttachmentComposer({
      uploader: new AttachmentUploader(session.token),
      button: ui.attach,
      input: ui.attachInput,
      tray: ui.uploadTray,
      composer: ui.composer,
      dropZone: ui.conversation,
      activeRoom: () => this.activeRoomId,
      send: (roomId, name, messageType, attachmentId) =>
        this.sendTo(roomId, name, undefined, { messageType, attachmentIds: [attachmentId] }),
      notify: (text) => this.notify(text),
    });
    this.settings = new RoomSettingsPanel(moderation, session.userId, () => void this.refreshRooms());
    this.notifications = new NotificationsController(api, (text) => this.notify(text));
    new ReportDialog(
      ui.messages,
      moderation,
      () => this.activeRoomId,
      (text) => this.notify(text),
    );
  }

  async start(): Promise<void> {
    this.bindComposer();
    this.notifications.start().catch((err: unknown) => this.notify(`Could not check notifications: ${messageOf(err)}`));
    this.ui.refreshRooms.addEventListener('click', () => void this.refreshRooms());
    this.ui.roomSearch.addEventListener('input', () => this.renderRooms());
    this.ui.loadOlder.addEventListener('click', () => void this.loadOlder());
    // Scrolling up to the top pages in the messages before the ones shown.
    this.ui.messages.addEventListener('scroll', () => {
      if (this.ui.messages.scrollTop < 60) void this.loadOlder();
    });
    this.chat.connect();
    // Before the rooms are joined: their history must not show a blocked user's messages.
    this.chat.loadBlocks().catch((err: unknown) => this.notify(`Could not load the users you blocked: ${messageOf(err)}`));
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible' && this.activeRoomId) this.scheduleMarkRead(this.activeRoomId);
    });
    await this.refreshRooms();
  }

  /** Ends the session's socket; unacknowledged sends stay in localStorage for the next sign-in. */
  close(): Promise<void> {
    return this.chat.close();
  }

  async createRoom(room: Parameters<RestApi['createRoom']>[0]): Promise<CreatedRoom> {
    const created = await this.api.createRoom(room);
    await this.refreshRooms();
    this.openRoom(created.roomId, true);
    return created;
  }

  refreshRooms(): Promise<void> {
    // One refresh at a time; a burst of triggers (several unknown rooms at once) shares it.
    this.roomsRefresh ??= this.api
      .listRooms()
      .then(({ rooms }) => {
        this.rooms = [...rooms].sort((a, b) => a.roomName.localeCompare(b.roomName));
        for (const room of this.rooms) this.join(room.roomId);
        this.renderRooms();
        this.posting.setRooms(this.rooms);
        this.settings.setRoom(this.rooms.find((r) => r.roomId === this.activeRoomId));
        this.changes.showRoom(
          this.rooms.find((r) => r.roomId === this.activeRoomId),
          this.activeRoomId,
        );
        if (!this.activeRoomId || !this.rooms.some((r) => r.roomId === this.activeRoomId)) {
          const fromHash = new URLSearchParams(window.location.hash.slice(1)).get('room');
          const initial = this.rooms.find((r) => r.roomId === fromHash) ?? this.rooms[0];
          if (initial) this.openRoom(initial.roomId, false);
          else this.closeRoom();
        }
      })
      .catch((err: unknown) => this.notify(`Could not load your rooms: ${messageOf(err)}`))
      .finally(() => {
        this.roomsRefresh = undefined;
      });
    return this.roomsRefresh;
  }

  // ---- rooms ----

  private join(roomId: string): void {
    if (this.joined.has(roomId)) return;
    this.joined.add(roomId);
    // The SDK keeps the room joined across reconnects and presents its recent history.
    this.chat.joinRoom(roomId).then(
      () => this.caughtUp.add(roomId),
      (err: unknown) => {
        this.joined.delete(roomId);
        this.notify(`Could not join ${roomId}: ${messageOf(err)}`);
      },
    );
  }

  private openRoom(roomId: string, userChose: boolean): void {
    this.activeRoomId = roomId;
    this.join(roomId);
    this.unread.delete(roomId);
    const room = this.rooms.find((r) => r.roomId === roomId);
    this.ui.roomTitle.textContent = room ? room.roomName : roomId;
    window.history.replaceState(null, '', `#room=${encodeURIComponent(roomId)}`);
    this.renderRooms();
    this.messageList.showRoom(this.models.get(roomId));
    this.renderTyping();
    this.onlineList.render(undefined, this.session.userId);
    void this.refreshOnline();
    this.posting.show(roomId);
    this.settings.setRoom(room);
    this.notifications.showRoom(roomId);
    this.changes.showRoom(room, roomId);
    this.ui.composer.placeholder = `Message ${room?.roomName ?? roomId}`;
    if (userChose) this.ui.composer.focus();
    this.scheduleMarkRead(roomId);
    this.renderOlderButton();
    this.names.loadRoom(roomId);
  }

  /** Names arrived after the room was drawn: lines, typing and online list say them. */
  private namesChanged(roomId: string): void {
    if (roomId !== this.activeRoomId) return;
    this.messageList.relabel();
    this.renderTyping();
    void this.refreshOnline();
  }

  private async loadOlder(): Promise<void> {
    const roomId = this.activeRoomId;
    if (!roomId) return;
    const model = this.model(roomId);
    const loading = this.older.before(roomId, model.oldestSeq());
    this.renderOlderButton();
    let page: Awaited<typeof loading>;
    try {
      page = await loading;
    } catch (err) {
      this.notify(`Could not load older messages: ${messageOf(err)}`);
      return;
    } finally {
      this.renderOlderButton();
    }
    if (!page) return;
    const blocked = new Set(this.chat.blockedUsers);
    const entries = model.presentOlder(
      page.filter((m) => !blocked.has(m.senderId)),
      this.session.userId,
    );
    for (const entry of entries) if (entry.message) this.changes.presented(entry.message);
    if (roomId === this.activeRoomId) this.messageList.addOlder(model, entries);
  }

  private renderOlderButton(): void {
    const roomId = this.activeRoomId;
    const button = this.ui.loadOlder;
    button.hidden = !roomId || !this.older.mayHaveOlder(roomId, this.models.get(roomId)?.oldestSeq());
    const loading = roomId !== undefined && this.older.isLoading(roomId);
    button.disabled = loading;
    button.textContent = loading ? 'Loading older messages…' : 'Load older messages';
  }

  /** No room left to show (the last one was taken away). */
  private closeRoom(): void {
    this.activeRoomId = undefined;
    this.ui.roomTitle.textContent = 'No room open';
    this.messageList.showRoom(undefined);
    this.onlineList.render(undefined, this.session.userId);
    this.posting.show(undefined);
    this.settings.setRoom(undefined);
    this.notifications.showRoom(undefined);
    this.changes.showRoom(undefined, undefined);
  }

  private renderRooms(): void {
    const query = this.ui.roomSearch.value.trim().toLocaleLowerCase();
    const shown = query
      ? this.rooms.filter((r) => r.roomName.toLocaleLowerCase().includes(query) || r.roomId.toLocaleLowerCase().includes(query))
      : this.rooms;
    this.roomList.render(shown, this.activeRoomId, this.unread, query !== '');
  }

  private model(roomId: string): RoomMessages {
    let model = this.models.get(roomId);
    if (!model) {
      model = new RoomMessages();
      this.models.set(roomId, model);
    }
    return model;
  }

  // ---- SDK events ----

  private onMessage(message: ChatMessage, info: MessageInfo): void {
    const { roomId } = message;
    const model = this.model(roomId);
    const { entry, added, duplicate } = model.present(message, info);
    if (duplicate) return;
    this.changes.presented(message);
    if (!this.rooms.some((r) => r.roomId === roomId)) void this.refreshRooms(); // someone added us to a room
    this.onTyping(roomId, message.senderId, false);
    if (roomId === this.activeRoomId) {
      this.messageList.upsert(model, entry);
      if (added) this.renderOlderButton();
      if (!info.own) this.scheduleMarkRead(roomId);
    } else if (added && !info.own && this.caughtUp.has(roomId)) {
      this.unread.set(roomId, (this.unread.get(roomId) ?? 0) + 1);
      this.renderRooms();
    }
  }

  /** An edit, delete, reaction, pin or thread summary (or a message's state after a sync). */
  private onMessageChanged(change: MessageChange): void {
    const model = this.models.get(change.roomId);
    const entry = model?.applyChange(change);
    if (model && entry && change.roomId === this.activeRoomId) {
      this.messageList.upsert(model, entry);
      // Replies quote it: their quote follows an edit or a delete.
      for (const reply of model.repliesTo(change.messageId)) this.messageList.upsert(model, reply);
    }
    this.changes.changed(change, entry);
  }

  private onStatus(change: StatusChange): void {
    if (change.error) this.posting.learn(change.roomId, rulesFromRefusal(change.error, Date.now()));
    const model = this.model(change.roomId);
    const applied = model.applyStatus(change);
    if (!applied || change.roomId !== this.activeRoomId) return;
    if (applied.removedKey) this.messageList.remove(applied.removedKey);
    this.messageList.upsert(model, applied.entry);
  }

  private onTyping(roomId: string, userId: string, isTyping: boolean): void {
    if (userId === this.session.userId) return;
    this.typing.update(roomId, userId, isTyping);
    if (roomId === this.activeRoomId) this.renderTyping();
  }

  private renderTyping(): void {
    clearTimeout(this.typingTimer);
    const roomId = this.activeRoomId;
    if (!roomId) return;
    const line = typingLine(this.typing.typists(roomId).map((userId) => this.names.nameOf(userId)));
    if (this.ui.typingLine.textContent !== line) this.ui.typingLine.textContent = line;
    const expiry = this.typing.nextExpiry(roomId);
    if (expiry !== undefined) this.typingTimer = setTimeout(() => this.renderTyping(), Math.max(0, expiry - Date.now()) + 10);
  }

  private onPresence(event: PresenceEvent): void {
    if (!this.rooms.some((r) => r.roomId === event.roomId)) {
      void this.refreshRooms(); // a room created with us in it: its creator just joined it
      return;
    }
    if (event.type === 'joined') this.names.cameOnline(event.roomId, event.userId);
    if (event.roomId !== this.activeRoomId) return;
    if (event.type === 'online') this.onlineList.render(event.onlineUsers, this.session.userId);
    else void this.refreshOnline();
  }

  private onRoomUpdated(update: RoomUpdated): void {
    const room = this.rooms.find((r) => r.roomId === update.roomId);
    if (!room) return;
    const { roomName, postingPolicy, slowModeSeconds, archived } = update;
    Object.assign(
      room,
      { roomName, postingPolicy, slowModeSeconds, archived },
      update.description === undefined ? {} : { description: update.description },
    );
    if (update.roomId === this.activeRoomId) this.ui.roomTitle.textContent = roomName;
    this.renderRooms();
    this.posting.roomUpdated(update);
    this.settings.roomUpdated(update);
  }

  /** Removed (or banned) from a room: it leaves the list and the page; the SDK stopped syncing it. */
  private onParticipantRemoved(event: ParticipantRemovedEvent): void {
    if (!event.self) {
      this.settings.memberRemoved(event.roomId);
      if (event.roomId === this.activeRoomId) void this.refreshOnline();
      return;
    }
    const name = this.rooms.find((r) => r.roomId === event.roomId)?.roomName ?? event.roomId;
    this.rooms = this.rooms.filter((r) => r.roomId !== event.roomId);
    for (const state of [this.joined, this.caughtUp, this.models, this.unread, this.markedRead]) state.delete(event.roomId);
    this.older.forget(event.roomId);
    this.names.forgetRoom(event.roomId);
    this.posting.forget(event.roomId);
    this.notify(event.by === event.userId ? `You left ${name}.` : `You were removed from ${name} by ${event.by}.`);
    if (event.roomId === this.activeRoomId) {
      const next = this.rooms[0];
      if (next) this.openRoom(next.roomId, false);
      else this.closeRoom();
    }
    this.renderRooms();
  }

  private onConnection(state: ConnectionState): void {
    this.banner.show(state);
    if (state.state === 'reconnecting') {
      // Typing stops sent while we were away never reached us.
      this.typing.clear();
      this.renderTyping();
    }
    if (state.state === 'connected' && state.reconnect) {
      void this.refreshRooms();
      void this.refreshOnline();
    }
  }

  private onError(error: ChatClientError): void {
    // Handshake refusals are the banner's to tell; a lost request during a reconnect is redone.
    if (error.source === 'handshake' || error.source === 'disconnected' || error.source === 'closed') return;
    this.notify(error.message);
  }

  private async refreshOnline(): Promise<void> {
    const roomId = this.activeRoomId;
    if (!roomId || !this.chat.connected) return;
    const request = ++this.onlineRequest;
    try {
      const { onlineUsers } = await this.chat.getOnlineUsers(roomId);
      // A slower, older answer must not overwrite a newer one.
      if (request === this.onlineRequest && roomId === this.activeRoomId) this.onlineList.render(onlineUsers, this.session.userId);
    } catch (err) {
      if (request === this.onlineRequest) this.notify(`Could not load who is online: ${messageOf(err)}`);
    }
  }

  /** A room's history arrives one message at a time: marking waits a moment, so it is one batch, capped. */
  private scheduleMarkRead(roomId: string): void {
    if (this.markReadTimers.has(roomId)) return;
    this.markReadTimers.set(
      roomId,
      setTimeout(() => {
        this.markReadTimers.delete(roomId);
        if (roomId === this.activeRoomId) this.markUnreadRead(roomId);
      }, 100),
    );
  }

  /** Marks others' messages this page shows and has not marked yet (the latest few): their senders see the read mark. */
  private markUnreadRead(roomId: string): void {
    if (document.visibilityState !== 'visible') return;
    const after = this.markedRead.get(roomId) ?? 0;
    const unread = this.models.get(roomId)?.unreadFromOthers(after).slice(-MARK_READ_ON_OPEN) ?? [];
    for (const entry of unread) {
      if (!entry.messageId || entry.seq === undefined) continue;
      this.markedRead.set(roomId, Math.max(this.markedRead.get(roomId) ?? 0, entry.seq));
      this.chat.markRead(roomId, entry.messageId).catch((err: unknown) => {
        const error = err as Partial<ChatClientError>;
        if (error.source !== 'disconnected') this.notify(`Could not mark a message read: ${messageOf(err)}`);
      });
    }
  }

  // ---- composing ----

  private bindComposer(): void {
    const { composer, composerForm } = this.ui;
    composer.addEventListener('keydown', (event) => {
      // Enter sends; Shift+Enter is a new line; Enter while an IME composes belongs to the IME.
      // A key the `@` completion or another composer helper took (defaultPrevented) is not ours.
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && !event.defaultPrevented) {
        event.preventDefault();
        composerForm.requestSubmit();
      }
    });
    composer.addEventListener('input', () => {
      if (!this.activeRoomId) return;
      if (composer.value.trim()) this.chat.typing(this.activeRoomId);
      else this.chat.stopTyping(this.activeRoomId);
    });
    composer.addEventListener('blur', () => {
      if (this.activeRoomId) this.chat.stopTyping(this.activeRoomId);
    });
    composerForm.addEventListener('submit', (event) => {
      event.preventDefault();
      this.send();
    });
  }

  private send(): void {
    const roomId = this.activeRoomId;
    const content = this.ui.composer.value.trim();
    if (!roomId || !content) return;
    const taken = this.changes.takeSubmit(roomId, content);
    if (!taken.handled) this.sendTo(roomId, content, taken.replyTo);
    this.ui.composer.value = '';
    this.ui.composer.focus();
  }

  private sendTo(
    roomId: string,
    content: string,
    replyTo?: string,
    files?: { messageType: 'image' | 'file'; attachmentIds: string[] },
  ): void {
    const sending = this.chat.send(roomId, content, { ...(replyTo === undefined ? {} : { replyTo }), ...files });
    const model = this.model(roomId);
    const entry = model.addPending(sending.localId, this.session.userId, content, new Date().toISOString(), replyTo);
    if (roomId === this.activeRoomId) this.messageList.upsert(model, entry);
  }

  /** Attachment bytes with this session's token; a redirect to the object store is followed. */
  private async fetchAttachment(path: string): Promise<Blob> {
    const response = await fetch(path, { headers: { authorization: `Bearer ${this.session.token}` } });
    if (!response.ok) throw new Error(`${path}: ${response.status}`);
    return response.blob();
  }

  private retry(localId: string): void {
    // The outcome arrives as status events (sending, then sent or failed again).
    this.chat.retrySend(localId).catch(() => undefined);
  }

  private notify(text: string): void {
    clearTimeout(this.noticeTimer);
    this.ui.notice.textContent = text;
    this.ui.notice.hidden = false;
    this.noticeTimer = setTimeout(() => {
      this.ui.notice.hidden = true;
    }, 6000);
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
