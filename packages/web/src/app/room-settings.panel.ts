import type { ParticipantRole, RoomUpdated, UpdateRoomBody } from '@campzone/protocol';
import { byId, h } from './dom-element';
import type { Member, ModerationApi } from './moderation-api';
import type { RoomItem } from './room-list.view';
import { can, isRole, outranks, ROLES } from './room-roles';

const MAX_SLOW_MODE_SECONDS = 21_600;
const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * The room settings dialog for the open room's staff: rules (posting policy, slow mode,
 * archived) for owners and admins; members with their roles, role changes, removal, mutes and
 * bans for whoever outranks them. The server decides every call; a refusal is shown as it says.
 */
export class RoomSettingsPanel {
  private readonly openButton = byId('room-settings-open', HTMLButtonElement);
  private readonly dialog = byId('room-settings', HTMLDialogElement);
  private readonly status = byId('room-settings-status', HTMLParagraphElement);
  private readonly rulesForm = byId('room-rules-form', HTMLFormElement);
  private readonly postingPolicy = byId('posting-policy', HTMLSelectElement);
  private readonly slowMode = byId('slow-mode', HTMLInputElement);
  private readonly archived = byId('room-archived', HTMLInputElement);
  private readonly memberList = byId('member-list', HTMLUListElement);
  private readonly memberIds = byId('member-ids', HTMLDataListElement);
  private readonly moderateForm = byId('moderate-form', HTMLFormElement);
  private readonly moderateUser = byId('moderate-user', HTMLInputElement);
  private readonly muteMinutes = byId('mute-minutes', HTMLInputElement);
  private readonly banReason = byId('ban-reason', HTMLInputElement);
  private room: RoomItem | undefined;
  private members: Member[] = [];

