import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AttachmentInfo } from '@campzone/protocol';
import sharp from 'sharp';

/** A real PNG of the given size (sharp encodes it). */
export function pngOf(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#3366cc' } })
    .png()
    .toBuffer();
}

export interface Upload {
  status: number;
  body: AttachmentInfo & { error?: { code: string; message: string } };
}

/** POST /v1/rooms/:roomId/attachments as multipart, the way a browser's FormData sends it. */
export async function upload(
  url: string,
  token: string,
  roomId: string,
  bytes: Buffer,
  name: string,
  type = 'application/octet-stream',
): Promise<Upload> {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type }), name);
  const answer = await fetch(`${url}/v1/rooms/${roomId}/attachments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  return { status: answer.status, body: (await answer.json()) as Upload['body'] };
}

export function authGet(url: string, token: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, headers: { authorization: `Bearer ${token}` } });
}

/**
 * A scan hook: bodies containing `EICAR` are infected, bodies containing `HOLD` wait until
 * release() (to keep an attachment pending), everything else is clean. Counts what it scanned.
 */
export class ScanHook {
  scanned = 0;
  private held: Array<() => void> = [];

  private constructor(private readonly server: Server) {}

  static async start(): Promise<ScanHook> {
    let hook: ScanHook | undefined;
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('latin1');
        const answer = () => {
          if (hook) hook.scanned++;
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(
            JSON.stringify(body.includes('EICAR') ? { result: 'infected', reason: 'EICAR-Test-Signature' } : { result: 'clean' }),
          );
        };
        if (body.includes('HOLD') && hook) hook.held.push(answer);
        else answer();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    hook = new ScanHook(server);
    return hook;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/scan`;
  }

  get holding(): number {
    return this.held.length;
  }

  release(): void {
    for (const answer of this.held.splice(0)) answer();
  }

  async stop(): Promise<void> {
    this.release();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
