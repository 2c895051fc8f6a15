import type { ChatClient, ChatMessage, MessageChange } from '@campzone/client/browser';
import { ComposerMode } from './composer-mode';
import { ConfirmDialog } from './confirm-dialog';
import { MentionCompletion } from './mention-completion';
import type { RoomPowers } from './message-actions';
import { MessageActionsMenu } from './message-actions.menu';
import type { MessageListView } from './message-list.view';
import type { ModerationApi } from './moderation-api';
import type { PageElements } from './page-elements';
import { PinnedList } from './pinned-list';
import { ReactionPicker } from './reaction-picker';
import type { RoomItem } from './room-list.view';
import type { MessageEntry, RoomMessages } from './room-messages.model';
import { can } from './room-roles';
import { ThreadPanel } from './thread-panel';

export interface MessageChangesDeps {
  chat: ChatClient;
  ui: PageElements;
  moderation: Pick<ModerationApi, 'members'>;
  messageList: MessageListView;
  selfId: string;
  nameOf(userId: string): string;
  model(roomId: string): RoomMessages;
  /** Sends a message through the page (pending line, outbox), answering `replyTo` if given. */
  send(roomId: string, content: string, replyTo?: string): void;
  notify(text: string): void;
}

const NO_POWERS: RoomPowers = { post: false, react: false, deleteOthers: false, pin: false };

/**
 * Everything the page does with stored messages besides showing them: the per-message actions
 * (reply, react, thread, edit, delete with a confirm, pin), Up-arrow to edit the last own
 * message, `@` completion, the thread panel and the pinned list. The SDK's `message_changed`
 * reaches the model in ChatApp; what else it touches (thread, pins) comes through `changed`.
 */
export class MessageChangesController {
  private readonly mode: ComposerMode;
  private readonly mentions: MentionCompletion;
  private readonly threadMentions: MentionCompletion;
  private readonly menu = new MessageActionsMenu();
  private readonly picker = new ReactionPicker();
  private readonly confirm = new ConfirmDialog();
  private readonly thread: ThreadPanel;
  private readonly pins: PinnedList;
  private readonly members = new Map<string, string[]>();
  private roomId: string | undefined;
  private powers: RoomPowers = NO_POWERS;

  constructor(private readonly deps: MessageChangesDeps) {
    const { ui, chat, selfId, nameOf, notify } = deps;
    // Before ComposerMode and the composer's own keys: an open list takes Enter and Escape first.
    this.mentions = new MentionCompletion(ui.composer, selfId, 'composer');
    this.mode = new ComposerMode(ui.composerForm, ui.composer, ui.send);
    this.thread = new ThreadPanel(chat, nameOf, selfId, (roomId, rootId, content) => deps.send(roomId, content, rootId), notify);
    ui.composerForm.closest('.conversation')?.after(this.thread.element);
    this.threadMentions = new MentionCompletion(this.thread.box, selfId, 'thread');
    const head = ui.roomTitle.parentElement ?? ui.roomTitle;
    this.pins = new PinnedList(head, chat, nameOf, (messageId) => this.reveal(messageId), notify);
    ui.messages.addEventListener('click', (event) => this.onClick(event));
    ui.composer.addEventListener('keydown', (event) => {
      if (event.key === 'ArrowUp' && !event.defaultPrevented && ui.composer.value === '' && !this.mode.target) {
        if (this.editLast()) event.preventDefault();
      }
    });
  }

  /** The room on screen changed (or its role did: the room list was reloaded). */
  showRoom(room: RoomItem | undefined, roomId: string | undefined): void {
    const role = room?.role;
    this.powers = role
      ? { post: can(role, 'post'), react: can(role, 'react'), deleteOthers: can(role, 'deleteOthers'), pin: can(role, 'pin') }
      : NO_POWERS;
    if (roomId === this.roomId) return;
    this.roomId = roomId;
    this.menu.close(false);
    this.picker.close(false);
    this.mode.clear(true);
    if (this.thread.openRoot && this.thread.openRoot.roomId !== roomId) this.thread.close();
    this.pins.show(roomId);
    this.mentions.setMembers(this.members.get(roomId ?? '') ?? []);
    if (roomId) void this.loadMembers(roomId);
  }

  /** The composer was submitted: an edit is saved here (true); otherwise the answer says what to reply to. */
  takeSubmit(roomId: string, content: string): { handled: true } | { handled: false; replyTo?: string } {
    const target = this.mode.target;
    if (!target || target.roomId !== roomId) {
      this.mode.clear();
      return { handled: false };
    }
    this.mode.clear();
    if (target.kind === 'reply') return { handled: false, replyTo: target.messageId };
    if (content !== target.original) {
      this.deps.chat.editMessage(roomId, target.messageId, content).catch((err: unknown) => this.failed('save the edit', err));
    }
    return { handled: true };
  }

  /** A message the SDK presented. */
  presented(message: ChatMessage): void {
    this.thread.presented(message);
  }

