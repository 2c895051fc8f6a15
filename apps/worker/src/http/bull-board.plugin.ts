import { timingSafeEqual } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';

export const BULL_BOARD_PATH = '/admin/queues';

export interface BullBoardOptions {
  queues: Queue[];
  user: string;
  password: string;
}

/**
 * Bull Board at /admin/queues, behind HTTP Basic auth: it can retry, promote and delete jobs,
 * so it is off unless BULL_BOARD_ENABLED and both credentials are set (config checks that).
 */
export const bullBoardPlugin: FastifyPluginAsync<BullBoardOptions> = async (app, options) => {
  const expected = Buffer.from(`Basic ${Buffer.from(`${options.user}:${options.password}`).toString('base64')}`);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const given = Buffer.from(request.headers.authorization ?? '');
    // Constant time, so the comparison does not leak how much of a guess was right.
    if (given.length === expected.length && timingSafeEqual(given, expected)) return;
    await reply.code(401).header('www-authenticate', 'Basic realm="campzone-worker", charset="UTF-8"').send({ error: 'unauthorized' });
  });
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({ queues: options.queues.map((q) => new BullMQAdapter(q)), serverAdapter });
  await app.register(serverAdapter.registerPlugin(), { prefix: BULL_BOARD_PATH });
};
