#!/usr/bin/env node
// `npm audit --omit=dev --audit-level=high` for CI: exits 1 on a high or critical advisory in a
// production dependency. When the registry's audit endpoint cannot be reached (no network, or a
// registry mirror without it), it says so and exits 0: an unreachable audit is not a finding.
import { spawnSync } from 'node:child_process';

const run = spawnSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8', timeout: 120_000 });
let report;
try {
  report = JSON.parse(run.stdout || '{}');
} catch {
  report = { error: { summary: `unreadable answer: ${(run.stdout || run.stderr || '').slice(0, 200)}` } };
}

if (run.error || report.error || report.statusCode) {
  const why = run.error?.message ?? report.message ?? report.error?.summary ?? `status ${report.statusCode}`;
  console.log(`npm audit: the registry's audit endpoint could not be reached (${why}); dependency audit skipped`);
  process.exit(0);
}

const counts = report.metadata?.vulnerabilities ?? {};
const serious = (counts.high ?? 0) + (counts.critical ?? 0);
if (serious === 0) {
  console.log(`npm audit: no high or critical advisories in production dependencies (${JSON.stringify(counts)})`);
  process.exit(0);
}
for (const [name, v] of Object.entries(report.vulnerabilities ?? {})) {
  if (v.severity === 'high' || v.severity === 'critical') console.log(`npm audit: ${v.severity} ${name} ${v.range ?? ''}`);
}
console.log(`npm audit: ${serious} high or critical advisories in production dependencies`);
process.exit(1);
