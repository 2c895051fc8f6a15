import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayEnvSchema, WorkerEnvSchema } from '../src';

test('the README documents every setting either app reads', () => {
  const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
  const settings = new Set([...Object.keys(GatewayEnvSchema.properties), ...Object.keys(WorkerEnvSchema.properties)]);
  const undocumented = [...settings].filter((name) => !readme.includes(`\`${name}\``));
  expect(undocumented).toEqual([]);
});
