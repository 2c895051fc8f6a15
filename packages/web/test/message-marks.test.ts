import { listOf, markOf, mergeStatus } from '../src/app/message-marks';

describe('message marks', () => {
  it('move forward only: sending, sent, delivered, read', () => {
    expect(mergeStatus('sending', 'sent')).toBe('sent');
    expect(mergeStatus('read', 'delivered')).toBe('read');
    expect(mergeStatus('delivered', 'sent')).toBe('delivered');
    expect(mergeStatus(undefined, 'delivered')).toBe('delivered');
  });

  it('show failed only for a send the server never stored, and let a retry clear it', () => {
    expect(mergeStatus('sending', 'failed')).toBe('failed');
    expect(mergeStatus('sent', 'failed')).toBe('sent');
    expect(mergeStatus('failed', 'sending')).toBe('sending');
  });

  it('say who read a message', () => {
    expect(markOf('sent', [], false)).toEqual({ status: 'sent', symbol: '✓ Sent', label: 'Sent' });
    expect(markOf('delivered', [], false).symbol).toBe('✓✓ Delivered');
    expect(markOf('read', ['ben'], false).symbol).toBe('✓✓ Read');
    expect(markOf('read', ['ben'], false).label).toBe('Read by ben');
    expect(markOf('read', ['ben', 'cleo'], false).label).toBe('Read by ben and cleo');
    expect(markOf('read', ['ben'], true).label).toBe('Read by everyone');
  });

  it('list names in plain English', () => {
    expect(listOf([])).toBe('');
    expect(listOf(['a', 'b', 'c'])).toBe('a, b and c');
    expect(listOf(['a', 'b', 'c', 'd', 'e'])).toBe('a, b and 3 others');
  });
});
