import type { MongoWireServer, RedisServer } from '@campzone/testkit';

/** Redis and the MongoDB-wire server of a chaos run; the scenarios that restart one need to own it. */
export interface ChaosServices {
  redisUrl: string;
  mongoUrl: string;
  /** `host:port,...` of a Redis Cluster: the processes use it (sharded adapter) instead of redisUrl. */
  redisClusterNodes?: string;
  /** Present when this run started redis-server itself (needed by the Redis restart). */
  redis?: RedisServer;
  /** Present when this run started the MongoDB-wire server itself (needed by the stop/start). */
  mongo?: MongoWireServer;
}

export interface ChaosContext {
  services: ChaosServices;
  /** `short`: the seconds-long variant run by `npm test`; `full`: `npm run chaos`. */
  scale: 'full' | 'short';
  log: (line: string) => void;
  /** Log a progress line every second of load (`--verbose`). */
  verbose?: boolean;
  /** The reconnect storm's client count instead of its scale's default (`--storm-clients`). */
  stormClients?: number;
}

/** One pass criterion and what was measured against it. */
export interface Check {
  name: string;
  passed: boolean;
  detail: string;
}

export interface ScenarioReport {
  checks: Check[];
  /** Measured figures, for the JSON line. */
  facts: Record<string, unknown>;
  /** Set when the scenario could not run here (say why); it then neither passes nor fails. */
  skipped?: string;
}

export interface ChaosScenario {
  name: string;
  title: string;
  run(context: ChaosContext): Promise<ScenarioReport>;
}

export interface ScenarioOutcome extends ScenarioReport {
  name: string;
  title: string;
  passed: boolean;
  seconds: number;
}

export function check(name: string, passed: boolean, detail: string): Check {
  return { name, passed, detail };
}

/** Runs one scenario, turning a thrown error into a failed check rather than a crash of the suite. */
export async function runScenario(scenario: ChaosScenario, context: ChaosContext): Promise<ScenarioOutcome> {
  const started = performance.now();
  let report: ScenarioReport;
  try {
    report = await scenario.run(context);
  } catch (err) {
    report = {
      checks: [check('scenario ran to the end', false, err instanceof Error ? (err.stack ?? err.message) : String(err))],
      facts: {},
    };
  }
  const passed = report.skipped === undefined && report.checks.length > 0 && report.checks.every((c) => c.passed);
  return { ...report, name: scenario.name, title: scenario.title, passed, seconds: Math.round((performance.now() - started) / 100) / 10 };
}
