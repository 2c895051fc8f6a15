import { type OutboxRecord, parseOutboxRecord } from './outbox-record';

/** Where the outbox keeps unacknowledged sends so a reload or a crash loses none of them. */
export interface OutboxStorage {
  load(): readonly OutboxRecord[] | Promise<readonly OutboxRecord[]>;
  save(records: readonly OutboxRecord[]): void | Promise<void>;
}

/** The part of the Web Storage API we use (localStorage, sessionStorage, or a Node stand-in). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const FORMAT_VERSION = 1;

/** Keeps the outbox as one JSON document under `key` (one key per user: see the client). */
export function webStorageOutbox(storage: KeyValueStorage, key: string): OutboxStorage {
  return {
    load() {
      const raw = storage.getItem(key);
      if (!raw) return [];
      let doc: unknown;
      try {
        doc = JSON.parse(raw);
      } catch {
        return [];
      }
      if (typeof doc !== 'object' || doc === null) return [];
      const { v, records } = doc as { v?: unknown; records?: unknown };
      if (v !== FORMAT_VERSION || !Array.isArray(records)) return [];
      return records.map(parseOutboxRecord).filter((r): r is OutboxRecord => r !== undefined);
    },
    save(records) {
      if (records.length === 0) storage.removeItem(key);
      else storage.setItem(key, JSON.stringify({ v: FORMAT_VERSION, records }));
    },
  };
}

/** An in-memory storage: for tests, and for Node processes that want the outbox's API only. */
export function memoryOutboxStorage(initial: readonly OutboxRecord[] = []): OutboxStorage & { readonly records: OutboxRecord[] } {
  const state = { records: initial.map((r) => ({ ...r })) };
  return {
    get records() {
      return state.records;
    },
    load: () => state.records.map((r) => ({ ...r })),
    save(records) {
      state.records = records.map((r) => ({ ...r }));
    },
  };
}

/** `localStorage` when the platform has a working one (browsers; not Node, not private modes that throw). */
export function browserLocalStorage(): KeyValueStorage | undefined {
  try {
    const candidate = (globalThis as { localStorage?: KeyValueStorage }).localStorage;
    if (!candidate) return undefined;
    const probe = '__campzone_probe__';
    candidate.setItem(probe, '1');
    candidate.removeItem(probe);
    return candidate;
  } catch {
    return undefined;
  }
}
