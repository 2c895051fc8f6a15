import { ChatError, ErrorCode } from '@campzone/protocol';
import type { ParticipantRepository } from '@campzone/store';
import { SingleFlight } from './single-flight';

/** How long a pod trusts a membership it has seen; memberships are only ever added. */
const MEMBER_TTL_MS = 5 * 60_000;
const MAX_CACHED = 100_000;

/**
 * Answers "may this user act in this room?" on every event. Memberships are only ever added,
 * so a positive answer stays true and is cached per pod; concurrent misses for one member (a
 * client joining, syncing and acking at once) share one query. Roles can change, so admin
 * checks, which guard rare actions, always ask the store.
 */
export class MembershipService {
  private readonly members = new Map<string, number>();
  private readonly lookups = new SingleFlight<boolean>();

  constructor(private readonly participants: Pick<ParticipantRepository, 'roleOf'>) {}

  async requireMember(roomId: string, userId: string): Promise<void> {
    const key = `${roomId}\u0000${userId}`;
    const until = this.members.get(key);
    if (until !== undefined && until > Date.now()) return;
    const member = await this.lookups.run(key, async () => (await this.participants.roleOf(roomId, userId)) !== null);
    if (!member) throw new ChatError(ErrorCode.FORBIDDEN, `not a member of room ${roomId}`);
    if (this.members.size >= MAX_CACHED) this.members.clear();
    this.members.set(key, Date.now() + MEMBER_TTL_MS);
  }

  async requireAdmin(roomId: string, userId: string): Promise<void> {
    const role = await this.participants.roleOf(roomId, userId);
    if (role === null) throw new ChatError(ErrorCode.FORBIDDEN, `not a member of room ${roomId}`);
    if (role !== 'admin') throw new ChatError(ErrorCode.FORBIDDEN, `only admins of room ${roomId} may do this`);
  }
}
