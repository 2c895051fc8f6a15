import type { DeliveryStatus } from '@campzone/client';

// What a sender sees next to their own message. Statuses reach the page from several sources
// (the send's ack, receipts, rollups) in any order; the mark only ever moves forward.

const RANK: Record<Exclude<DeliveryStatus, 'failed'>, number> = { sending: 0, sent: 1, delivered: 2, read: 3 };

/** The status after `next` arrives: forward only; `failed` only before the server stored it, and a retry clears it. */
export function mergeStatus(current: DeliveryStatus | undefined, next: DeliveryStatus): DeliveryStatus {
  if (current === undefined) return next;
  if (next === 'failed') return current === 'sending' || current === 'failed' ? 'failed' : current;
  if (current === 'failed') return next;
  return RANK[next] > RANK[current] ? next : current;
}

export interface Mark {
  status: DeliveryStatus;
  /** Shown (ticks and a word, so the mark does not rely on colour); hidden from screen readers. */
  symbol: string;
  /** Read out and shown as a tooltip. */
  label: string;
}

export function markOf(status: DeliveryStatus, readers: readonly string[], readByAll: boolean): Mark {
  switch (status) {
    case 'sending':
      return { status, symbol: 'Sending…', label: 'Sending' };
    case 'sent':
      return { status, symbol: '✓ Sent', label: 'Sent' };
    case 'delivered':
      return { status, symbol: '✓✓ Delivered', label: 'Delivered' };
    case 'read':
      return { status, symbol: '✓✓ Read', label: readByAll || readers.length === 0 ? 'Read by everyone' : `Read by ${listOf(readers)}` };
    case 'failed':
      return { status, symbol: '! Not sent', label: 'Not sent' };
  }
}

/** `a`, `a and b`, `a, b and c`, `a, b and 3 others`. */
export function listOf(names: readonly string[], max = 3): string {
  if (names.length <= 1) return names[0] ?? '';
  if (names.length > max) return `${names.slice(0, max - 1).join(', ')} and ${names.length - (max - 1)} others`;
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
