import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';

/**
 * The machine a bench ran on. Two machines of the same kind (same cores and memory) have been
 * seen to differ 1.3-2.5x in what bare Socket.IO reaches and 9x in what the cluster reaches, so
 * a figure means little without the processor it was measured on and how fast it ran Node.
 */
export interface MachineReading {
  cores: number;
  /** Model and clock of the first core, as the kernel reports them. */
  cpu: string;
  /**
   * Milliseconds a fixed single-thread workload of the kind every process here does (JSON
   * encode and decode of chat messages) took, best of five: lower is faster. Comparing it
   * between two runs says how much of a difference is the machine's.
   */
  calibrationMs: number;
  loadAverageAtStart: number[];
  loadAverageAtEnd: number[];
}

const ROUND_TRIPS = 50_000;
const TRIES = 5;

export function currentLoad(): number[] {
  return loadavg().map((l) => Math.round(l * 100) / 100);
}

/** Reads the processor and times the calibration workload; takes about half a second. */
export function probeMachine(): Omit<MachineReading, 'loadAverageAtEnd'> {
  const first = cpus()[0];
  return {
    cores: cpus().length,
    cpu: first ? `${first.model.trim()} at ${first.speed || kernelMhz() || '?'} MHz` : 'unknown',
    calibrationMs: calibrate(),
    loadAverageAtStart: currentLoad(),
  };
}

/** Virtual machines often report 0 MHz through os.cpus(); /proc/cpuinfo still has the clock. */
function kernelMhz(): number | undefined {
  try {
    const mhz = /^cpu MHz\s*:\s*([\d.]+)/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1];
    return mhz === undefined ? undefined : Math.round(Number(mhz));
  } catch {
    return undefined;
  }
}

function calibrate(): number {
  let best = Number.POSITIVE_INFINITY;
  let sink = 0;
  for (let t = 0; t < TRIES; t++) {
    const started = performance.now();
    for (let i = 0; i < ROUND_TRIPS; i++) {
      const message = {
        messageId: `65f0c0ffee${i.toString(16).padStart(14, '0')}`,
        roomId: `room-${i % 10}`,
        senderId: `user-${i % 100}`,
        content: `load ${i} ${'x'.repeat(80)}`,
        seq: i,
        lamportTimestamp: i,
        createdAt: new Date(1_700_000_000_000 + i).toISOString(),
        status: 'PENDING',
      };
      sink += (JSON.parse(JSON.stringify(message)) as { seq: number }).seq;
    }
    best = Math.min(best, performance.now() - started);
  }
  // Keeps the workload observable so the compiler cannot drop it.
  if (sink < 0) throw new Error('unreachable');
  return Math.round(best);
}
