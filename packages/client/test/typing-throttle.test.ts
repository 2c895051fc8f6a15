import { TypingThrottle } from '../src/typing-throttle';
import { FakeScheduler } from './fake-scheduler';

function harness() {
  const scheduler = new FakeScheduler();
  const sent: string[] = [];
  const throttle = new TypingThrottle({
    scheduler,
    startIntervalMs: 1000,
    idleMs: 2000,
    emitStart: () => sent.push('start'),
    emitStop: () => sent.push('stop'),
  });
  return { scheduler, sent, throttle };
}

describe('TypingThrottle', () => {
  it('sends typing_start on the first keystroke and at most once per second while typing continues', async () => {
    const { scheduler, sent, throttle } = harness();
    for (let i = 0; i < 10; i++) {
      throttle.input();
      await scheduler.advance(150); // 10 keystrokes over 1.5 s
    }
    expect(sent).toEqual(['start', 'start']);
    expect(throttle.isTyping).toBe(true);
  });

  it('sends typing_stop after 2 s without a keystroke', async () => {
    const { scheduler, sent, throttle } = harness();
    throttle.input();
    await scheduler.advance(1500);
    throttle.input();
    await scheduler.advance(1999);
    expect(sent).toEqual(['start', 'start']);
    await scheduler.advance(1);
    expect(sent).toEqual(['start', 'start', 'stop']);
    expect(throttle.isTyping).toBe(false);
  });

  it('stops at once on stop() (a send), and only once', async () => {
    const { scheduler, sent, throttle } = harness();
    throttle.input();
    throttle.stop();
    throttle.stop();
    await scheduler.advance(5000);
    expect(sent).toEqual(['start', 'stop']);
  });

  it('starts again immediately after a stop', () => {
    const { sent, throttle } = harness();
    throttle.input();
    throttle.stop();
    throttle.input();
    expect(sent).toEqual(['start', 'stop', 'start']);
  });

  it('forgets its state on reset without sending anything', async () => {
    const { scheduler, sent, throttle } = harness();
    throttle.input();
    throttle.reset();
    await scheduler.advance(5000);
    expect(sent).toEqual(['start']);
    throttle.input();
    expect(sent).toEqual(['start', 'start']);
  });
});
