import { join } from 'node:path';
import { run } from './support/deploy-tools';
import { scenarios } from './support/deployment-scenarios';
import { nameOf } from './support/k8s-objects';

// Every object each deployment path produces must be valid for the API server: the core types
// against Kubernetes' OpenAPI schemas, HTTPRoute against Gateway API's and ServiceMonitor
// against prometheus-operator's (all compiled into the kubernetes-models packages).

interface ValidationResult {
  source: string;
  kind: string;
  name: string;
  errors: string[];
}

const VALIDATOR = join(__dirname, 'support', 'validate-k8s-objects.mjs');

function validate(items: { source: string; object: unknown }[]): ValidationResult[] {
  const result = run(process.execPath, [VALIDATOR], { input: JSON.stringify(items) });
  if (result.status !== 0) throw new Error(`schema validator failed (${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout) as ValidationResult[];
}

describe.each(scenarios().map((s) => [s.name, s] as const))('%s', (_name, scenario) => {
  it('renders only objects that validate against their Kubernetes API schemas', () => {
    const results = validate(scenario.objects.map((object) => ({ source: nameOf(object), object })));
    expect(results).toHaveLength(scenario.objects.length);
    const invalid = results.filter((r) => r.errors.length > 0).map((r) => `${r.kind}/${r.name}: ${r.errors.join('; ')}`);
    expect(invalid).toEqual([]);
  });
});

describe('the schema validator', () => {
  it('rejects an object with a wrongly typed field, so a pass means something', () => {
    const broken = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'broken' },
      spec: {
        selector: { matchLabels: { a: 'b' } },
        template: {
          metadata: { labels: { a: 'b' } },
          spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 'http' }] }] },
        },
      },
    };
    const [result] = validate([{ source: 'broken', object: broken }]);
    expect(result?.errors.join(' ')).toMatch(/containerPort must be integer/);
  });

  it('rejects a kind it has no schema for instead of passing it unchecked', () => {
    const [result] = validate([{ source: 'unknown', object: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } } }]);
    expect(result?.errors).toEqual(['no schema for apiVersion example.com/v1 kind Widget']);
  });
});
