import type { MemberPlan } from './load-member';

export interface RoomLayout {
  runId: string;
  rooms: number;
  membersPerRoom: number;
  sendersPerRoom: number;
  /** How many gateway URLs members are spread over. */
  urlCount: number;
}

export interface PlannedRoom {
  roomId: string;
  members: MemberPlan[];
}

/**
 * Ids for one run: fresh rooms and users (so a run never sees another's messages), members
 * spread round-robin over the gateways so every room spans pods and every broadcast crosses
 * the Redis adapter, and the first `sendersPerRoom` members of each room sending.
 */
export function planRooms(layout: RoomLayout): PlannedRoom[] {
  const rooms: PlannedRoom[] = [];
  let slot = 0;
  for (let r = 0; r < layout.rooms; r++) {
    const roomId = `lt${layout.runId}r${r}`;
    const members: MemberPlan[] = [];
    for (let m = 0; m < layout.membersPerRoom; m++) {
      members.push({
        userId: `${roomId}m${m}`,
        roomId,
        sender: m < layout.sendersPerRoom,
        urlIndex: slot++ % Math.max(1, layout.urlCount),
      });
    }
    rooms.push({ roomId, members });
  }
  return rooms;
}

/** A short random run id: letters and digits only, so ids stay inside the protocol's pattern. */
export function newRunId(random: () => number = Math.random): string {
  return Math.floor(random() * 36 ** 6)
    .toString(36)
    .padStart(6, '0');
}
