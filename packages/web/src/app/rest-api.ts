import type { CreateRoomBody, DevTokenResponse, HistoryResponse, Room, RoomListResponse } from '@campzone/protocol';

/** A refused REST call, with the protocol's error code when the gateway sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type CreatedRoom = Room & { participants: string[] };

/** The gateway's REST endpoints the page uses, on the page's own origin (the CSP allows no other). */
export class RestApi {
  constructor(private readonly token?: string) {}

  withToken(token: string): RestApi {
    return new RestApi(token);
  }

  /**
   * Whether `POST /v1/dev/token` exists (AUTH_DEV_TOKENS=true): an empty body is refused by its
   * validation (400) when it does, and by the router (404) when it does not. Nothing is minted.
   */
  async devTokensEnabled(): Promise<boolean> {
    const response = await fetch('/v1/dev/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    return response.status !== 404;
  }

  async devToken(userId: string, username?: string): Promise<DevTokenResponse> {
    const body = await this.request('POST', '/v1/dev/token', username ? { userId, username } : { userId });
    if (!isRecord(body) || typeof body.token !== 'string') throw new ApiError(500, 'INTERNAL', 'the gateway sent no token');
    return body as unknown as DevTokenResponse;
  }

  async listRooms(): Promise<RoomListResponse> {
    const body = await this.request('GET', '/v1/rooms');
    if (!isRecord(body) || !Array.isArray(body.rooms)) throw new ApiError(500, 'INTERNAL', 'the gateway sent no room list');
    return body as unknown as RoomListResponse;
  }

  async createRoom(room: CreateRoomBody): Promise<CreatedRoom> {
    const body = await this.request('POST', '/v1/rooms', room);
    if (!isRecord(body) || typeof body.roomId !== 'string') throw new ApiError(500, 'INTERNAL', 'the gateway sent no room');
    return body as unknown as CreatedRoom;
  }

  /** Up to `limit` of a room's messages before `beforeSeq`, oldest first. */
  async history(roomId: string, beforeSeq: number, limit: number): Promise<HistoryResponse> {
    const query = new URLSearchParams({ beforeSeq: String(beforeSeq), limit: String(limit) });
    const body = await this.request('GET', `/v1/rooms/${encodeURIComponent(roomId)}/messages?${query}`);
    if (!isRecord(body) || !Array.isArray(body.messages)) throw new ApiError(500, 'INTERNAL', 'the gateway sent no history');
    return body as unknown as HistoryResponse;
  }

  /** Any call with this session's token; a refusal throws ApiError with the gateway's code and message. */
  async request(method: string, path: string, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let response: Response;
    try {
      response = await fetch(path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    } catch {
      throw new ApiError(0, 'UNAVAILABLE', 'the server cannot be reached');
    }
    const payload: unknown = await response.json().catch(() => undefined);
    if (response.ok) return payload;
    const error = isRecord(payload) && isRecord(payload.error) ? payload.error : {};
    throw new ApiError(
      response.status,
      typeof error.code === 'string' ? error.code : 'INTERNAL',
      typeof error.message === 'string' ? error.message : `${method} ${path} failed (${response.status})`,
    );
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
