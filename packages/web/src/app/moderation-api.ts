import type { MembersResponse, ParticipantRole, UpdateRoomBody } from '@campzone/protocol';
import { ApiError, type RestApi } from './rest-api';

export type Member = MembersResponse['members'][number];

/** The moderation calls of the gateway's REST API that the page makes (see README "Roles and moderation"). */
export class ModerationApi {
  constructor(private readonly api: RestApi) {}

  async members(roomId: string): Promise<Member[]> {
    const body = await this.api.request('GET', `${room(roomId)}/participants`);
    const members = isRecord(body) ? body.members : undefined;
    if (!Array.isArray(members)) throw new ApiError(500, 'INTERNAL', 'the gateway sent no member list');
    return members as Member[];
  }

  async updateRoom(roomId: string, changes: UpdateRoomBody): Promise<void> {
    await this.api.request('PATCH', room(roomId), changes);
  }

  async changeRole(roomId: string, userId: string, role: ParticipantRole): Promise<void> {
    await this.api.request('PATCH', `${room(roomId)}/participants/${encodeURIComponent(userId)}`, { role });
  }

  async remove(roomId: string, userId: string): Promise<void> {
    await this.api.request('DELETE', `${room(roomId)}/participants/${encodeURIComponent(userId)}`);
  }

  async mute(roomId: string, userId: string, until: Date): Promise<void> {
    await this.api.request('POST', `${room(roomId)}/mutes`, { userId, until: until.toISOString() });
  }

  async unmute(roomId: string, userId: string): Promise<void> {
    await this.api.request('DELETE', `${room(roomId)}/mutes/${encodeURIComponent(userId)}`);
  }

  async ban(roomId: string, userId: string, reason: string): Promise<void> {
    await this.api.request('POST', `${room(roomId)}/bans`, { userId, reason });
  }

  async report(roomId: string, messageId: string, reason: string): Promise<void> {
    await this.api.request('POST', `${room(roomId)}/messages/${encodeURIComponent(messageId)}/reports`, { reason });
  }
}

function room(roomId: string): string {
  return `/v1/rooms/${encodeURIComponent(roomId)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
