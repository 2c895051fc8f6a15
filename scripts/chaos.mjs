#!/usr/bin/env node
// `npm run chaos`: thin entry; the scenarios are TypeScript in apps/loadtest
// (src/chaos/*.scenario.ts), built by `turbo run build` before this runs.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { runChaosCli } = require('../apps/loadtest/dist/chaos/chaos-main.js');

process.exitCode = await runChaosCli(process.argv.slice(2));
process.exit();
