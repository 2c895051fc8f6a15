import { textTable } from '../report/text-table';

/** One printed figure: its median and the range over the rounds (one value when they agreed). */
export interface PrintedFigure {
  median: number;
  min: number;
  max: number;
  /**
   * Printed `>= `: some round was never refused (its search ran out of steps or time), so the
   * range may sit below what the target can take.
   */
  maxIsLowerBound?: boolean;
}

export type Placement = 'inside' | 'below' | 'above';

export interface FigureComparison {
  /** Row label and column, as the tables print them. */
  figure: string;
  published: PrintedFigure;
  current: PrintedFigure;
  placement: Placement;
}

const CELL = /^(>= )?([\d,.]+)(?: KiB|x|%)?(?: \(([\d,.]+)-([\d,.]+)\))?$/;
const SHARE_OF_BARE = /^cluster ([\d.]+% \([\d.]+-[\d.]+\)|[\d.]+%) of bare/;
/** The part of the run line that must match for two runs to be compared: store and load shape. */
const RUN_SHAPE = /per target, (store .+?payloads)\./;

const number = (text: string) => Number(text.replaceAll(',', ''));

/** Reads a cell as `formatSpread` writes it (`2,168 (2,163-2,169)`, `16.6 KiB (15.2-17.9)`, `4.7x`); undefined for `-` or text. */
export function parseFigure(cell: string): PrintedFigure | undefined {
  const m = CELL.exec(cell.trim());
  if (!m) return undefined;
  const median = number(m[2]!);
  const figure: PrintedFigure =
    m[3] === undefined ? { median, min: median, max: median } : { median, min: number(m[3]), max: number(m[4]!) };
  if (m[1] !== undefined) figure.maxIsLowerBound = true;
  return [figure.median, figure.min, figure.max].every(Number.isFinite) ? figure : undefined;
}

/**
 * Every figure of a figures section (as `markdownReport` writes it), by `row | column`: each
 * Markdown table's cells under its header, and the cluster's share of bare from the target column.
 */
export function figuresOf(section: string): Map<string, PrintedFigure> {
  const figures = new Map<string, PrintedFigure>();
  const cellsOf = (line: string) =>
    line
      .trim()
      .slice(1, -1)
      .split('|')
      .map((c) => c.trim());
  const lines = section.split('\n');
  let header: string[] | undefined;
  for (const [i, line] of lines.entries()) {
    if (!line.startsWith('|')) {
      header = undefined;
      continue;
    }
    if (line.startsWith('|---')) continue;
    if (!header) {
      // A header is the row above a `|---` line; anything else here is not a table we read.
      if (lines[i + 1]?.startsWith('|---')) header = cellsOf(line);
      continue;
    }
    const [label = '', ...cells] = cellsOf(line);
    for (const [j, cell] of cells.entries()) {
      const column = header[j + 1];
      if (column === undefined) continue;
      if (column === 'target') {
        const share = SHARE_OF_BARE.exec(cell);
        const figure = share ? parseFigure(share[1]!) : undefined;
        if (figure) figures.set(`cluster's share of bare's maximum, % | ${header[1]}`, figure);
        continue;
      }
      const figure = parseFigure(cell);
      if (figure) figures.set(`${label} | ${column}`, figure);
    }
  }
  return figures;
}

/** Where each figure of this run's median falls against the published run's range, for the figures both print. */
export function compareFigures(published: string, current: string): FigureComparison[] {
  const before = figuresOf(published);
  const comparisons: FigureComparison[] = [];
  for (const [figure, now] of figuresOf(current)) {
    const then = before.get(figure);
    if (!then) continue;
    // Above such a range is no contradiction: a round of it was never refused.
    const above = now.median > then.max && !then.maxIsLowerBound;
    const placement: Placement = now.median < then.min ? 'below' : above ? 'above' : 'inside';
    comparisons.push({ figure, published: then, current: now, placement });
  }
  return comparisons;
}

/** The store and load shape a run line names, e.g. `store ferretdb v1 on SQLite, 10 rooms x 10 members, ...`. */
function runShape(section: string): string | undefined {
  return RUN_SHAPE.exec(section)?.[1];
}

const show = (f: PrintedFigure) => `${f.maxIsLowerBound ? '>= ' : ''}${f.min === f.max ? f.median : `${f.median} (${f.min}-${f.max})`}`;

/**
 * What a new user checks first: whether this run gives the published figures again. Runs of
 * another store or load shape are not compared (their figures measure something else).
 */
export function describeComparison(published: string, current: string): string {
  const runLine = published.split('\n').find((l) => /^Runs? /.test(l)) ?? '';
  const when = /^Runs? (.+?) (?:with|pooled) /.exec(runLine)?.[1] ?? 'unknown';
  const [then, now] = [runShape(published), runShape(current)];
  if (then === undefined || then !== now) {
    return `against the published run of ${when}: not compared (it measured ${then ?? 'an unknown shape'}; this run ${now ?? 'an unknown shape'})`;
  }
  const rows = compareFigures(published, current);
  const inside = rows.filter((r) => r.placement === 'inside').length;
  const table = textTable(
    ['figure | target', 'published median (range)', 'this run', 'where'],
    rows.map((r) => [r.figure, show(r.published), show(r.current), r.placement]),
  );
  return `against the published ${runLine.startsWith('Runs ') ? 'runs' : 'run'} of ${when} (docs/benchmarks.md, the README's table): ${inside} of ${rows.length} medians inside its ranges\n${table}`;
}
