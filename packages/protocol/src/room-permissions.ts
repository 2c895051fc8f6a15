import type { ParticipantRole } from './models';

/** What a member may do in a room, beyond reading it. */
export type RoomAction =
  | 'post'
  | 'react'
  | 'editOthers'
  | 'deleteOthers'
  | 'pin'
  | 'mute'
  | 'ban'
  | 'remove'
  | 'changeRoles'
  | 'changeSettings'
  | 'readAudit'
  | 'readReports'
  | 'readEdits';

const MODERATING: readonly RoomAction[] = ['post', 'react', 'deleteOthers', 'pin', 'mute', 'ban', 'remove', 'readReports'];
/** Owners and admins differ only in whom they outrank (an admin cannot make or act on an owner). */
const MANAGING: readonly RoomAction[] = [...MODERATING, 'changeRoles', 'changeSettings', 'readAudit', 'readEdits'];

/**
 * The one table of who may do what (the README shows the same table). Acting on another member
 * (mute, ban, remove, change their role) also needs a rank above theirs; see outranks().
 * Nobody edits others' messages: an edit speaks in its author's name.
 */
export const ROLE_PERMISSIONS: Record<ParticipantRole, readonly RoomAction[]> = {
  owner: MANAGING,
  admin: MANAGING,
  moderator: MODERATING,
  member: ['post', 'react'],
  readonly: [],
};

const RANK: Record<ParticipantRole, number> = { owner: 4, admin: 3, moderator: 2, member: 1, readonly: 0 };

export function can(role: ParticipantRole, action: RoomAction): boolean {
  return ROLE_PERMISSIONS[role].includes(action);
}

/** Whether a member of role `actor` may act on one of role `target` (and give that role). */
export function outranks(actor: ParticipantRole, target: ParticipantRole): boolean {
  return actor === 'owner' || RANK[actor] > RANK[target];
}

/** Roles that bypass slow mode and may post in announcement rooms. */
export function isStaff(role: ParticipantRole): boolean {
  return RANK[role] >= RANK.moderator;
}
