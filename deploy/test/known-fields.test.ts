import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, run } from './support/deploy-tools';
import { scenarios } from './support/deployment-scenarios';
import { nameOf } from './support/k8s-objects';

// The Kubernetes OpenAPI schemas allow unknown fields, and so does the API server unless asked
// to be strict: a misspelt `readinesProbe` would be dropped silently and the pod would run
// without a readiness probe. The kubernetes-models TypeScript interfaces are generated from the
// same schemas but closed, so each rendered object is written out as a typed object literal and
// type-checked: an unknown field is an excess-property error naming the field.

/** Module and interface of the model type for an apiVersion and kind (as the schema validator maps them). */
function modelType(apiVersion: string, kind: string): { module: string; type: string } {
  const [group, version] = apiVersion.includes('/') ? (apiVersion.split('/') as [string, string]) : ['', apiVersion];
  const type = `I${kind}`;
  if (group === 'gateway.networking.k8s.io') return { module: `@kubernetes-models/gateway-api/${group}/${version}/${kind}`, type };
  if (group === 'monitoring.coreos.com') return { module: `@kubernetes-models/prometheus-operator/${group}/${version}/${kind}`, type };
  return { module: group === '' ? `kubernetes-models/${version}/${kind}` : `kubernetes-models/${group}/${version}/${kind}`, type };
}

interface Checked {
  scenario: string;
  object: string;
}

/** Type-checks every object of every scenario in one tsc run; returns errors per scenario. */
function typeCheckAll(): Map<string, string[]> {
  const lines: string[] = [];
  const owners: (Checked | undefined)[] = [];
  const imports = new Map<string, string>();
  const body: { line: string; owner: Checked }[] = [];
  for (const scenario of scenarios()) {
    for (const object of scenario.objects) {
      const { module, type } = modelType(object.apiVersion ?? '', object.kind ?? '');
      const key = `${module}#${type}`;
      if (!imports.has(key)) imports.set(key, `T${imports.size}`);
      body.push({
        line: `export const o${body.length}: ${imports.get(key)} = ${JSON.stringify(object)};`,
        owner: { scenario: scenario.name, object: nameOf(object) },
      });
    }
  }
  for (const [key, alias] of imports) {
    const [module, type] = key.split('#');
    lines.push(`import type { ${type} as ${alias} } from '${module}';`);
    owners.push(undefined);
  }
  for (const { line, owner } of body) {
    lines.push(line);
    owners.push(owner);
  }

  // Inside the repository so the packages resolve from the root node_modules; removed afterwards.
  const cacheDir = join(REPO_ROOT, 'node_modules', '.cache');
  mkdirSync(cacheDir, { recursive: true });
  const dir = mkdtempSync(join(cacheDir, 'campzone-known-fields-'));
  try {
    const file = join(dir, 'rendered-objects.mts');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const tsc = require.resolve('typescript/bin/tsc');
    const args = [
      tsc,
      '--noEmit',
      '--strict',
      '--skipLibCheck',
      '--module',
      'node16',
      '--moduleResolution',
      'node16',
      '--types',
      'node',
      '--pretty',
      'false',
      file,
    ];
    const result = run(process.execPath, args);
    const errors = new Map<string, string[]>(scenarios().map((s) => [s.name, []]));
    for (const message of result.stdout.split('\n').filter((l) => l.includes('error TS'))) {
      const line = Number(/\((\d+),\d+\)/.exec(message)?.[1]);
      const owner = owners[line - 1];
      const text = message.replace(/^.*error (TS\d+): /, '$1 ');
      if (!owner) throw new Error(`type check failed outside the objects (a missing model type?): ${message}`);
      errors.get(owner.scenario)?.push(`${owner.object}: ${text}`);
    }
    if (result.status !== 0 && [...errors.values()].every((e) => e.length === 0)) {
      throw new Error(`tsc failed without object errors: ${result.stdout}${result.stderr}`);
    }
    return errors;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let errors: Map<string, string[]>;
beforeAll(() => {
  errors = typeCheckAll();
});

it.each(scenarios().map((s) => s.name))('%s: renders no field the Kubernetes types do not know', (name) => {
  expect(errors.get(name)).toEqual([]);
});
