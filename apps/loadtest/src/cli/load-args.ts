import { parseArgs } from 'node:util';
import { type ClientTuning, DEFAULT_TUNING } from '../load/client-tuning';

export interface LoadArgs {
  urls: string[];
  rooms: number;
  members: number;
  senders: number;
  rate: number;
  durationS: number;
  rampUpS: number;
  payloadBytes: number;
  changeRatio: number;
  jwtSecret: string | undefined;
  runId: string | undefined;
  tuning: ClientTuning;
  connectConcurrency: number;
  settleTimeoutS: number;
  progress: boolean;
}

export const LOAD_USAGE = `Usage: npm run loadtest -- --url http://127.0.0.1:3000 [--url ...] [options]

Drives one or many gateways with SDK clients, then checks what every member was shown.

  --url URL               a gateway (repeat for several; members are spread over all of them,
                          and a member whose gateway dies reconnects to the next URL)
  --rooms N               rooms (default 10)
  --members N             members per room = fan-out of each message (default 10)
  --senders N             senders per room (default 2)
  --rate N                target operations per second over all senders: messages, plus edits
                          and reactions with --change-ratio (default 100)
  --duration S            measured seconds at the target rate (default 30)
  --ramp-up S             seconds to climb from 0 to the rate first (default 5)
  --payload BYTES         message content size (default 100)
  --change-ratio R        share (0 to 1) of each sender's operations that are changes instead of
                          sends: half edits of one of its last 8 messages, half reactions added or
                          taken back on one of the room's last 16 (default 0: sends only). Reports
                          changes sent/acked/refused, change events received, and members whose
                          final content or reaction counts differ from the newest (a violation)
  --jwt-secret S          sign tokens with the gateways' JWT_SECRET (or LOADTEST_JWT_SECRET);
                          default: ask POST /v1/dev/token (needs AUTH_DEV_TOKENS=true)
  --in-flight N           unacknowledged sends per sender on the wire (default ${DEFAULT_TUNING.maxInFlight})
  --hole-timeout MS       SDK hole timeout (default ${DEFAULT_TUNING.holeTimeoutMs})
  --connect-concurrency N connections opened at once during setup (default 50)
  --settle-timeout S      final sync deadline (default 30)
  --run-id ID             id prefix of rooms and users (default random)
  --no-progress           no live progress line
  -h, --help

Prints a live progress line (stderr), then a table and one JSON line (stdout).
Exit status: 0 no correctness violation, 1 lost/duplicated/misordered (or changes not converged) > 0,
2 bad usage or setup failure.`;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function parseLoadArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): LoadArgs | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      url: { type: 'string', multiple: true },
      rooms: { type: 'string' },
      members: { type: 'string' },
      senders: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      'ramp-up': { type: 'string' },
      payload: { type: 'string' },
      'change-ratio': { type: 'string' },
      'jwt-secret': { type: 'string' },
      'in-flight': { type: 'string' },
      'hole-timeout': { type: 'string' },
      'connect-concurrency': { type: 'string' },
      'settle-timeout': { type: 'string' },
      'run-id': { type: 'string' },
      'no-progress': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const urls = (values.url ?? []).map((u) => u.replace(/\/+$/, ''));
  if (urls.length === 0) throw new UsageError('at least one --url is needed');
  for (const url of urls) {
    if (!/^https?:\/\/[^/]+$/.test(url)) throw new UsageError(`--url ${url}: expected http(s)://host:port`);
  }
  const members = int('members', values.members, 10, 1, 10_000);
  const senders = int('senders', values.senders, 2, 0, members);
  const runId = values['run-id'];
  if (runId !== undefined && !/^[A-Za-z0-9]{1,16}$/.test(runId)) throw new UsageError('--run-id: 1-16 letters or digits');
  return {
    urls,
    rooms: int('rooms', values.rooms, 10, 1, 100_000),
    members,
    senders,
    rate: num('rate', values.rate, 100, 0, 1_000_000),
    durationS: num('duration', values.duration, 30, 0.1, 86_400),
    rampUpS: num('ramp-up', values['ramp-up'], 5, 0, 3_600),
    payloadBytes: int('payload', values.payload, 100, 1, 1_000_000),
    changeRatio: num('change-ratio', values['change-ratio'], 0, 0, 1),
    jwtSecret: values['jwt-secret'] ?? env.LOADTEST_JWT_SECRET,
    runId,
    tuning: {
      ...DEFAULT_TUNING,
      maxInFlight: int('in-flight', values['in-flight'], DEFAULT_TUNING.maxInFlight, 1, 100_000),
      holeTimeoutMs: int('hole-timeout', values['hole-timeout'], DEFAULT_TUNING.holeTimeoutMs, 0, 3_600_000),
    },
    connectConcurrency: int('connect-concurrency', values['connect-concurrency'], 50, 1, 10_000),
    settleTimeoutS: num('settle-timeout', values['settle-timeout'], 30, 1, 3_600),
    progress: !values['no-progress'],
  };
}

function num(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max)
    throw new UsageError(`--${name} ${raw}: expected a number from ${min} to ${max}`);
  return value;
}

function int(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  const value = num(name, raw, fallback, min, max);
  if (!Number.isInteger(value)) throw new UsageError(`--${name} ${raw}: expected a whole number`);
  return value;
}
