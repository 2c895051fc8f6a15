#!/usr/bin/env node
// `npm run cluster -- --gateways 3`: thin entry; the launcher is TypeScript in apps/loadtest
// (src/cluster/cluster-main.ts), built by `turbo run build` before this runs.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { runClusterCli } = require('../apps/loadtest/dist/cluster/cluster-main.js');

process.exitCode = await runClusterCli(process.argv.slice(2));
process.exit();
