import type { ParticipantRole, RoomAction } from '@campzone/protocol';

// The same table as @campzone/protocol's room-permissions.ts. The page cannot import it: the
// protocol package's entry point brings TypeBox into the bundle (build-app.mjs refuses that).
// test/room-roles.test.ts fails the moment the two differ.

const MODERATING: readonly RoomAction[] = ['post', 'react', 'deleteOthers', 'pin', 'mute', 'ban', 'remove', 'readReports'];
const MANAGING: readonly RoomAction[] = [...MODERATING, 'changeRoles', 'changeSettings', 'readAudit', 'readEdits'];

const PERMISSIONS: Record<ParticipantRole, readonly RoomAction[]> = {
  owner: MANAGING,
  admin: MANAGING,
  moderator: MODERATING,
  member: ['post', 'react'],
  readonly: [],
};

const RANK: Record<ParticipantRole, number> = { owner: 4, admin: 3, moderator: 2, member: 1, readonly: 0 };

/** Highest first: the order the settings panel offers them in. */
export const ROLES: readonly ParticipantRole[] = ['owner', 'admin', 'moderator', 'member', 'readonly'];

export function can(role: ParticipantRole, action: RoomAction): boolean {
  return PERMISSIONS[role].includes(action);
}

/** Whether `actor` may act on a member of role `target` (and give that role). */
export function outranks(actor: ParticipantRole, target: ParticipantRole): boolean {
  return actor === 'owner' || RANK[actor] > RANK[target];
}

/** Exempt from slow mode, and may post in announcement rooms. */
export function isStaff(role: ParticipantRole): boolean {
  return RANK[role] >= RANK.moderator;
}

export function isRole(value: string): value is ParticipantRole {
  return (ROLES as readonly string[]).includes(value);
}
