import type { Attachment } from '@campzone/protocol';
import { h } from './dom-element';

/** Fetches an attachment path with the session's token (an <img src> cannot send one). */
export type AttachmentFetcher = (path: string) => Promise<Blob>;

const sizeFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

/**
 * A message's attachments: images inline as their thumbnail (click opens the full image),
 * other files as a download card with name and size. Bytes come through the authenticated
 * fetcher and are shown from blob: URLs.
 */
export function renderAttachments(container: HTMLElement, attachments: Attachment[] | undefined, fetcher: AttachmentFetcher): void {
  const key = (attachments ?? []).map((a) => a.attachmentId).join(' ');
  if (container.dataset.key === key) return;
  container.dataset.key = key;
  container.hidden = key === '';
  container.replaceChildren(
    ...(attachments ?? []).map((a) => (a.contentType.startsWith('image/') ? imageOf(a, fetcher) : cardOf(a, fetcher))),
  );
}

function imageOf(attachment: Attachment, fetcher: AttachmentFetcher): HTMLElement {
  const img = h('img', { className: 'attachment-image', attrs: { alt: attachment.name } });
  if (attachment.width && attachment.height) {
    img.width = Math.min(320, attachment.width);
    img.height = Math.round((img.width * attachment.height) / attachment.width);
  }
  const original = `/v1/attachments/${encodeURIComponent(attachment.attachmentId)}`;
  fetcher(attachment.thumbnail ?? original)
    .then((blob) => {
      img.src = URL.createObjectURL(blob);
    })
    .catch(() => {
      img.alt = `${attachment.name} (could not be loaded)`;
    });
  const open = h('button', { className: 'attachment-open', attrs: { type: 'button', 'aria-label': `Open ${attachment.name}` } }, img);
  open.addEventListener('click', () => void fetcher(original).then((blob) => window.open(URL.createObjectURL(blob), '_blank', 'noopener')));
  return open;
}

function cardOf(attachment: Attachment, fetcher: AttachmentFetcher): HTMLElement {
  const download = h('button', { className: 'small', attrs: { type: 'button' } }, 'Download');
  download.addEventListener('click', () => {
    void fetcher(`/v1/attachments/${encodeURIComponent(attachment.attachmentId)}`).then((blob) => {
      const link = h('a', { attrs: { href: URL.createObjectURL(blob), download: attachment.name } });
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    });
  });
  return h(
    'div',
    { className: 'file-card' },
    h('span', { className: 'file-name' }, attachment.name),
    h('span', { className: 'file-size' }, humanSize(attachment.size)),
    download,
  );
}

export function humanSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${sizeFormat.format(bytes / 1024)} KiB`;
  return `${sizeFormat.format(bytes / (1024 * 1024))} MiB`;
}
