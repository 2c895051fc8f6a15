import { clientHarness } from './client-harness';
import { FakeGateway } from './fake-gateway';

describe('ChatClient room moderation events', () => {
  it('on its own removal, reports participant_removed and stops syncing and presenting the room', async () => {
    const { gateway, client, shown, scheduler } = await clientHarness();
    const removals: unknown[] = [];
    client.on('participant_removed', (event) => removals.push(event));
    await client.joinRoom('room-a');
    gateway.say('bob', 'room-a', 'before');
    const syncsBefore = gateway.sent('sync').length;

    gateway.push({ event: 'participant_removed', payload: { roomId: 'room-a', userId: 'alice', by: 'bob' } });
    gateway.say('bob', 'room-a', 'after'); // a broadcast already on its way
    gateway.storeFrom('bob', 'room-a', 'missed');
    gateway.drop();
    gateway.accept(); // a reconnect syncs tracked rooms: this one is not any more
    await scheduler.advance(5000);

    expect(removals).toEqual([{ roomId: 'room-a', userId: 'alice', by: 'bob', self: true }]);
    expect(shown()).toEqual(['before']);
    expect(client.rooms).toEqual([]);
    expect(gateway.sent('sync').length).toBe(syncsBefore);
    expect(gateway.sent('join_room')).toEqual([{ roomId: 'room-a' }]);
  });

  it("reports another member's removal and keeps presenting the room", async () => {
    const { gateway, client, shown } = await clientHarness();
    const removals: unknown[] = [];
    client.on('participant_removed', (event) => removals.push(event));
    await client.joinRoom('room-a');
    gateway.push({ event: 'participant_removed', payload: { roomId: 'room-a', userId: 'carol', by: 'bob' } });
    gateway.say('bob', 'room-a', 'still here');
    expect(removals).toEqual([{ roomId: 'room-a', userId: 'carol', by: 'bob', self: false }]);
    expect(shown()).toEqual(['still here']);
    expect(client.rooms).toEqual(['room-a']);
  });

  it('passes room_updated on as the room now is', async () => {
    const { gateway, client } = await clientHarness();
    const updates: unknown[] = [];
    client.on('room_updated', (event) => updates.push(event));
    const room = {
      roomId: 'room-a',
      roomName: 'CS 101',
      postingPolicy: 'admins',
      slowModeSeconds: 30,
      archived: false,
      by: 'bob',
    } as const;
    gateway.push({ event: 'room_updated', payload: room });
    expect(updates).toEqual([room]);
  });

  it('reports a slow-mode refusal with the wait the gateway gave, then sends when it is over', async () => {
    const gateway = new FakeGateway();
    let refused = false;
    gateway.override = (event) => {
      if (event !== 'send_message' || refused) return undefined;
      refused = true;
      return {
        ok: false,
        error: { code: 'RATE_LIMITED', message: 'slow mode: one message per 30 s in room room-a; retry in 12000 ms', retryAfterMs: 12_000 },
      };
    };
    const { client, scheduler } = await clientHarness({}, gateway);
    const retries: Array<{ localId: string; code: string; retryInMs: number }> = [];
    client.on('send_retrying', ({ localId, error, retryInMs }) => retries.push({ localId, code: error.code, retryInMs }));
    const sending = client.send('room-a', 'hello');
    await scheduler.advance(0);
    expect(retries).toEqual([{ localId: sending.localId, code: 'RATE_LIMITED', retryInMs: 12_000 }]);
    expect(gateway.sent('send_message')).toHaveLength(1);
    await scheduler.advance(11_999);
    expect(gateway.sent('send_message')).toHaveLength(1);
    await scheduler.advance(1);
    await expect(sending).resolves.toMatchObject({ roomId: 'room-a', seq: 1 });
  });
});