  /** A change the SDK told (the model has it already). */
  changed(change: MessageChange, entry: MessageEntry | undefined): void {
    this.thread.changed(change);
    this.pins.changed(change);
    // The message being edited was deleted meanwhile: nothing left to save.
    const target = this.mode.target;
    if (target?.messageId === change.messageId && entry?.message?.deletedAt !== undefined) {
      this.mode.clear(true);
      this.deps.notify('The message was deleted.');
    }
  }

  private onClick(event: MouseEvent): void {
    const button = event.target instanceof Element ? event.target.closest('button[data-action]') : null;
    const item = button?.closest('li');
    const roomId = this.roomId;
    if (!(button instanceof HTMLButtonElement) || !item || !roomId) return;
    const messageId = item.dataset.messageId;
    const entry = messageId ? this.deps.model(roomId).byMessageId(messageId) : undefined;
    const message = entry?.message;
    if (!entry || !message) return;
    const action = button.dataset.action;
    const ref = [roomId, message.messageId] as const;
    switch (action) {
      case 'actions':
        if (button.getAttribute('aria-expanded') === 'true') {
          this.menu.close();
          this.picker.close();
        } else {
          this.picker.close(false);
          this.menu.open(button, entry, this.powers);
        }
        return;
      case 'toggle-reaction': {
        const emoji = button.dataset.emoji;
        if (!emoji || !this.powers.react) return;
        const mine = message.reactions?.find((r) => r.emoji === emoji)?.me ?? false;
        const request = mine ? this.deps.chat.removeReaction(...ref, emoji) : this.deps.chat.addReaction(...ref, emoji);
        request.catch((err: unknown) => this.failed('change your reaction', err));
        return;
      }
      case 'reply':
        this.menu.close(false);
        this.mode.reply({
          kind: 'reply',
          roomId,
          messageId: message.messageId,
          senderName: entry.own ? 'yourself' : this.deps.nameOf(message.senderId),
          quote: message.content,
        });
        return;
      case 'react': {
        // The picker takes the action row's place; closing it returns focus to the line's Actions.
        const toggle = item.querySelector<HTMLElement>('button[data-action="actions"]') ?? button;
        const footer = item.querySelector<HTMLElement>('.footer') ?? button;
        this.menu.close(false);
        this.picker.open(footer, toggle, (emoji) => {
          const mine = message.reactions?.find((r) => r.emoji === emoji)?.me ?? false;
          if (!mine) this.deps.chat.addReaction(...ref, emoji).catch((err: unknown) => this.failed('react', err));
        });
        return;
      }
      case 'thread':
        this.menu.close(false);
        void this.thread.open(roomId, message.threadRootId ?? message.messageId, button.isConnected ? button : undefined);
        return;
      case 'edit':
        this.menu.close(false);
        this.mode.edit({ kind: 'edit', roomId, messageId: message.messageId, original: message.content });
        return;
      case 'delete':
        void this.deleteMessage(roomId, entry);
        return;
      case 'pin':
      case 'unpin':
        this.menu.close();
        (action === 'pin' ? this.deps.chat.pinMessage(...ref) : this.deps.chat.unpinMessage(...ref)).catch((err: unknown) =>
          this.failed(action === 'pin' ? 'pin the message' : 'unpin the message', err),
        );
        return;
    }
  }

  private async deleteMessage(roomId: string, entry: MessageEntry): Promise<void> {
    const message = entry.message;
    if (!message) return;
    const whose = entry.own ? 'your message' : `the message from ${this.deps.nameOf(message.senderId)}`;
    const yes = await this.confirm.ask('Delete the message?', `Delete ${whose} for everyone in the room? This cannot be undone.`, 'Delete');
    if (!yes) return;
    this.menu.close(false);
    this.deps.chat.deleteMessage(roomId, message.messageId).catch((err: unknown) => this.failed('delete the message', err));
  }

  private editLast(): boolean {
    const roomId = this.roomId;
    const entry = roomId ? this.deps.model(roomId).lastEditable() : undefined;
    if (!roomId || !entry?.message || !this.powers.post) return false;
    this.mode.edit({ kind: 'edit', roomId, messageId: entry.message.messageId, original: entry.message.content });
    return true;
  }

  /** Moves focus to a message's line, if the list shows it. */
  private reveal(messageId: string): boolean {
    const line = this.deps.messageList.lineOf(messageId);
    if (!line) return false;
    line.tabIndex = -1;
    line.scrollIntoView({ block: 'center' });
    line.focus();
    return true;
  }

  private async loadMembers(roomId: string): Promise<void> {
    try {
      const members = (await this.deps.moderation.members(roomId)).map((m) => m.userId);
      this.members.set(roomId, members);
      if (roomId === this.roomId) this.mentions.setMembers(members);
      if (this.thread.openRoot?.roomId === roomId || roomId === this.roomId) this.threadMentions.setMembers(members);
    } catch {
      // Completion is a convenience: without the member list, `@userId` typed in full still mentions.
    }
  }

  private failed(what: string, err: unknown): void {
    this.deps.notify(`Could not ${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