  constructor(
    private readonly api: ModerationApi,
    private readonly selfId: string,
    /** After a change the room list shows (rules, the user's own role): reload it. */
    private readonly changed: () => void,
  ) {
    this.openButton.addEventListener('click', () => void this.open());
    byId('room-settings-close', HTMLButtonElement).addEventListener('click', () => this.dialog.close());
    this.dialog.addEventListener('close', () => this.openButton.focus());
    this.rulesForm.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.saveRules();
    });
    this.moderateForm.addEventListener('submit', (event) => event.preventDefault());
    byId('mute-member', HTMLButtonElement).addEventListener('click', () => void this.mute());
    byId('unmute-member', HTMLButtonElement).addEventListener(
      'click',
      () => void this.act('unmute', (room, userId) => this.api.unmute(room, userId)),
    );
    byId('ban-member', HTMLButtonElement).addEventListener('click', () => void this.ban());
  }

  /** The open room (or none): the button shows for those who may moderate it. */
  setRoom(room: RoomItem | undefined): void {
    const switched = room?.roomId !== this.room?.roomId;
    this.room = room;
    this.openButton.hidden = !room || !(can(room.role, 'changeSettings') || can(room.role, 'mute'));
    if (switched && this.dialog.open) this.dialog.close();
    if (this.dialog.open) this.fillRules();
  }

  roomUpdated(update: RoomUpdated): void {
    if (update.roomId !== this.room?.roomId) return;
    this.room = { ...this.room, ...update };
    if (this.dialog.open) this.fillRules();
  }

  /** Someone left the open room: the member list is out of date. */
  memberRemoved(roomId: string): void {
    if (this.dialog.open && roomId === this.room?.roomId) void this.loadMembers();
  }

  private async open(): Promise<void> {
    if (!this.room) return;
    this.say('');
    this.rulesForm.hidden = !can(this.room.role, 'changeSettings');
    this.fillRules();
    this.dialog.showModal();
    await this.loadMembers();
  }

  private fillRules(): void {
    if (!this.room) return;
    this.postingPolicy.value = this.room.postingPolicy;
    this.slowMode.value = String(this.room.slowModeSeconds);
    this.archived.checked = this.room.archived;
  }

  private async loadMembers(): Promise<void> {
    const room = this.room;
    if (!room) return;
    try {
      this.members = await this.api.members(room.roomId);
    } catch (err) {
      this.say(`Could not load the members: ${messageOf(err)}`, true);
      return;
    }
    if (room.roomId !== this.room?.roomId) return;
    this.renderMembers(room.role);
  }

  private renderMembers(myRole: ParticipantRole): void {
    const focused = document.activeElement instanceof HTMLElement ? document.activeElement.id : '';
    this.memberIds.replaceChildren(...this.members.map((m) => h('option', { attrs: { value: m.userId } })));
    this.memberList.replaceChildren(...this.members.map((member, index) => this.memberRow(member, index, myRole)));
    if (focused) document.getElementById(focused)?.focus();
  }

  private memberRow(member: Member, index: number, myRole: ParticipantRole): HTMLLIElement {
    const self = member.userId === this.selfId;
    const note =
      member.mutedUntil && Date.parse(member.mutedUntil) > Date.now()
        ? `muted until ${timeFormat.format(Date.parse(member.mutedUntil))}`
        : '';
    const row = h(
      'li',
      { dataset: { userId: member.userId } },
      h('span', { className: 'member-id' }, self ? `${member.userId} (you)` : member.userId),
      h('span', { className: 'member-note' }, [member.role, note].filter(Boolean).join(', ')),
    );
    const mayChangeRole = can(myRole, 'changeRoles') && !self && outranks(myRole, member.role);
    if (mayChangeRole) {
      const select = h('select', { attrs: { id: `member-role-${index}`, 'aria-label': `Role of ${member.userId}` } });
      for (const role of ROLES) {
        if (!outranks(myRole, role)) continue;
        const option = h('option', { attrs: { value: role } }, role);
        option.selected = role === member.role;
        select.append(option);
      }
      const apply = h('button', { className: 'small', attrs: { type: 'button', id: `member-role-set-${index}` } }, 'Set role');
      apply.addEventListener('click', () => {
        const role = select.value;
        if (isRole(role)) void this.act(`role ${role}`, (roomId, userId) => this.api.changeRole(roomId, userId, role), member.userId);
      });
      row.append(select, apply);
    }
    if (!self && can(myRole, 'mute') && outranks(myRole, member.role)) {
      const moderate = h(
        'button',
        { className: 'small', attrs: { type: 'button', 'aria-label': `Mute or ban ${member.userId}` } },
        'Mute or ban…',
      );
      moderate.addEventListener('click', () => {
        this.moderateUser.value = member.userId;
        this.muteMinutes.focus();
      });
      row.append(moderate);
    }
    if (!self && can(myRole, 'remove') && outranks(myRole, member.role)) {
      const remove = h(
        'button',
        { className: 'small danger', attrs: { type: 'button', 'aria-label': `Remove ${member.userId} from the room` } },
        'Remove',
      );
      remove.addEventListener('click', () => void this.act('removal', (roomId, userId) => this.api.remove(roomId, userId), member.userId));
      row.append(remove);
    }
    return row;
  }

  private async saveRules(): Promise<void> {
    const room = this.room;
    if (!room) return;
    const slowModeSeconds = Number(this.slowMode.value);
    if (!Number.isInteger(slowModeSeconds) || slowModeSeconds < 0 || slowModeSeconds > MAX_SLOW_MODE_SECONDS) {
      this.say(`Slow mode is a whole number of seconds from 0 to ${MAX_SLOW_MODE_SECONDS}.`, true);
      this.slowMode.focus();
      return;
    }
    const changes: UpdateRoomBody = {};
    if (this.postingPolicy.value === 'everyone' || this.postingPolicy.value === 'admins') {
      if (this.postingPolicy.value !== room.postingPolicy) changes.postingPolicy = this.postingPolicy.value;
    }
    if (slowModeSeconds !== room.slowModeSeconds) changes.slowModeSeconds = slowModeSeconds;
    if (this.archived.checked !== room.archived) changes.archived = this.archived.checked;
    if (Object.keys(changes).length === 0) {
      this.say('Nothing to save: the rules are as shown.');
      return;
    }
    try {
      await this.api.updateRoom(room.roomId, changes);
      this.room = { ...room, ...changes };
      this.say('Rules saved.');
      this.changed();
    } catch (err) {
      this.say(`Could not save the rules: ${messageOf(err)}`, true);
    }
  }

  private async mute(): Promise<void> {
    const minutes = Number(this.muteMinutes.value);
    if (!Number.isInteger(minutes) || minutes < 1) {
      this.say('Mute for a whole number of minutes, at least 1.', true);
      this.muteMinutes.focus();
      return;
    }
    const until = new Date(Date.now() + minutes * 60_000);
    await this.act(`mute until ${timeFormat.format(until)}`, (roomId, userId) => this.api.mute(roomId, userId, until));
  }

  private async ban(): Promise<void> {
    const reason = this.banReason.value.trim();
    if (!reason) {
      this.say('Give a reason for the ban.', true);
      this.banReason.focus();
      return;
    }
    if (await this.act('ban', (roomId, userId) => this.api.ban(roomId, userId, reason))) this.banReason.value = '';
  }

  /** One moderation call on a member (from the row, or the user id field), then the list reloaded. */
  private async act(
    what: string,
    call: (roomId: string, userId: string) => Promise<void>,
    userId = this.moderateUser.value.trim(),
  ): Promise<boolean> {
    const room = this.room;
    if (!room) return false;
    if (!userId) {
      this.say('Give the member’s user id.', true);
      this.moderateUser.focus();
      return false;
    }
    try {
      await call(room.roomId, userId);
      this.say(`Done: ${what} for ${userId}.`);
      await this.loadMembers();
      if (userId === this.selfId) this.changed();
      return true;
    } catch (err) {
      this.say(`Could not apply ${what} for ${userId}: ${messageOf(err)}`, true);
      return false;
    }
  }

  private say(text: string, error = false): void {
    this.status.textContent = text;
    if (error) this.status.dataset.tone = 'error';
    else delete this.status.dataset.tone;
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
