import { readFileSync } from 'node:fs';

/** Resident set size of a process in bytes (Linux /proc), or undefined if it is gone. */
export function rssBytes(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) a process has used so far, in seconds. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) may contain spaces; fields after the closing parenthesis are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return (utime + stime) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** CPU time the whole machine spent busy so far (all cores, seconds), from /proc/stat. */
export function machineBusySeconds(): number | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
    return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** USER_HZ: 100 on every Linux this runs on (glibc and musl alike). */
const CLOCK_TICKS = 100;

/**
 * Measures how busy named processes were over an interval: call `start()`, run the load, then
 * `stop()` answers each process's CPU use as a share of one core (1.0 = a whole core).
 */
export class CpuSampler {
  private readonly begin = new Map<string, number>();
  private startedAt = 0;
  private machineAt: number | undefined;
  /** CPU seconds each process used between the last start() and stop(). */
  lastSeconds: Record<string, number> = {};

  constructor(private readonly pids: () => Record<string, number>) {}

  start(): void {
    this.startedAt = performance.now();
    this.machineAt = machineBusySeconds();
    this.begin.clear();
    for (const [name, pid] of Object.entries(this.pids())) {
      const cpu = cpuSeconds(pid);
      if (cpu !== undefined) this.begin.set(name, cpu);
    }
  }

  stop(): Record<string, number> {
    const seconds = (performance.now() - this.startedAt) / 1000;
    const shares: Record<string, number> = {};
    this.lastSeconds = {};
    for (const [name, pid] of Object.entries(this.pids())) {
      const before = this.begin.get(name);
      const after = cpuSeconds(pid);
      if (before === undefined || after === undefined || seconds <= 0) continue;
      shares[name] = Math.round(((after - before) / seconds) * 100) / 100;
      this.lastSeconds[name] = after - before;
    }
    // The machine as a whole, and what processes outside this measurement used (a shared box).
    const machineNow = machineBusySeconds();
    if (this.machineAt !== undefined && machineNow !== undefined && seconds > 0) {
      const machine = (machineNow - this.machineAt) / seconds;
      const ours = Object.values(shares).reduce((sum, v) => sum + v, 0);
      shares.machine = Math.round(machine * 100) / 100;
      shares.others = Math.max(0, Math.round((machine - ours) * 100) / 100);
    }
    return shares;
  }
}
