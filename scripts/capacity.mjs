#!/usr/bin/env node
// `npm run capacity`: thin entry; the model is TypeScript in apps/loadtest
// (src/capacity/capacity-cli.ts), built by `turbo run build` before this runs.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { runCapacityCli } = require('../apps/loadtest/dist/capacity/capacity-cli.js');

process.exitCode = await runCapacityCli(process.argv.slice(2));
process.exit();
