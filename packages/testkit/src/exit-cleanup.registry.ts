// Servers started for tests must never outlive the process that started them, even on Ctrl-C
// or an uncaught error, or the next run finds its ports taken and stale data in /tmp.
// Cleanups run synchronously because an 'exit' listener cannot await anything.
// Inside a jest test file `process` is a sandbox copy whose listeners never fire, so spawned
// children also carry a parent-death signal (see child-process.spawner.ts).

type Cleanup = () => void;

const HANDLED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type HandledSignal = (typeof HANDLED_SIGNALS)[number];

// Marks our listeners so several copies of this module (jest loads one per test file) can tell
// them apart from an application's own signal handling.
const TESTKIT_LISTENER = Symbol.for('campzone.testkit.exitListener');

const cleanups = new Set<Cleanup>();
const signalListeners = new Map<HandledSignal, NodeJS.SignalsListener>();

function runAll(): void {
  // Newest first, so a server is killed before the temp dir it writes to is removed.
  for (const cleanup of [...cleanups].reverse()) {
    cleanups.delete(cleanup);
    try {
      cleanup();
    } catch {
      // Best effort: the process is going away and one failed cleanup must not skip the rest.
    }
  }
  uninstall();
}

function isTestkitListener(listener: unknown): boolean {
  return typeof listener === 'function' && TESTKIT_LISTENER in listener;
}

function onSignal(signal: HandledSignal): void {
  if (process.listeners(signal).some((listener) => !isTestkitListener(listener))) {
    // The application decides how to shut down (for example the CLI stops services gracefully);
    // the 'exit' listener still guarantees the cleanup when it finally exits.
    return;
  }
  runAll();
  if (process.listenerCount(signal) === 0) {
    // Every copy has cleaned up; with no listener left the default action applies, so the exit
    // status says "killed by SIGINT" exactly as it would have without testkit.
    process.kill(process.pid, signal);
  }
}

function install(): void {
  process.on('exit', runAll);
  for (const signal of HANDLED_SIGNALS) {
    const listener = Object.assign(() => onSignal(signal), { [TESTKIT_LISTENER]: true });
    signalListeners.set(signal, listener);
    process.on(signal, listener);
  }
}

function uninstall(): void {
  process.removeListener('exit', runAll);
  for (const [signal, listener] of signalListeners) {
    process.removeListener(signal, listener);
  }
  signalListeners.clear();
}

/**
 * Runs `cleanup` synchronously if the process exits or is interrupted before the returned
 * function is called. Process listeners exist only while something is registered, so idle
 * test files do not pile up listeners.
 */
export function onParentExit(cleanup: Cleanup): () => void {
  if (cleanups.size === 0) {
    install();
  }
  cleanups.add(cleanup);
  return () => {
    if (cleanups.delete(cleanup) && cleanups.size === 0) {
      uninstall();
    }
  };
}
