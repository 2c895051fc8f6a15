import { ChatError, can, ErrorCode, isStaff, type RoomAction } from '@campzone/protocol';
import type { RateLimiter } from '@campzone/realtime';
import type { BlockRepository, Membership, ParticipantRepository } from '@campzone/store';
import { guarded } from './dependency-errors';
import type { MembershipService } from './membership.service';
import type { RoomRulesCache } from './room-settings.cache';

export interface PostingRulesDeps {
  membership: Pick<MembershipService, 'member'>;
  rules: Pick<RoomRulesCache, 'get'>;
  blocks: Pick<BlockRepository, 'has'>;
  participants: Pick<ParticipantRepository, 'memberIds'>;
  limiter: RateLimiter;
}

/**
 * Whether a member may write to a room now: not archived, a role that may `action`, not muted,
 * an announcement room only for staff, and in a one-to-one room, not blocked by the other
 * member. Every answer comes from per-pod caches that change signals keep current, except the
 * block check (one indexed lookup, one-to-one rooms only). Refusals say why, so a client can
 * show "muted until ...", "announcements only", "archived".
 */
export class PostingRules {
  /** The members of one-to-one rooms (they never change: such a room takes no one else). */
  private readonly pairs = new Map<string, string[]>();

  constructor(private readonly deps: PostingRulesDeps) {}

  async check(roomId: string, userId: string, action: RoomAction): Promise<Membership> {
    const [member, rules] = await Promise.all([this.deps.membership.member(roomId, userId), this.store(() => this.deps.rules.get(roomId))]);
    if (rules.archived) throw new ChatError(ErrorCode.FORBIDDEN, `room ${roomId} is archived: it can be read, not written`);
    if (!can(member.role, action)) throw new ChatError(ErrorCode.FORBIDDEN, `a ${member.role} of room ${roomId} may not ${action}`);
    if (action === 'post' && rules.postingPolicy === 'admins' && !isStaff(member.role)) {
      throw new ChatError(ErrorCode.FORBIDDEN, `room ${roomId} is for announcements: only its moderators and admins post`);
    }
    if (member.mutedUntil && member.mutedUntil.getTime() > Date.now() && action !== 'react') {
      throw new ChatError(ErrorCode.FORBIDDEN, `muted in room ${roomId} until ${member.mutedUntil.toISOString()}`);
    }
    if (rules.roomType === 'one-to-one' && (await this.blockedInPair(roomId, userId))) {
      throw new ChatError(ErrorCode.FORBIDDEN, `the other member of room ${roomId} has blocked you`);
    }
    return member;
  }

  /** Slow mode: one message per member per N seconds across every pod; staff are exempt. */
  async checkSlowMode(roomId: string, member: Membership, userId: string): Promise<void> {
    const { slowModeSeconds } = await this.store(() => this.deps.rules.get(roomId));
    if (slowModeSeconds <= 0 || isStaff(member.role)) return;
    const decision = await guarded('rate limits (Redis)', () =>
      this.deps.limiter.hit('slow', `${roomId}:${userId}`, 1, slowModeSeconds * 1000),
    );
    if (decision.allowed) return;
    throw new ChatError(
      ErrorCode.RATE_LIMITED,
      `slow mode: one message per ${slowModeSeconds} s in room ${roomId}; retry in ${decision.retryAfterMs} ms`,
      decision.retryAfterMs,
    );
  }

  forget(roomId: string): void {
    this.pairs.delete(roomId);
  }

  private async blockedInPair(roomId: string, userId: string): Promise<boolean> {
    let pair = this.pairs.get(roomId);
    if (!pair) {
      pair = await this.store(() => this.deps.participants.memberIds(roomId));
      this.pairs.set(roomId, pair);
    }
    const others = pair.filter((id) => id !== userId);
    const blocked = await Promise.all(others.map((other) => this.store(() => this.deps.blocks.has(other, userId))));
    return blocked.some(Boolean);
  }

  private store<T>(call: () => Promise<T>): Promise<T> {
    return guarded('room store (MongoDB)', call);
  }
}
