import { ChatError, can, ErrorCode, type ParticipantRole, type RoomAction } from '@campzone/protocol';
import type { Membership, ParticipantRepository } from '@campzone/store';
import { SingleFlight } from './single-flight';

/** How long a pod trusts a membership it has seen without a change signal. */
const MEMBER_TTL_MS = 5 * 60_000;
const MAX_CACHED = 100_000;

/**
 * Answers "may this user act in this room?" on every event. Memberships (with role and mute)
 * are cached per pod; concurrent misses for one member (a client joining, syncing and acking at
 * once) share one query. Removals, role changes and mutes on any pod reach every pod's cache at
 * once through forget() (signalled over the Socket.IO adapter); the expiry only bounds the
 * damage of a lost signal. Actions that change others ask the store (roleIn), never the cache.
 */
export class MembershipService {
  private readonly members = new Map<string, { until: number; membership: Membership }>();
  private readonly lookups = new SingleFlight<Membership | null>();

  constructor(private readonly participants: Pick<ParticipantRepository, 'membershipOf' | 'roomsOf'>) {}

  /**
   * A connecting user's rooms, read once; their memberships are kept as if each had been looked
   * up, so the socket's first join, sync and acks in every room ask the store nothing more (in
   * a reconnect storm that is one query per client instead of one per client and room). Only
   * while they fit: a full cache is emptied, and handshakes must not empty it again and again.
   */
  async roomsOf(userId: string): Promise<string[]> {
    const rooms = await this.participants.roomsOf(userId);
    if (this.members.size + rooms.length < MAX_CACHED) {
      for (const { roomId, membership } of rooms) this.remember(keyOf(roomId, userId), membership);
    }
    return rooms.map((r) => r.roomId);
  }

  /** Refuses a non-member; answers the member's participant `_id` (cursor copies are written by it). */
  async requireMember(roomId: string, userId: string): Promise<string> {
    return (await this.member(roomId, userId)).participantId;
  }

  /** The member's cached membership (role, mute); refuses a non-member. */
  async member(roomId: string, userId: string): Promise<Membership> {
    const key = keyOf(roomId, userId);
    const cached = this.members.get(key);
    if (cached !== undefined && cached.until > Date.now()) return cached.membership;
    const membership = await this.lookups.run(key, () => this.participants.membershipOf(roomId, userId));
    if (membership === null) throw new ChatError(ErrorCode.FORBIDDEN, `not a member of room ${roomId}`);
    this.remember(key, membership);
    return membership;
  }

  private remember(key: string, membership: Membership): void {
    if (this.members.size >= MAX_CACHED) this.members.clear();
    this.members.set(key, { until: Date.now() + MEMBER_TTL_MS, membership });
  }

  /** Drops what this pod cached of these members (removed, role changed, muted). */
  forget(roomId: string, userIds: readonly string[]): void {
    for (const userId of userIds) this.members.delete(keyOf(roomId, userId));
  }

  async requireAdmin(roomId: string, userId: string): Promise<void> {
    await this.require(roomId, userId, 'changeSettings');
  }

  /** The member's role as the store has it now, if it allows `action`; refuses otherwise. */
  async require(roomId: string, userId: string, action: RoomAction): Promise<ParticipantRole> {
    const role = await this.roleIn(roomId, userId);
    if (!can(role, action)) throw new ChatError(ErrorCode.FORBIDDEN, `a ${role} of room ${roomId} may not ${describe(action)}`);
    return role;
  }

  /** The member's role as the store has it now; refuses a non-member. */
  async roleIn(roomId: string, userId: string): Promise<ParticipantRole> {
    const member = await this.participants.membershipOf(roomId, userId);
    if (member === null) throw new ChatError(ErrorCode.FORBIDDEN, `not a member of room ${roomId}`);
    return member.role;
  }
}

function keyOf(roomId: string, userId: string): string {
  return `${roomId}\u0000${userId}`;
}

const ACTION_WORDS: Record<RoomAction, string> = {
  post: 'post',
  react: 'react',
  editOthers: "edit others' messages",
  deleteOthers: "delete others' messages",
  pin: 'pin messages',
  mute: 'mute members',
  ban: 'ban members',
  remove: 'remove members',
  changeRoles: 'change roles',
  changeSettings: 'change room settings',
  readAudit: 'read the audit log',
  readReports: 'read reports',
  readEdits: "read messages' earlier versions",
};

function describe(action: RoomAction): string {
  return ACTION_WORDS[action];
}
