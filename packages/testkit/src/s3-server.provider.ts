import { type LocalServer, startLocalServer } from './local-server.supervisor';
import { waitForHttpOk } from './readiness.probe';
import { installS3Server, type S3ServerInstallOptions } from './s3-server.installer';
import { ServicesUnavailableError } from './services-unavailable.error';

export interface S3Server extends LocalServer {
  /** Created at start. */
  readonly bucket: string;
  readonly region: string;
  /** gofakes3 accepts any credentials; these are what the tests configure. */
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface StartS3ServerOptions extends S3ServerInstallOptions {
  bucket?: string;
}

/**
 * A fresh S3-compatible server (gofakes3, in memory, path-style) on a free 127.0.0.1 port, built
 * with Go on first use like FerretDB. It serves presigned URLs but does not check signatures.
 */
export async function startS3Server(options: StartS3ServerOptions = {}): Promise<S3Server> {
  const binary = await installS3Server(options);
  if (!binary) throw new ServicesUnavailableError(['s3']);
  const bucket = options.bucket ?? 'campzone-test';
  const server = await startLocalServer({
    name: 'gofakes3',
    command: binary,
    args: (port) => ['-host', `127.0.0.1:${port}`, '-backend', 'memory', '-initialbucket', bucket, '-quiet'],
    url: (port) => `http://127.0.0.1:${port}`,
    ready: (port, process) => waitForHttpOk(`http://127.0.0.1:${port}/`, { timeoutMs: 20_000, gaveUp: () => !process.running }),
  });
  return Object.assign(server, { bucket, region: 'us-east-1', accessKeyId: 'campzone', secretAccessKey: 'campzone-secret' });
}
