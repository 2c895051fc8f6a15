import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BenchSummary, markdownReport } from './bench-report';

const START = '<!-- bench:figures:start (written by npm run bench) -->';
const END = '<!-- bench:figures:end -->';

/** Where the figures section of `text` starts and ends; undefined when the markers are missing. */
function figuresSpan(text: string): { from: number; to: number } | undefined {
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  return start < 0 || end < start ? undefined : { from: start + START.length, to: end };
}

/** Puts `section` between the figure markers of `text`; undefined when the markers are missing. */
export function replaceFigures(text: string, section: string): string | undefined {
  const span = figuresSpan(text);
  return span && `${text.slice(0, span.from)}\n${section}\n${text.slice(span.to)}`;
}

/** The figures section of `text` (between its markers); undefined when the markers are missing. */
export function publishedFigures(text: string): string | undefined {
  const span = figuresSpan(text);
  return span && text.slice(span.from, span.to).trim();
}

/** The figures docs/benchmarks.md in `dir` publishes now, if it has any. */
export async function readPublishedFigures(dir: string): Promise<string | undefined> {
  const text = await readFile(join(dir, 'benchmarks.md'), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : publishedFigures(text);
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
