import type { FetchLike } from '../src/rest-client';

/**
 * Plays the gateway's `/v1/users/me/blocks` for one user, like the real one: every answer is
 * the whole list; a call can be held open (`hold`) to test what waits for it.
 */
export class FakeBlocksApi {
  readonly blocked = new Set<string>();
  readonly calls: Array<{ method: string; url: string; authorization: string | undefined; body?: unknown }> = [];
  private held: Array<() => void> | undefined;

  /** Answers wait until `release()`. */
  hold(): void {
    this.held = [];
  }

  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const answer of held) answer();
  }

  readonly fetch: FetchLike = async (url, init) => {
    const body: unknown = init.body === undefined ? undefined : JSON.parse(init.body);
    this.calls.push({ method: init.method, url, authorization: init.headers.authorization, ...(body === undefined ? {} : { body }) });
    if (this.held) await new Promise<void>((resolve) => this.held!.push(resolve));
    const path = new URL(url).pathname;
    if (init.method === 'POST' && path === '/v1/users/me/blocks') {
      const userId = (body as { userId: string }).userId;
      if (userId === 'alice') return answer(400, { error: { code: 'VALIDATION_FAILED', message: 'userId: you cannot block yourself' } });
      this.blocked.add(userId);
    } else if (init.method === 'DELETE' && path.startsWith('/v1/users/me/blocks/')) {
      this.blocked.delete(decodeURIComponent(path.slice('/v1/users/me/blocks/'.length)));
    } else if (!(init.method === 'GET' && path === '/v1/users/me/blocks')) {
      return answer(404, { error: { code: 'NOT_FOUND', message: `${init.method} ${path}` } });
    }
    return answer(init.method === 'POST' ? 201 : 200, { blocked: [...this.blocked].sort() });
  };
}

function answer(status: number, body: unknown): ReturnType<FetchLike> {
  return Promise.resolve({ ok: status < 400, status, json: async () => body });
}
