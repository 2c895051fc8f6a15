#!/usr/bin/env node
// `npm test`: provisions Redis and a MongoDB-wire server once (so parallel packages share two
// servers instead of starting two each), runs every workspace's jest through turbo, then sums the
// per-workspace JSON reports from scripts/jest-count-reporter.js into one closing line,
// "N passed, N failed", that CI reads. Extra arguments go to turbo, e.g. --filter=@campzone/store.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import testkit from '@campzone/testkit';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = path.join(root, '.test-results');
// --continue: one broken package should not hide the results of every other one. turbo rejects
// a repeated flag, so the caller's --concurrency/--continue replace these defaults.
const extraArgs = process.argv.slice(2);
const defaults = ['--concurrency=2', '--continue=dependencies-successful'].filter(
  (flag) => !extraArgs.some((arg) => arg.split('=')[0] === flag.split('=')[0]),
);
const turboArgs = ['turbo', 'run', 'test', ...defaults, ...extraArgs];

const note = (line) => console.error(`[run-tests] ${line}`);

/**
 * The second pass: every integration test of the gateway and the worker again, against a local
 * Redis Cluster (3 masters + 3 replicas) with the sharded adapter (CAMPZONE_REDIS_MODE=cluster;
 * the harnesses then give the pods, and the tests' own Redis and BullMQ connections,
 * REDIS_CLUSTER_NODES), plus the chaos short form (gateway kill, master failover). Each
 * workspace runs in one jest invocation, in band. Files are left out only for a reason given
 * here: new test files join the pass by default. Tests inside a file that only make sense on one
 * Redis skip themselves on the cluster, naming why. CAMPZONE_SKIP_REDIS_CLUSTER=1 skips the pass.
 */
const NO_REDIS = 'never touches Redis (a unit test, or MongoDB only)';
const CLUSTER_PASS = [
  {
    workspace: 'apps/gateway',
    leaveOut: {
      'test/coalescing-flusher.test.ts': NO_REDIS,
      'test/connect-admission.test.ts': NO_REDIS,
      'test/dependency-errors.test.ts': NO_REDIS,
      'test/single-flight.test.ts': NO_REDIS,
      'test/membership.test.ts': NO_REDIS,
      'test/store-hang.test.ts': 'the fault is in the store (a hung MongoDB behind a proxy); the single-Redis pass runs it',
      'test/api-docs/': 'renders the API documents; nothing in it depends on the Redis mode',
      'test/web/': 'browser tests of the web client; the same server paths run on the cluster through the SDK tests (test/sdk/)',
    },
  },
  {
    workspace: 'apps/worker',
    leaveOut: {
      'test/known-floors.test.ts': NO_REDIS,
      'test/status-plan.test.ts': NO_REDIS,
      'test/startup-waits.test.ts':
        'starts pods against addresses that never answer (and REDIS_CLUSTER_NODES naming a plain Redis): it brings its own Redis setups, whatever the mode',
    },
  },
  // The chaos short form on the cluster: a gateway kill, and a master killed under load (failover).
  { workspace: 'apps/loadtest', only: ['test/chaos-short.test.ts'] },
];

/** jest arguments for one workspace of the cluster pass: its files, or all but those left out. */
function clusterPassArgs({ only, leaveOut }) {
  if (only) return only;
  const asPattern = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return ['--testPathIgnorePatterns', '/node_modules/', ...Object.keys(leaveOut).map((file) => `/${asPattern(file)}`)];
}

/** The child running now, so a Ctrl-C can be passed on to it. */
let current;

function run(command, args, options) {
  return new Promise((resolveRun) => {
    const child = spawn(command, args, { cwd: root, ...options });
    let stdout = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk;
    });
    child.on('error', (error) => resolveRun({ code: 127, stdout, error }));
    child.on('close', (code, signal) => resolveRun({ code: code ?? 128, signal, stdout }));
    current = child;
  });
}

