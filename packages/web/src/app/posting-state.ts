import type { ParticipantRole, PostingPolicy } from '@campzone/protocol';
import { can, isStaff } from './room-roles';

/** What the page knows about a room's rules and the user's standing in it. */
export interface PostingRules {
  role: ParticipantRole;
  postingPolicy: PostingPolicy;
  slowModeSeconds: number;
  archived: boolean;
  /** ISO time the user's mute ends. */
  mutedUntil?: string;
  /** Epoch ms before which slow mode refuses the user's next message (from a send's retryAfterMs). */
  slowUntil?: number;
}

export interface PostingState {
  canPost: boolean;
  /** The line under the composer: why the user cannot post, or the room's slow mode; '' for nothing. */
  line: string;
  /** When the state changes by itself (a mute ending, a slow-mode countdown's next second). */
  recheckAt?: number;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Why the user cannot post now, if they cannot; the server decides, this tells them first. */
export function postingState(
  rules: PostingRules,
  now: number,
  formatTime: (ms: number) => string = (ms) => timeFormat.format(ms),
): PostingState {
  if (rules.archived) return { canPost: false, line: 'This room is archived: you can read it, but nobody can post.' };
  if (!can(rules.role, 'post')) return { canPost: false, line: 'You have read-only access to this room.' };
  if (rules.postingPolicy === 'admins' && !isStaff(rules.role)) {
    return { canPost: false, line: 'This is an announcement room: only its moderators and admins post.' };
  }
  const mutedUntil = rules.mutedUntil ? Date.parse(rules.mutedUntil) : Number.NaN;
  if (mutedUntil > now)
    return { canPost: false, line: `You are muted in this room until ${formatTime(mutedUntil)}.`, recheckAt: mutedUntil };
  if (rules.slowModeSeconds > 0 && !isStaff(rules.role)) {
    const waitMs = (rules.slowUntil ?? 0) - now;
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      return {
        canPost: false,
        line: `Slow mode: you can post again in ${seconds} s.`,
        recheckAt: now + (waitMs - (seconds - 1) * 1000),
      };
    }
    return { canPost: true, line: `Slow mode: one message every ${rules.slowModeSeconds} s.` };
  }
  return { canPost: true, line: '' };
}

/**
 * What a refused send tells about the room (the gateway's FORBIDDEN and RATE_LIMITED messages),
 * for rules the page could not know: a mute set a moment ago, a change it has not heard of yet.
 */
export function rulesFromRefusal(error: { code: string; message: string; retryAfterMs?: number }, now: number): Partial<PostingRules> {
  if (error.code === 'RATE_LIMITED' && error.retryAfterMs !== undefined && /^slow mode/.test(error.message)) {
    return { slowUntil: now + error.retryAfterMs };
  }
  if (error.code !== 'FORBIDDEN') return {};
  const muted = / until (\S+)$/.exec(error.message);
  if (/^muted in room /.test(error.message) && muted?.[1] && !Number.isNaN(Date.parse(muted[1]))) return { mutedUntil: muted[1] };
  if (/ is archived/.test(error.message)) return { archived: true };
  if (/ is for announcements/.test(error.message)) return { postingPolicy: 'admins' };
  return {};
}
