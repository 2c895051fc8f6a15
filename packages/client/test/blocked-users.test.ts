import { clientHarness } from './client-harness';
import { FakeBlocksApi } from './fake-blocks-api';
import { FakeGateway } from './fake-gateway';
import { settle } from './fake-scheduler';

async function harness(api = new FakeBlocksApi(), gateway = new FakeGateway(), hideBlockedUsers?: boolean) {
  const h = await clientHarness({ fetch: api.fetch, ...(hideBlockedUsers === undefined ? {} : { hideBlockedUsers }) }, gateway);
  return { ...h, api };
}

describe('ChatClient blocked users', () => {
  it("loads the block list with the client's token and hides blocked senders' messages, live and from history", async () => {
    const api = new FakeBlocksApi();
    api.blocked.add('troll');
    const gateway = new FakeGateway();
    gateway.storeFrom('troll', 'room-a', 'old troll');
    gateway.storeFrom('bob', 'room-a', 'old bob');
    const { client, shown } = await harness(api, gateway);
    await expect(client.loadBlocks()).resolves.toEqual(['troll']);
    expect(api.calls).toEqual([{ method: 'GET', url: 'http://gateway.test/v1/users/me/blocks', authorization: 'Bearer jwt' }]);
    await client.joinRoom('room-a');
    gateway.say('troll', 'room-a', 'live troll');
    gateway.say('bob', 'room-a', 'live bob');
    expect(shown()).toEqual(['old bob', 'live bob']);
    expect(client.cursor('room-a')).toBe(4); // hidden, not missing: the room still moves on
  });

  it('a room joined while the list loads waits for it, so nothing it must hide is presented', async () => {
    const api = new FakeBlocksApi();
    api.blocked.add('troll');
    api.hold();
    const gateway = new FakeGateway();
    gateway.storeFrom('troll', 'room-a', 'from troll');
    gateway.storeFrom('bob', 'room-a', 'from bob');
    const { client, shown } = await harness(api, gateway);
    const loading = client.loadBlocks();
    const joining = client.joinRoom('room-a');
    await settle();
    expect(shown()).toEqual([]);
    api.release();
    await Promise.all([loading, joining]);
    expect(shown()).toEqual(['from bob']);
  });

  it('blockUser and unblockUser keep the list, report each change, and apply to the next messages', async () => {
    const { client, gateway, shown, api } = await harness();
    const changes: string[][] = [];
    client.on('blocks', (blocked) => changes.push(blocked));
    await client.joinRoom('room-a');
    await expect(client.blockUser('troll')).resolves.toEqual(['troll']);
    gateway.say('troll', 'room-a', 'while blocked');
    await expect(client.unblockUser('troll')).resolves.toEqual([]);
    gateway.say('troll', 'room-a', 'after unblocking');
    expect(shown()).toEqual(['after unblocking']);
    expect(changes).toEqual([['troll'], []]);
    expect(client.blockedUsers).toEqual([]);
    expect(api.calls.map((c) => [c.method, new URL(c.url).pathname, c.body])).toEqual([
      ['POST', '/v1/users/me/blocks', { userId: 'troll' }],
      ['DELETE', '/v1/users/me/blocks/troll', undefined],
    ]);
  });

  it('a refused block rejects with the protocol code and changes nothing', async () => {
    const { client } = await harness();
    await expect(client.blockUser('alice')).rejects.toMatchObject({ code: 'VALIDATION_FAILED', source: 'server' });
    expect(client.blockedUsers).toEqual([]);
  });

  it('with hideBlockedUsers: false, presents every message and still knows the list', async () => {
    const api = new FakeBlocksApi();
    api.blocked.add('troll');
    const { client, gateway, shown } = await harness(api, new FakeGateway(), false);
    await client.loadBlocks();
    await client.joinRoom('room-a');
    gateway.say('troll', 'room-a', 'shown anyway');
    expect(shown()).toEqual(['shown anyway']);
    expect(client.blockedUsers).toEqual(['troll']);
  });

  it('an unreachable gateway rejects loadBlocks as UNAVAILABLE, and joining a room does not hang on it', async () => {
    const { client, gateway, shown } = await clientHarness({
      fetch: () => Promise.reject(new TypeError('fetch failed')),
    });
    await expect(client.loadBlocks()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await client.joinRoom('room-a');
    gateway.say('bob', 'room-a', 'hello');
    expect(shown()).toEqual(['hello']);
  });
});
