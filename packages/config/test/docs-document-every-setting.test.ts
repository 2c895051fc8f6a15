import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayEnvSchema, WorkerEnvSchema } from '../src';

test('the operations guide documents every setting either app reads', () => {
  const guide = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'operations.md'), 'utf8');
  const settings = new Set([...Object.keys(GatewayEnvSchema.properties), ...Object.keys(WorkerEnvSchema.properties)]);
  const undocumented = [...settings].filter((name) => !guide.includes(`\`${name}\``));
  expect(undocumented).toEqual([]);
});
