import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

// The README is the front door and docs/ holds the rest: every link between them, and from
// them into the repository, must lead somewhere, anchors included.

const root = join(__dirname, '..', '..', '..');
const pages = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/[^a-z0-9 -]/g, '')
    .replace(/ /g, '-');
}

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1] as string)));
}

const links = pages.flatMap((page) => {
  const text = readFileSync(join(root, page), 'utf8').replace(/```[\s\S]*?```/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => ({ page, target: m[1] as string }));
});

test('there is something to check', () => {
  expect(pages.length).toBeGreaterThanOrEqual(5);
  expect(links.length).toBeGreaterThan(20);
});

test.each(links.filter((l) => !/^[a-z]+:/.test(l.target)))('$page links to $target, which exists', ({ page, target }) => {
  const [path = '', anchor] = target.split('#');
  const file = path === '' ? join(root, page) : resolve(dirname(join(root, page)), path);
  // Links out of the repository (the shared design documents beside it) are not ours to check.
  if (relative(root, file).startsWith('..')) return;
  expect(existsSync(file)).toBe(true);
  if (anchor) expect(anchorsOf(file).has(anchor)).toBe(true);
});
