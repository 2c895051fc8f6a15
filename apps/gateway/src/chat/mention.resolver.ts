import { ID_PATTERN, ROOM_MENTION } from '@campzone/protocol';
import type { ParticipantRepository } from '@campzone/store';

/** At most this many distinct `@userId`s are looked up per message; more are not mentions. */
const MAX_CANDIDATES = 50;
// `@` at the start or after a non-id character, then an id: `mail@host` mentions nobody.
const MENTION = new RegExp(`(?:^|[^A-Za-z0-9_-])@(${ID_PATTERN.slice(1, -1)})(?![A-Za-z0-9_-])`, 'g');

/** The `@userId`s and whether `@room` appears, as written (not yet checked against the room). */
export function mentionCandidates(content: string): { userIds: string[]; room: boolean } {
  if (!content.includes('@')) return { userIds: [], room: false };
  const userIds = new Set<string>();
  let room = false;
  for (const match of content.matchAll(MENTION)) {
    const id = match[1] as string;
    if (id === 'room') room = true;
    else if (userIds.size < MAX_CANDIDATES) userIds.add(id);
  }
  return { userIds: [...userIds], room };
}

/**
 * Resolves mentions when a message is sent or edited: `@room`, and every `@userId` that is a
 * member of the room other than the author. A non-member is not a mention. Costs a query only
 * when the content names someone.
 */
export class MentionResolver {
  constructor(private readonly participants: Pick<ParticipantRepository, 'membersAmong'>) {}

  async resolve(roomId: string, authorId: string, content: string): Promise<string[]> {
    const { userIds, room } = mentionCandidates(content);
    const others = userIds.filter((id) => id !== authorId);
    const members = others.length > 0 ? await this.participants.membersAmong(roomId, others) : [];
    const found = new Set(members);
    const mentions = others.filter((id) => found.has(id));
    return room ? [ROOM_MENTION, ...mentions] : mentions;
  }
}
