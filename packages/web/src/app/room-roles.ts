import type { ParticipantRole } from '@campzone/protocol';

// The protocol's one table of who may do what. Imported from its own entry point: the
// package's main one brings TypeBox into the bundle, which build-app.mjs refuses.
export { can, isStaff, outranks } from '@campzone/protocol/room-permissions';

/** Highest first: the order the settings panel offers them in. */
export const ROLES: readonly ParticipantRole[] = ['owner', 'admin', 'moderator', 'member', 'readonly'];

export function isRole(value: string): value is ParticipantRole {
  return (ROLES as readonly string[]).includes(value);
}
