import type { ParticipantRemovedEvent, RoomUpdated } from '@campzone/client';
import { api, createRoom, eventually } from '../harness/chat-clients';
import { GatewayCluster } from '../harness/gateway-cluster';
import { closeEveryClient, sdkClient } from './sdk-clients';

// The SDK against two real gateways: room changes and removals made through REST on one pod
// reach SDK clients on the other, and a blocked user's messages are not presented.

let cluster: GatewayCluster;
beforeAll(async () => {
  cluster = await GatewayCluster.start(__filename, 2);
});
afterEach(closeEveryClient);
afterAll(() => cluster.stop());

test('a member removed on one pod is told so on the other, and the SDK stops presenting the room', async () => {
  await createRoom(cluster.url(0), 'olga', 'lab-a', ['max', 'bea']);
  const max = sdkClient(cluster.url(1), 'max');
  const bea = sdkClient(cluster.url(1), 'bea');
  const updates: RoomUpdated[] = [];
  const removals: ParticipantRemovedEvent[] = [];
  max.client.on('room_updated', (update) => updates.push(update));
  max.client.on('participant_removed', (event) => removals.push(event));
  await Promise.all([max.client.joinRoom('lab-a'), bea.client.joinRoom('lab-a')]);

  const patched = await api(cluster.url(0), 'PATCH', '/v1/rooms/lab-a', 'olga', { slowModeSeconds: 30 });
  expect(patched.status).toBe(200);
  await eventually(() => updates.length > 0, 'max to be told of the room change');
  expect(updates[0]).toMatchObject({ roomId: 'lab-a', slowModeSeconds: 30, postingPolicy: 'everyone', archived: false, by: 'olga' });

  const removed = await api(cluster.url(0), 'DELETE', '/v1/rooms/lab-a/participants/max', 'olga');
  expect(removed.status).toBe(204);
  await eventually(() => removals.length > 0, 'max to be told he was removed');
  expect(removals).toEqual([{ roomId: 'lab-a', userId: 'max', by: 'olga', self: true }]);
  expect(max.client.rooms).not.toContain('lab-a');

  // bea is on max's pod: once she is shown olga's message, max would have been too.
  await api(cluster.url(0), 'PATCH', '/v1/rooms/lab-a', 'olga', { slowModeSeconds: 0 });
  const olga = sdkClient(cluster.url(0), 'olga');
  await olga.client.joinRoom('lab-a');
  await olga.client.send('lab-a', 'after max left');
  await bea.presentedCount('lab-a', 1);
  expect(bea.contents('lab-a')).toEqual(['after max left']);
  expect(max.contents('lab-a')).toEqual([]);
});

test("a blocked user's messages are not presented, from history or live, and unblocking shows the next ones", async () => {
  await createRoom(cluster.url(0), 'tia', 'club-b', ['troll', 'ned']);
  const troll = sdkClient(cluster.url(0), 'troll');
  const ned = sdkClient(cluster.url(0), 'ned');
  await Promise.all([troll.client.joinRoom('club-b'), ned.client.joinRoom('club-b')]);
  await troll.client.send('club-b', 'troll before');
  await ned.client.send('club-b', 'ned before');

  const first = sdkClient(cluster.url(1), 'tia');
  await expect(first.client.blockUser('troll')).resolves.toEqual(['troll']);
  await first.client.close();

  // A new client learns the list from the gateway before the room's history is presented.
  const tia = sdkClient(cluster.url(1), 'tia');
  await expect(tia.client.loadBlocks()).resolves.toEqual(['troll']);
  await tia.client.joinRoom('club-b');
  await troll.client.send('club-b', 'troll live');
  await ned.client.send('club-b', 'ned live');
  await eventually(() => tia.contents('club-b').includes('ned live'), 'tia to be shown ned live');
  expect(tia.contents('club-b')).toEqual(['ned before', 'ned live']);

  await expect(tia.client.unblockUser('troll')).resolves.toEqual([]);
  await troll.client.send('club-b', 'troll after unblock');
  await eventually(() => tia.contents('club-b').includes('troll after unblock'), 'tia to be shown the unblocked message');

  const unfiltered = sdkClient(cluster.url(1), 'tia', { hideBlockedUsers: false });
  await unfiltered.client.blockUser('troll');
  await unfiltered.client.joinRoom('club-b');
  await unfiltered.presentedCount('club-b', 5);
  expect(unfiltered.contents('club-b')).toContain('troll live');
});
