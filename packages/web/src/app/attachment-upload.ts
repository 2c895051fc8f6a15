import type { AttachmentInfo } from '@campzone/protocol';
import { ApiError } from './rest-api';

/**
 * Uploads one file as multipart with progress (fetch reports none for uploads, XHR does), then
 * polls its status until the worker has settled it: only a ready attachment can be sent.
 */
export class AttachmentUploader {
  constructor(private readonly token: string) {}

  upload(roomId: string, file: File, onProgress: (fraction: number) => void): Promise<AttachmentInfo> {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', `/v1/rooms/${encodeURIComponent(roomId)}/attachments`);
      xhr.setRequestHeader('authorization', `Bearer ${this.token}`);
      xhr.responseType = 'json';
      xhr.upload.addEventListener('progress', (event) => {
        if (event.lengthComputable) onProgress(event.loaded / event.total);
      });
      xhr.addEventListener('load', () => {
        const body: unknown = xhr.response;
        if (xhr.status === 201 && isInfo(body)) resolve(body);
        else reject(refusal(xhr.status, body));
      });
      xhr.addEventListener('error', () => reject(new ApiError(0, 'UNAVAILABLE', 'the upload did not reach the server')));
      const form = new FormData();
      form.append('file', file, file.name || 'pasted-image.png');
      xhr.send(form);
    });
  }

  /** Resolves once the attachment is ready; rejects if it was quarantined or never settles. */
  async settled(roomId: string, attachmentId: string, timeoutMs = 120_000): Promise<AttachmentInfo> {
    const deadline = Date.now() + timeoutMs;
    for (let delay = 200; Date.now() < deadline; delay = Math.min(delay * 2, 2000)) {
      const response = await fetch(`/v1/rooms/${encodeURIComponent(roomId)}/attachments/${encodeURIComponent(attachmentId)}`, {
        headers: { authorization: `Bearer ${this.token}` },
      });
      const body: unknown = await response.json().catch(() => undefined);
      if (!response.ok) throw refusal(response.status, body);
      if (isInfo(body) && body.status === 'ready') return body;
      if (isInfo(body) && body.status === 'quarantined') {
        throw new ApiError(403, 'FORBIDDEN', `quarantined: ${body.reason ?? 'the scan refused it'}`);
      }
      await new Promise((r) => setTimeout(r, delay));
    }
    throw new ApiError(0, 'UNAVAILABLE', 'the file is still being processed; try again later');
  }
}

function isInfo(value: unknown): value is AttachmentInfo {
  return typeof value === 'object' && value !== null && typeof (value as AttachmentInfo).attachmentId === 'string';
}

function refusal(status: number, body: unknown): ApiError {
  const error = typeof body === 'object' && body !== null ? (body as { error?: { code?: unknown; message?: unknown } }).error : undefined;
  const message = typeof error?.message === 'string' ? error.message : `upload failed (${status})`;
  return new ApiError(status, typeof error?.code === 'string' ? error.code : 'INTERNAL', message);
}
