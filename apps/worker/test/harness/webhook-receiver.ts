import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** A real HTTP server standing in for a campus integration: records every request, answers as told per path. */
export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  /** Per path, the statuses to answer in turn; the last one repeats. Unplanned paths answer 200. */
  private readonly plans = new Map<string, { statuses: number[]; location?: string }>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<WebhookReceiver> {
    const server = createServer();
    const receiver = new WebhookReceiver(server);
    server.on('request', (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        const path = request.url ?? '/';
        receiver.requests.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
        const plan = receiver.plans.get(path);
        const status = plan ? (plan.statuses.length > 1 ? (plan.statuses.shift() ?? 200) : (plan.statuses[0] ?? 200)) : 200;
        response.writeHead(status, plan?.location ? { location: plan.location } : {});
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  answer(path: string, statuses: number[], location?: string): void {
    this.plans.set(path, { statuses: [...statuses], ...(location ? { location } : {}) });
  }

  at(path: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
