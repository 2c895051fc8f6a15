import { createPostgresDatabase, type MongoWireServer, type PostgresDatabase, startMongoWire } from '@campzone/testkit';

/** Which FerretDB backend a run owns: SQLite (embedded, the default) or PostgreSQL (the local server). */
export type StoreKind = 'sqlite' | 'pg';

export const STORE_USAGE = `--store KIND        sqlite (FerretDB on SQLite, default) or pg (FerretDB on PostgreSQL;
                      --postgres-url, default postgres://postgres@127.0.0.1:5432/postgres,
                      gets a fresh database that is dropped at the end)`;

/** The problem with a --store value, or undefined when it names a backend. */
export function storeProblem(store: string): string | undefined {
  return store === 'sqlite' || store === 'pg' ? undefined : `--store must be sqlite or pg (got ${store})`;
}

export interface OwnedStore {
  readonly mongo: MongoWireServer;
  /** The PostgreSQL database behind FerretDB, when the backend is pg. */
  readonly postgres: PostgresDatabase | undefined;
  /** Stops the server and drops its PostgreSQL database. */
  stop(): Promise<void>;
}

/** A MongoDB-wire server owned by this run (so a scenario may kill it), on the chosen backend. */
export async function startOwnedStore(store: StoreKind, postgresUrl: string | undefined, log: (line: string) => void): Promise<OwnedStore> {
  const postgres = store === 'pg' ? await createPostgresDatabase(postgresUrl) : undefined;
  if (postgres) log(`FerretDB on PostgreSQL, fresh database ${postgres.name}`);
  try {
    const mongo = await startMongoWire({ log: (l) => log(`mongo: ${l}`), ...(postgres ? { postgresUrl: postgres.url } : {}) });
    return {
      mongo,
      postgres,
      stop: async () => {
        await mongo.stop().catch(() => undefined);
        await postgres?.drop();
      },
    };
  } catch (err) {
    await postgres?.drop();
    throw err;
  }
}
