import { ChatError, ErrorCode, type ParticipantRole } from '@campzone/protocol';
import type { ParticipantRepository } from '@campzone/store';

/**
 * Answers "may this user act in this room?" on every event. Positive answers are cached
 * briefly per pod, since membership is checked on every message and is only ever added.
 */
export class MembershipService {
  private readonly cache = new Map<string, { role: ParticipantRole; until: number }>();

  constructor(
    private readonly participants: ParticipantRepository,
    private readonly ttlMs = 10_000,
  ) {}

  async requireMember(roomId: string, userId: string): Promise<ParticipantRole> {
    const key = `${roomId}\u0000${userId}`;
    const hit = this.cache.get(key);
    if (hit && hit.until > Date.now()) return hit.role;
    const role = await this.participants.roleOf(roomId, userId);
    if (!role) throw new ChatError(ErrorCode.FORBIDDEN, `not a member of room ${roomId}`);
    if (this.cache.size > 100_000) this.cache.clear();
    this.cache.set(key, { role, until: Date.now() + this.ttlMs });
    return role;
  }

  async requireAdmin(roomId: string, userId: string): Promise<void> {
    const role = await this.requireMember(roomId, userId);
    if (role !== 'admin') throw new ChatError(ErrorCode.FORBIDDEN, `only admins of room ${roomId} may do this`);
  }
}
