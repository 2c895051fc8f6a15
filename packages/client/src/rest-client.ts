import { ChatClientError, isErrorCode } from './chat-client-error';

/** The part of `fetch` the SDK uses (the global one in browsers and Node 18+; tests inject their own). */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
) => Promise<{
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
}>;

/**
 * The gateway's REST calls the SDK makes itself, on the same gateway URL as the socket and with
 * the same token. Failures become ChatClientErrors with the protocol's code, like socket refusals.
 */
export class RestClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: () => Promise<string>,
    private readonly fetchImpl: FetchLike | undefined,
  ) {}

  async request(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
    const call = `${method} ${path}`;
    if (!this.fetchImpl)
      throw new ChatClientError('UNAVAILABLE', `${call}: no fetch in this runtime (pass the fetch option)`, 'local', call);
    const headers: Record<string, string> = { authorization: `Bearer ${await this.token()}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Awaited<ReturnType<FetchLike>>;
    try {
      const url = new URL(path, this.baseUrl).toString();
      response = await this.fetchImpl(url, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new ChatClientError('UNAVAILABLE', `${call}: the gateway cannot be reached (${reason})`, 'disconnected', call);
    }
    const payload: unknown = await response.json().catch(() => undefined);
    if (response.ok) return payload;
    const error = isRecord(payload) && isRecord(payload.error) ? payload.error : {};
    const code = isErrorCode(error.code) ? error.code : response.status === 404 ? 'NOT_FOUND' : 'INTERNAL';
    const message = typeof error.message === 'string' ? error.message : `${call} failed (${response.status})`;
    throw new ChatClientError(code, message, 'server', call);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
