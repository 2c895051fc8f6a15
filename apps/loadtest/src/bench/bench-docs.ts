import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BenchSummary, markdownReport } from './bench-report';

const START = '<!-- bench:figures:start (written by npm run bench) -->';
const END = '<!-- bench:figures:end -->';

/** Puts `section` between the figure markers of `text`; undefined when the markers are missing. */
export function replaceFigures(text: string, section: string): string | undefined {
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) return undefined;
  return `${text.slice(0, start + START.length)}\n${section}\n${text.slice(end)}`;
}

/**
 * Writes the run's figures into `dir`/benchmarks.md between its markers, so the page always
 * shows the last full run (older runs live in git history); without the markers, into
 * `dir`/bench-figures.md.
 */
export async function writeBenchDocs(summary: BenchSummary, dir: string): Promise<string[]> {
  const section = markdownReport(summary);
  const page = join(dir, 'benchmarks.md');
  const text = await readFile(page, 'utf8').catch(() => undefined);
  const replaced = text === undefined ? undefined : replaceFigures(text, section);
  if (replaced !== undefined) {
    await writeFile(page, replaced);
    return [page];
  }
  const figures = join(dir, 'bench-figures.md');
  await writeFile(figures, `${section}\n`);
  return [figures];
}
