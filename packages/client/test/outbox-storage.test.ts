import { IdempotencyKeySchema } from '@campzone/protocol';
import type { OutboxRecord } from '../src/outbox-record';
import { browserLocalStorage, type KeyValueStorage, webStorageOutbox } from '../src/outbox-storage';

class MapStorage implements KeyValueStorage {
  readonly map = new Map<string, string>();
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.map.set(key, value);
  }
  removeItem(key: string): void {
    this.map.delete(key);
  }
}

const sample: OutboxRecord = {
  idempotencyKey: 'alice-1700000000000-0.25',
  roomId: 'room-a',
  content: 'hello',
  messageType: 'text',
  lamportTimestamp: 3,
  createdAt: 1_700_000_000_000,
  expiresAt: 1_700_003_600_000,
  attempts: 1,
};

describe('webStorageOutbox', () => {
  it('round-trips records through one key', () => {
    const kv = new MapStorage();
    const storage = webStorageOutbox(kv, 'campzone:outbox:alice');
    storage.save([sample]);
    expect([...kv.map.keys()]).toEqual(['campzone:outbox:alice']);
    expect(webStorageOutbox(kv, 'campzone:outbox:alice').load()).toEqual([sample]);
    expect(webStorageOutbox(kv, 'campzone:outbox:bob').load()).toEqual([]);
  });

  it('removes the key when the outbox is empty', () => {
    const kv = new MapStorage();
    const storage = webStorageOutbox(kv, 'k');
    storage.save([sample]);
    storage.save([]);
    expect(kv.map.size).toBe(0);
  });

  it('ignores garbage, other versions and malformed records instead of throwing', () => {
    const kv = new MapStorage();
    const storage = webStorageOutbox(kv, 'k');
    kv.setItem('k', '{not json');
    expect(storage.load()).toEqual([]);
    kv.setItem('k', JSON.stringify({ v: 99, records: [sample] }));
    expect(storage.load()).toEqual([]);
    kv.setItem('k', JSON.stringify({ v: 1, records: [sample, { ...sample, attempts: -1 }, { ...sample, messageType: 'system' }, 42] }));
    expect(storage.load()).toEqual([sample]);
  });
});

describe('browserLocalStorage', () => {
  it('is undefined in Node 20, which has no localStorage', () => {
    expect(browserLocalStorage()).toBeUndefined();
  });
});

describe('idempotency keys in records', () => {
  it('use a format the protocol accepts', () => {
    expect(new RegExp(IdempotencyKeySchema.pattern!).test(sample.idempotencyKey)).toBe(true);
  });
});
