import { ChatClientError } from './chat-client-error';

/**
 * The users the current user blocked, as the gateway last told us (`{ blocked: [...] }` from
 * GET, POST and DELETE /v1/users/me/blocks). Their messages in shared rooms are not presented.
 */
export class BlockedUsers {
  private ids = new Set<string>();

  has(userId: string): boolean {
    return this.ids.has(userId);
  }

  list(): string[] {
    return [...this.ids].sort();
  }

  /** Takes the gateway's answer as the whole list; returns whether it changed. */
  replace(answer: unknown, call: string): boolean {
    const blocked = isRecord(answer) ? answer.blocked : undefined;
    if (!Array.isArray(blocked) || !blocked.every((id): id is string => typeof id === 'string')) {
      throw new ChatClientError('INTERNAL', `${call}: the gateway sent no block list`, 'server', call);
    }
    const next = new Set(blocked);
    const changed = next.size !== this.ids.size || blocked.some((id) => !this.ids.has(id));
    this.ids = next;
    return changed;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
