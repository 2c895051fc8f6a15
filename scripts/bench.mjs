#!/usr/bin/env node
// `npm run bench`: thin entry; the benchmark is TypeScript in apps/loadtest
// (src/bench/bench-main.ts), built by `turbo run build` before this runs.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { runBenchCli } = require('../apps/loadtest/dist/bench/bench-main.js');

process.exitCode = await runBenchCli(process.argv.slice(2));
process.exit();
