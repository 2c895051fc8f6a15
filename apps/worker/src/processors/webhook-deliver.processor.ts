import { EVENT_HEADER, EVENT_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '@campzone/protocol';
import {
  JobName,
  payloadParser,
  QueueName,
  resolveWebhookTarget,
  WebhookDeliverJobSchema,
  WebhookTargetError,
  webhookSignature,
} from '@campzone/queue';
import { ObjectId, type WebhookDeliveryLogRepository, type WebhookRepository } from '@campzone/store';
import { type Job, UnrecoverableError } from 'bullmq';
import type { WorkerMetrics } from '../observability/metrics';
import { postWebhook } from '../webhooks/webhook-sender';
import type { JobRun } from './job-run';

const parser = payloadParser(WebhookDeliverJobSchema, `${QueueName.webhooks}/${JobName.webhookDeliver}`);

export interface WebhookDeliverDeps {
  webhooks: Pick<WebhookRepository, 'find' | 'markActive' | 'markFailing'>;
  log: Pick<WebhookDeliveryLogRepository, 'append'>;
  /** WEBHOOK_ALLOWED_HOSTS, WEBHOOK_TIMEOUT_MS, WEBHOOK_DELIVERY_LOG_MAX. */
  allowedHosts: readonly string[];
  timeoutMs: number;
  logMax: number;
  post?: typeof postWebhook;
  metrics: Pick<WorkerMetrics, 'webhookAttempts'>;
}

interface Outcome {
  ok: boolean;
  statusCode?: number;
  error?: string;
  /** Retrying cannot help (the address is refused): no further attempt. */
  permanent: boolean;
}

/**
 * One attempt to deliver one event to one webhook: the URL is checked again (DNS may have moved
 * it), the body signed with a fresh timestamp, the attempt written to the delivery log. A
 * failure is thrown for BullMQ to retry with backoff; after the last attempt the webhook is
 * marked failing, and a later success marks it active again.
 */
export function webhookDeliverProcessor(deps: WebhookDeliverDeps) {
  const post = deps.post ?? postWebhook;
  return async (job: Job, run: JobRun) => {
    const data = parser.parse(job.data);
    const webhook = await deps.webhooks.find(data.webhookId);
    if (!webhook) return { skipped: 'webhook deleted' };
    const attempt = job.attemptsMade + 1;
    const maxAttempts = job.opts.attempts ?? 1;
    const started = performance.now();
    const outcome = await attemptDelivery(webhook.url, webhook.secret, data, deps, post);
    const final = outcome.ok || outcome.permanent || attempt >= maxAttempts;
    const error = outcome.error ?? 'failed';
    // The status moves before the attempt is logged: whoever reads a final attempt in the log
    // finds the webhook's status already following it.
    if (outcome.ok) {
      if (webhook.status === 'failing') await deps.webhooks.markActive(data.webhookId);
    } else if (final) await deps.webhooks.markFailing(data.webhookId, `${data.event} ${data.eventId}: ${error}`);
    await deps.log.append(
      {
        webhookId: new ObjectId(data.webhookId),
        eventId: data.eventId,
        event: data.event,
        attempt,
        at: new Date(),
        ok: outcome.ok,
        ...(outcome.statusCode === undefined ? {} : { statusCode: outcome.statusCode }),
        ...(outcome.error === undefined ? {} : { error: outcome.error }),
        durationMs: Math.round(performance.now() - started),
        final,
      },
      deps.logMax,
    );
    const logged = { webhookId: data.webhookId, eventId: data.eventId, attempt, statusCode: outcome.statusCode };
    if (outcome.ok) {
      deps.metrics.webhookAttempts.inc({ outcome: 'delivered' });
      return { delivered: true, attempt, statusCode: outcome.statusCode };
    }
    if (!final) {
      deps.metrics.webhookAttempts.inc({ outcome: 'retry' });
      run.logger.info({ ...logged, err: error }, 'webhook attempt failed; retried with backoff');
      throw new Error(error);
    }
    deps.metrics.webhookAttempts.inc({ outcome: outcome.permanent ? 'refused' : 'failed' });
    run.logger.warn({ ...logged, err: error }, 'webhook delivery gave up; webhook marked failing');
    throw new UnrecoverableError(error);
  };
}

async function attemptDelivery(
  url: string,
  secret: string,
  data: { eventId: string; event: string; body: string },
  deps: WebhookDeliverDeps,
  post: typeof postWebhook,
): Promise<Outcome> {
  try {
    const target = await resolveWebhookTarget(url, deps.allowedHosts);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const { statusCode } = await post(
      target,
      data.body,
      {
        'user-agent': 'CampZone-Webhooks/1',
        [TIMESTAMP_HEADER]: timestamp,
        [SIGNATURE_HEADER]: webhookSignature(secret, timestamp, data.body),
        [EVENT_HEADER]: data.event,
        [EVENT_ID_HEADER]: data.eventId,
      },
      deps.timeoutMs,
    );
    if (statusCode >= 200 && statusCode < 300) return { ok: true, statusCode, permanent: false };
    if (statusCode >= 300 && statusCode < 400)
      return { ok: false, statusCode, error: `redirect (${statusCode}) not followed`, permanent: false };
    return { ok: false, statusCode, error: `receiver answered ${statusCode}`, permanent: false };
  } catch (err) {
    if (err instanceof WebhookTargetError) return { ok: false, error: `refused: ${err.message}`, permanent: err.permanent };
    return { ok: false, error: err instanceof Error ? err.message : String(err), permanent: false };
  }
}
