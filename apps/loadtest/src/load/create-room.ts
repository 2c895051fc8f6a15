import type { CreateRoomBody } from '@campzone/protocol';

/** `POST /v1/rooms` as the room's admin (the token's user) with the other members. */
export async function createRoom(url: string, adminToken: string, roomId: string, participants: string[]): Promise<void> {
  const body: CreateRoomBody = { roomId, roomName: roomId, roomType: 'group', participants };
  const response = await fetch(`${url}/v1/rooms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  if (response.status !== 201)
    throw new Error(`creating room ${roomId} at ${url} failed: HTTP ${response.status} ${await response.text()}`);
}