function hasTestFiles(dir) {
  const walk = (current) => {
    if (!existsSync(current)) return false;
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist') continue;
      const full = path.join(current, entry.name);
      if (entry.isDirectory() ? walk(full) : /\.test\.ts$/.test(entry.name)) return true;
    }
    return false;
  };
  return walk(path.join(dir, 'test')) || walk(path.join(dir, 'src'));
}

/** The workspaces this turbo invocation will test (filters applied), and whether they have test files. */
async function plannedWorkspaces() {
  const dry = await run('npx', [...turboArgs, '--dry=json'], { stdio: ['ignore', 'pipe', 'inherit'] });
  if (dry.code !== 0) throw new Error(`\`npx ${turboArgs.join(' ')} --dry=json\` failed (exit ${dry.code})`);
  const plan = JSON.parse(dry.stdout);
  return plan.tasks
    .filter((task) => task.task === 'test' && task.command !== '<NONEXISTENT>')
    .map((task) => {
      const directory = path.join(root, task.directory);
      return { name: path.basename(task.directory), hasTests: hasTestFiles(directory) };
    });
}

function readReports() {
  if (!existsSync(resultsDir)) return new Map();
  const reports = new Map();
  for (const file of readdirSync(resultsDir).filter((name) => name.endsWith('.json'))) {
    try {
      const report = JSON.parse(readFileSync(path.join(resultsDir, file), 'utf8'));
      reports.set(report.name, report);
    } catch (error) {
      note(`unreadable report ${file}: ${error.message}`);
    }
  }
  return reports;
}

function summarize(planned, reports, turboCode) {
  const rows = [];
  const total = { passed: 0, failed: 0, skipped: 0 };
  // Only planned workspaces count: a report from outside the plan is someone else's run.
  for (const { name, hasTests } of [...planned].sort((a, b) => a.name.localeCompare(b.name))) {
    const report = reports.get(name);
    if (!report) {
      if (!hasTests) continue;
      // A workspace whose jest never finished (crash, build or globalSetup failure) must not vanish from the count.
      rows.push([name, '-', '1', '-', 'no report: jest did not run or crashed (counted as 1 failed)']);
      total.failed += 1;
      continue;
    }
    total.passed += report.passed;
    total.failed += report.failed;
    total.skipped += report.skipped;
    const remark = report.failedSuites > 0 ? `${report.failedSuites} suite(s) failed` : '';
    rows.push([name, String(report.passed), String(report.failed), String(report.skipped), remark]);
  }
  if (turboCode !== 0 && total.failed === 0) {
    rows.push(['(turbo)', '-', '1', '-', `turbo run test exited ${turboCode} with no failing test reported (counted as 1 failed)`]);
    total.failed += 1;
  }
  return { rows, total };
}

