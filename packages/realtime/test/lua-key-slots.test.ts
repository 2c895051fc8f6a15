import { CrossSlotScriptError, crc16, keySlot, LuaRunner, RedisKeys, type ScriptClient, sameSlot } from '../src';

describe('keySlot (Redis Cluster specification)', () => {
  test("CRC16 is XMODEM: the specification's check value", () => {
    expect(crc16(Buffer.from('123456789'))).toBe(0x31c3);
  });

  test('a hash tag decides the slot; an empty tag does not count', () => {
    expect(keySlot('{user1000}.following')).toBe(keySlot('{user1000}.followers'));
    expect(keySlot('{user1000}.following')).toBe(keySlot('user1000'));
    expect(keySlot('foo{}{bar}')).toBe(crc16(Buffer.from('foo{}{bar}')) % 16_384);
    expect(keySlot('foo{{bar}}zap')).toBe(keySlot('{bar'));
    expect(keySlot('foo{bar}{zap}')).toBe(keySlot('bar'));
  });

  test("the keys a room's scripts share land in one slot", () => {
    const keys = new RedisKeys('cz');
    const slot = keySlot(keys.roomCounters('r1'));
    for (const key of [
      keys.idempotency('r1', 'u', 'k'),
      keys.messageLock('r1', 'm'),
      keys.revsInFlight('r1'),
      keys.deliveredCursors('r1'),
    ]) {
      expect(keySlot(key)).toBe(slot);
    }
    expect(keySlot(keys.presencePods())).toBe(keySlot(keys.presencePod('pod-1')));
    expect(keySlot(keys.presenceOnline())).toBe(keySlot(keys.presencePods()));
    expect(keySlot(keys.typingExpiries())).toBe(keySlot(keys.typingAnnounced()));
  });
});

describe('sameSlot', () => {
  test('keys agree by hash tag, or by slot when their tags differ', () => {
    expect(sameSlot([])).toBe(true);
    expect(sameSlot(['{r1}:counters', '{r1}:idem:u:k', 'r1'])).toBe(true);
    expect(sameSlot(['{r1}:counters', '{r2}:counters'])).toBe(keySlot('r1') === keySlot('r2'));
    expect(sameSlot(['foo{}{bar}', 'foo{}{bar}'])).toBe(true);
    // Two different tags that Redis Cluster still puts in one slot.
    const slot = keySlot('r1');
    let twin = 0;
    while (keySlot(`t${twin}`) !== slot) twin++;
    expect(sameSlot(['{r1}:a', `{t${twin}}:b`])).toBe(true);
    expect(sameSlot(['{r1}:a', `{t${twin + 1}}:b`])).toBe(keySlot(`t${twin + 1}`) === slot);
  });
});

describe('LuaRunner', () => {
  const calls: string[][] = [];
  const client: ScriptClient = {
    evalSha: (async (_sha: string, options: { keys: string[] }) => {
      calls.push(options.keys);
      return 1;
    }) as ScriptClient['evalSha'],
    eval: (async () => 1) as ScriptClient['eval'],
  };

  test('fails a call whose keys are in two slots, naming the script, and sends nothing', async () => {
    const runner = new LuaRunner(client);
    const keys = new RedisKeys('cz');
    const call = runner.run('allocateMessage', [keys.roomCounters('room-a'), keys.idempotency('room-b', 'u', 'k')], [1, 2]);
    await expect(call).rejects.toBeInstanceOf(CrossSlotScriptError);
    await expect(call).rejects.toThrow(/^Lua allocateMessage was called with keys in different Redis Cluster slots/);
    expect(calls).toEqual([]);
  });

  test('runs a call whose keys share a hash tag', async () => {
    const runner = new LuaRunner(client);
    const keys = new RedisKeys('cz');
    await runner.run('allocateMessage', [keys.roomCounters('room-a'), keys.idempotency('room-a', 'u', 'k')], [1, 2]);
    expect(calls).toHaveLength(1);
  });
});
