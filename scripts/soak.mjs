#!/usr/bin/env node
// `npm run soak`: thin entry; the soak is TypeScript in apps/loadtest (src/soak), built by
// `turbo run build` before this runs.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { runSoakCli } = require('../apps/loadtest/dist/soak/soak-main.js');

process.exitCode = await runSoakCli(process.argv.slice(2));
process.exit();
