#!/usr/bin/env node
import { devTokenSource, secretTokenSource } from './auth/token-source';
import { LOAD_USAGE, parseLoadArgs } from './cli/load-args';
import { LoadRun } from './load/load-run';
import { newRunId } from './load/room-plan';
import { buildReport, formatProgress, formatReportTable } from './report/load-report';

// `npm run loadtest`: the CLI. Output goes to the console by design (this is a CLI): the live
// line to stderr, the table and the closing JSON line to stdout.

async function main(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parseLoadArgs>;
  try {
    args = parseLoadArgs(argv);
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n\n${LOAD_USAGE}`);
    return 2;
  }
  if (args === 'help') {
    console.log(LOAD_USAGE);
    return 0;
  }
  const note = (line: string) => console.error(`[loadtest] ${line}`);
  const runId = args.runId ?? newRunId();
  let run: LoadRun;
  try {
    run = await LoadRun.start(
      {
        urls: args.urls,
        runId,
        rooms: args.rooms,
        membersPerRoom: args.members,
        sendersPerRoom: args.senders,
        payloadBytes: args.payloadBytes,
        changeRatio: args.changeRatio,
        tokens: args.jwtSecret ? secretTokenSource(args.jwtSecret) : devTokenSource(args.urls),
        tuning: args.tuning,
        connectConcurrency: args.connectConcurrency,
        connectTimeoutMs: 30_000,
      },
      note,
    );
  } catch (err) {
    note(`setup failed: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
  const unit = args.changeRatio > 0 ? `ops/s (${Math.round(args.changeRatio * 100)}% edits and reactions)` : 'msg/s';
  note(`run ${runId}: ${run.members.length} members connected; ${args.rate} ${unit} for ${args.durationS}s after ${args.rampUpS}s ramp-up`);

  const interactive = process.stderr.isTTY === true;
  const started = performance.now();
  const stop = new AbortController();
  const onSignal = () => {
    note('interrupted: finishing with what was measured');
    stop.abort();
  };
  process.once('SIGINT', onSignal);
  const phase = await run.drive({
    rate: args.rate,
    durationMs: args.durationS * 1000,
    rampUpMs: args.rampUpS * 1000,
    signal: stop.signal,
    onTick: args.progress
      ? (interval) => {
          const line = formatProgress((performance.now() - started) / 1000, interval, run);
          process.stderr.write(interactive ? `\r\u001b[2K${line}` : `${line}\n`);
        }
      : undefined,
  });
  if (args.progress && interactive) process.stderr.write('\n');
  note('final sync of every member');
  const final = await run.finish(args.settleTimeoutS * 1000);
  process.removeListener('SIGINT', onSignal);
  const report = buildReport(run, phase, final, args.durationS);
  await run.close();
  console.log(formatReportTable(report));
  console.log(JSON.stringify(report));
  return report.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (status) => process.exit(status),
  (err: unknown) => {
    console.error(`[loadtest] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(2);
  },
);
