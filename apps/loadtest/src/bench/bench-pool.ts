import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BenchSummary, summarize, type TargetName, type TargetResult } from './bench-report';

// One run's three rounds give a range that another run on the same code often leaves: the
// machine drifts between runs more than between rounds. Pooling the rounds of several saved
// runs gives the spread over repeated runs that a published figure needs.

/** One saved run: its summary and every round of every target, as the bench printed them. */
export interface SavedRun {
  source: string;
  summary: BenchSummary;
  results: Partial<Record<TargetName, TargetResult[]>>;
}

const TARGETS: readonly TargetName[] = ['cluster', 'cluster-no-worker', 'bare', 'centrifugo'];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A file-safe name for a run's rounds: its start time without colons. */
function savedRunName(startedAt: string): string {
  return `${startedAt.replaceAll(':', '-')}.jsonl`;
}

/** The lines a saved run holds: one per target and round, then the summary. */
export function savedRunLines(summary: BenchSummary, results: Partial<Record<TargetName, TargetResult[]>>): string[] {
  const rounds = Object.values(results).flatMap((runs) => runs.map((r) => JSON.stringify({ tool: 'campzone-bench-target', ...r })));
  return [...rounds, JSON.stringify(summary)];
}

/** Writes the run's rounds to `dir`/bench-runs, where `--pool` can read them back. */
export async function writeSavedRun(
  summary: BenchSummary,
  results: Partial<Record<TargetName, TargetResult[]>>,
  dir: string,
): Promise<string> {
  const folder = join(dir, 'bench-runs');
  await mkdir(folder, { recursive: true });
  const file = join(folder, savedRunName(summary.startedAt));
  await writeFile(file, `${savedRunLines(summary, results).join('\n')}\n`);
  return file;
}

/**
 * Reads a run back from what the bench printed (its stdout, or a file `writeSavedRun` wrote):
 * the JSON lines of its rounds and its summary; any other line is left alone. Throws, naming
 * the file and line, on a line that starts like one of ours but is not.
 */
export function parseSavedRun(text: string, source: string): SavedRun {
  const results: Partial<Record<TargetName, TargetResult[]>> = {};
  let summary: BenchSummary | undefined;
  for (const [i, line] of text.split('\n').entries()) {
    if (!line.startsWith('{"tool":"campzone-bench')) continue;
    const where = `${source}:${i + 1}`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new Error(`${where}: not a JSON line`);
    }
    if (!isRecord(parsed)) throw new Error(`${where}: not a JSON object`);
    if (parsed.tool === 'campzone-bench-target') {
      const target = parsed.target as TargetName;
      if (!TARGETS.includes(target) || !Array.isArray(parsed.steps) || typeof parsed.maxAcceptedPerSec !== 'number') {
        throw new Error(`${where}: a round without a known target, its steps and its maximum`);
      }
      const { tool: _tool, ...round } = parsed;
      results[target] = [...(results[target] ?? []), round as unknown as TargetResult];
    } else if (parsed.tool === 'campzone-bench') {
      if (
        typeof parsed.startedAt !== 'string' ||
        typeof parsed.store !== 'string' ||
        !isRecord(parsed.layout) ||
        !isRecord(parsed.machine)
      ) {
        throw new Error(`${where}: a summary without its start, store, load shape and machine`);
      }
      summary = parsed as unknown as BenchSummary;
    }
  }
  if (!summary) throw new Error(`${source}: no summary line (is this the output of npm run bench?)`);
  if (Object.keys(results).length === 0) throw new Error(`${source}: no rounds`);
  return { source, summary, results };
}

/** Reads a saved run from `file`, naming it `name` in the report and in errors. */
export async function readSavedRun(file: string, name: string): Promise<SavedRun> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new Error(`${name}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  });
  return parseSavedRun(text, name);
}

const shapeOf = (s: BenchSummary) => `store ${s.store}, ${JSON.stringify(s.layout)}`;

/**
 * The rounds of several runs as one: every figure's median and range over all of them. Runs
 * must share the store and load shape (else their figures measure different things) and the
 * targets, each run with as many rounds of every target: the ratios pair a run's cluster
 * round with its bare round of the same index.
 */
export function poolRuns(runs: SavedRun[]): { summary: BenchSummary; results: Partial<Record<TargetName, TargetResult[]>> } {
  const [first] = runs;
  if (!first) throw new Error('--pool needs at least one saved run');
  const targets = TARGETS.filter((t) => first.results[t]);
  for (const run of runs) {
    if (shapeOf(run.summary) !== shapeOf(first.summary)) {
      throw new Error(`${run.source} measured ${shapeOf(run.summary)}, ${first.source} ${shapeOf(first.summary)}: not pooled`);
    }
    const theirs = TARGETS.filter((t) => run.results[t]);
    if (theirs.join() !== targets.join())
      throw new Error(`${run.source} has targets ${theirs.join(', ')}, ${first.source} ${targets.join(', ')}: not pooled`);
    const counts = new Set(targets.map((t) => run.results[t]!.length));
    if (counts.size !== 1) throw new Error(`${run.source}: its targets have different numbers of rounds, so its ratios cannot be paired`);
  }
  const results: Partial<Record<TargetName, TargetResult[]>> = {};
  for (const t of targets) results[t] = runs.flatMap((run) => run.results[t]!);
  const summary = summarize(
    results,
    {
      command: `npm run bench -- --pool ${runs.map((r) => r.source).join(',')}`,
      startedAt: first.summary.startedAt,
      layout: first.summary.layout,
      machine: first.summary.machine,
      store: first.summary.store,
      runs: results[targets[0]!]!.length,
    },
    // The store-alone check measures the store, not the rounds: the latest one stands.
    [...runs].reverse().find((r) => r.summary.breakdown)?.summary.breakdown,
  );
  return {
    summary: {
      ...summary,
      pooled: runs.map((r) => ({ startedAt: r.summary.startedAt, machine: r.summary.machine, runs: r.summary.runs })),
    },
    results,
  };
}
