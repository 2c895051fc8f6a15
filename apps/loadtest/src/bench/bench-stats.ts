/** A figure over several interleaved runs: its median and its range. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number;
}

/** Median (mean of the middle two for an even count) and range; undefined with no values. */
export function spread(values: Array<number | undefined>): Spread | undefined {
  const known = values.filter((v): v is number => v !== undefined && Number.isFinite(v)).sort((a, b) => a - b);
  if (known.length === 0) return undefined;
  const mid = Math.floor(known.length / 2);
  const median = known.length % 2 === 1 ? known[mid]! : (known[mid - 1]! + known[mid]!) / 2;
  return { median, min: known[0]!, max: known.at(-1)!, runs: known.length };
}

/** `210 (75-537)`: the median, then the range when the runs disagree. */
export function formatSpread(s: Spread | undefined, digits = 0, unit = ''): string {
  if (!s) return '-';
  const f = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  return s.min === s.max ? `${f(s.median)}${unit}` : `${f(s.median)}${unit} (${f(s.min)}-${f(s.max)})`;
}

/** The kind of process a sampled name stands for: gateways and bare servers add up. */
export function costKind(name: string): string {
  if (name === 'ferretdb' || name === 'mongod' || name === 'postgres') return 'store';
  return name.replace(/-\d+$/, '');
}

/** Names the machine-wide shares, not a process of the target. */
const NOT_A_PROCESS = new Set(['machine', 'others']);

/**
 * CPU seconds per 1,000 delivered messages, by kind of process, over one measured interval.
 * Undefined when nothing was delivered (a cost per nothing is no figure).
 */
export function cpuPerThousand(cpuSeconds: Record<string, number>, deliveries: number): Record<string, number> | undefined {
  if (deliveries <= 0) return undefined;
  const byKind: Record<string, number> = {};
  for (const [name, seconds] of Object.entries(cpuSeconds)) {
    if (NOT_A_PROCESS.has(name)) continue;
    const kind = costKind(name);
    byKind[kind] = (byKind[kind] ?? 0) + seconds;
  }
  let total = 0;
  for (const kind of Object.keys(byKind)) {
    total += byKind[kind]!;
    byKind[kind] = round3((byKind[kind]! / deliveries) * 1000);
  }
  byKind.total = round3((total / deliveries) * 1000);
  return byKind;
}

export interface StoreOpsPerMessage {
  /** Documents inserted per acknowledged message (gateway and worker). */
  inserts: number;
  /** Update statements per message. */
  updates: number;
  deletes: number;
  /** Read commands (find, aggregate, getMore, count...) per message. */
  reads: number;
  /** Writes of every kind per message: what the "store writes per message" counts. */
  writes: number;
  /** BSON bytes sent in writes per message. */
  bytesWritten: number;
}

const READ_COMMANDS = new Set(['find', 'aggregate', 'getMore', 'count', 'distinct']);

/**
 * Store operations per acknowledged message from command-monitoring deltas: `written` is keyed
 * `<kind>:<command>` (documents and bytes), `commands` `<kind>:<command>` (round trips).
 */
export function storeOpsPerMessage(
  written: Record<string, { documents: number; bytes: number }>,
  commands: Record<string, { count: number }>,
  messages: number,
): StoreOpsPerMessage | undefined {
  if (messages <= 0) return undefined;
  const docs = { insert: 0, update: 0, delete: 0 };
  let bytes = 0;
  for (const [key, w] of Object.entries(written)) {
    const command = key.slice(key.indexOf(':') + 1);
    if (command === 'insert' || command === 'update' || command === 'delete') docs[command] += w.documents;
    bytes += w.bytes;
  }
  let reads = 0;
  for (const [key, c] of Object.entries(commands)) if (READ_COMMANDS.has(key.slice(key.indexOf(':') + 1))) reads += c.count;
  const per = (n: number) => round3(n / messages);
  return {
    inserts: per(docs.insert),
    updates: per(docs.update),
    deletes: per(docs.delete),
    reads: per(reads),
    writes: per(docs.insert + docs.update + docs.delete),
    bytesWritten: Math.round(bytes / messages),
  };
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
