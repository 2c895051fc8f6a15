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
  private readonly members = new Map<string, { until: number; participantId: string }>();
  private readonly lookups = new SingleFlight<string | null>();

  constructor(private readonly participants: Pick<ParticipantRepository, 'membershipOf'>) {}

  /** Refuses a non-member; answers the member's participant `_id` (cursor copies are written by it). */
  async requireMember(roomId: string, userId: string): Promise<string> {
    const key = `${roomId}\u0000${userId}`;
    const cached = this.members.get(key);
    if (cached !== undefined && cached.until > Date.now()) return cached.participantId;
    const participantId = await this.lookups.run(
      key,
      async () => (await this.participants.membershipOf(roomId, userId))?.participantId ?? null,
    );
    if (participantId === null) throw new ChatError(ErrorCode.FORBIDDEN, `not a member of room ${roomId}`);
    if (this.members.size >= MAX_CACHED) this.members.clear();
    this.members.set(key, { until: Date.now() + MEMBER_TTL_MS, participantId });
    return participantId;
  }

  async requireAdmin(roomId: string, userId: string): Promise<void> {
    const member = await this.participants.membershipOf(roomId, userId);
    if (member === null) throw new ChatError(ErrorCode.FORBIDDEN, `not a member of room ${roomId}`);
    if (member.role !== 'admin') throw new ChatError(ErrorCode.FORBIDDEN, `only admins of room ${roomId} may do this`);
  }
}
