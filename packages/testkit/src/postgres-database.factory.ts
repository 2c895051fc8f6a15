import { randomBytes } from 'node:crypto';
import { runCommand } from './command.runner';

export interface PostgresDatabase {
  /** postgres://... of the new database. */
  readonly url: string;
  readonly name: string;
  /** Drops the database (FORCE: FerretDB may still hold connections). */
  drop(): Promise<void>;
}

/**
 * A fresh, uniquely named database on a PostgreSQL server (default the local one with trust
 * auth), made with `createdb`/`dropdb` so no PostgreSQL client library is needed.
 */
export async function createPostgresDatabase(serverUrl = 'postgres://postgres@127.0.0.1:5432/postgres'): Promise<PostgresDatabase> {
  const server = new URL(serverUrl);
  const name = `campzone_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const connection = ['-h', server.hostname, '-p', server.port || '5432', '-U', decodeURIComponent(server.username || 'postgres')];
  const env = { ...process.env, ...(server.password ? { PGPASSWORD: decodeURIComponent(server.password) } : {}) };
  const created = await runCommand('createdb', [...connection, name], { env, timeoutMs: 30_000 });
  if (created.code !== 0) throw new Error(`createdb ${name} failed (exit ${created.code}): ${created.stderr.trim()}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      await runCommand('dropdb', [...connection, '--force', '--if-exists', name], { env, timeoutMs: 30_000 });
    },
  };
}
