import { Readable } from 'node:stream';
import { compile, type ScanVerdict, ScanVerdictSchema } from '@campzone/protocol';

const verdict = compile(ScanVerdictSchema);

export interface ScanRequest {
  roomId: string;
  attachmentId: string;
  contentType: string;
  body: Readable;
}

/**
 * ATTACHMENT_SCAN_URL: POSTs the file's bytes (streamed) and reads `{result: clean | infected}`.
 * Any other answer, a non-2xx status or a timeout throws, so the job retries rather than
 * letting an unscanned file through.
 */
export async function scanAttachment(url: string, timeoutMs: number, request: ScanRequest): Promise<ScanVerdict> {
  const answer = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': request.contentType,
      'x-campzone-attachment-id': request.attachmentId,
      'x-campzone-room-id': request.roomId,
    },
    body: Readable.toWeb(request.body) as ReadableStream,
    duplex: 'half',
    redirect: 'error',
    signal: AbortSignal.timeout(timeoutMs),
  } as RequestInit);
  if (!answer.ok) throw new Error(`scan hook answered ${answer.status}`);
  const parsed: unknown = await answer.json().catch(() => undefined);
  if (!verdict.check(parsed)) throw new Error('scan hook answered something other than {"result": "clean" | "infected"}');
  return parsed;
}