function printTable(rows, total) {
  const header = ['package', 'passed', 'failed', 'skipped', ''];
  const all = [header, ...rows, ['total', String(total.passed), String(total.failed), String(total.skipped), '']];
  const widths = header.map((_, column) => Math.max(...all.map((row) => row[column].length)));
  const format = (row) =>
    row
      .map((cell, column) => (column === 0 || column === 4 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
      .join('  ')
      .trimEnd();
  console.log('');
  for (const row of all) console.log(format(row));
}

/**
 * Each failing test of the counted runs (the table's rows) by package, file and name, with the
 * head of its message, just above the closing line; reports from outside this run are left out.
 */
function printFailures(reports, counted) {
  const failing = [...reports.values()]
    .filter((report) => counted.has(report.name))
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((report) => (report.failures ?? []).map((failure) => ({ package: report.name, ...failure })));
  if (failing.length === 0) return;
  console.log('');
  console.log('failing:');
  for (const failure of failing) {
    console.log(`  ${failure.package} ${failure.file}: ${failure.test}`);
    if (failure.message) console.log(`    ${failure.message}`);
  }
}

async function main() {
  rmSync(resultsDir, { recursive: true, force: true });

  let interrupted;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (interrupted || !current || current.exitCode !== null) {
        // Second Ctrl-C, or nothing running yet: leave now; testkit's exit hook kills the servers.
        process.exit(130);
      }
      interrupted = signal;
      current.kill(signal);
    });
  }

  // The linter/formatter run (biome) with the circular-import check, and the type check, count
  // as one check each: a failure shows in the summary like a failing test, and the tests still
  // run. jest strips types without checking them, so a type error in a test shows only here.
  const checks = [];
  for (const script of ['lint', 'typecheck']) {
    checks.push([script, await run('npm', ['run', '--silent', script], { stdio: 'inherit' })]);
  }
  const planned = await plannedWorkspaces();
  const clusterPass =
    process.env.CAMPZONE_SKIP_REDIS_CLUSTER !== '1'
      ? CLUSTER_PASS.filter((p) => planned.some((w) => w.name === path.basename(p.workspace)))
      : [];
  const services = await testkit.provisionServices({ log: note, redisCluster: clusterPass.length > 0 });
  let turbo;
  const clusterRuns = [];
  try {
    turbo = await run('npx', [...turboArgs, '--env-mode=loose'], {
      stdio: 'inherit',
      // turbo's default strict env mode would hide these from jest.
      env: { ...process.env, REDIS_URL: services.redisUrl, MONGO_URL: services.mongoUrl },
    });
    for (const pass of clusterPass) {
      if (interrupted) break;
      const { workspace } = pass;
      const args = clusterPassArgs(pass);
      note(`redis cluster pass: ${workspace} ${pass.only ? args.join(' ') : `all but ${Object.keys(pass.leaveOut).join(' ')}`}`);
      const result = await run('npx', ['jest', '--runInBand', ...args], {
        cwd: path.join(root, workspace),
        stdio: 'inherit',
        env: {
          ...process.env,
          CAMPZONE_REDIS_MODE: 'cluster',
          REDIS_CLUSTER_NODES: services.redisClusterNodes,
          REDIS_URL: services.redisUrl,
          MONGO_URL: services.mongoUrl,
        },
      });
      clusterRuns.push({ name: `${path.basename(workspace)}@redis-cluster`, code: result.code });
    }
  } finally {
    await services.stop();
  }
  if (interrupted) {
    note(`interrupted by ${interrupted}`);
    return 130;
  }

  const reports = readReports();
  const { rows, total } = summarize(planned, reports, turbo.code);
  for (const { name, code } of clusterRuns) {
    const report = reports.get(name);
    // jest exiting non-zero with no failing test reported still counts as one failure.
    const silentExit = report !== undefined && code !== 0 && report.failed === 0;
    const failed = report ? report.failed + (silentExit ? 1 : 0) : 1;
    const remark = report ? (silentExit ? `jest exited ${code}` : '') : 'no report: jest did not run or crashed (counted as 1 failed)';
    rows.push([name, String(report?.passed ?? '-'), String(failed), String(report?.skipped ?? '-'), remark]);
    total.passed += report?.passed ?? 0;
    total.failed += failed;
    total.skipped += report?.skipped ?? 0;
  }
  for (const [script, { code }] of checks) {
    rows.push([`(${script})`, code === 0 ? '1' : '0', code === 0 ? '0' : '1', '-', code === 0 ? '' : `npm run ${script} failed`]);
    total[code === 0 ? 'passed' : 'failed'] += 1;
  }
  printTable(rows, total);
  printFailures(reports, new Set(rows.map(([name]) => name)));
  console.log(`${total.passed} passed, ${total.failed} failed${total.skipped > 0 ? `, ${total.skipped} skipped` : ''}`);
  return turbo.code !== 0 || total.failed > 0 ? 1 : 0;
}

main().then(
  (status) => process.exit(status),
  (error) => {
    note(error instanceof Error ? error.message : String(error));
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
