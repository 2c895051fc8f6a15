import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { EXAMPLES_DIR, helmTemplate, K8S_DIR, kustomize } from './deploy-tools';
import { type K8sObject, parseManifests } from './k8s-objects';

/** One way an operator deploys the system, rendered to the objects Kubernetes would receive. */
export interface Scenario {
  name: string;
  tool: 'helm' | 'kustomize';
  objects: K8sObject[];
}

export const EXAMPLE_VALUES = ['values-production.yaml', 'values-ingress-nginx.yaml', 'values-evaluation.yaml'].map((f) =>
  join(EXAMPLES_DIR, f),
);
export const OVERLAYS = ['dev', 'prod'].map((o) => join(K8S_DIR, 'overlays', o));

/**
 * The base plus every component, so components that no overlay uses (ingress-nginx) are
 * rendered and checked too. Written to a temp dir because kustomize only reads kustomizations.
 */
function renderAllComponents(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cz-kustomize-'));
  try {
    const rel = (p: string) => relative(dir, join(K8S_DIR, p));
    writeFileSync(
      join(dir, 'kustomization.yaml'),
      [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        'namespace: campzone-components',
        `resources: [${rel('base')}]`,
        `components: [${['httproute', 'ingress-nginx', 'servicemonitor', 'in-cluster-datastores'].map((c) => rel(`components/${c}`)).join(', ')}]`,
        'secretGenerator:',
        '  - name: campzone-chat-secrets',
        '    literals: [REDIS_URL=redis://redis:6379/0, MONGO_URL=mongodb://mongodb:27017, JWT_SECRET=components-test-secret]',
        '',
      ].join('\n'),
    );
    return kustomize(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let cached: Scenario[] | undefined;

/** Every rendering the tests check: chart defaults, each example values file, each overlay. */
export function scenarios(): Scenario[] {
  cached ??= [
    { name: 'helm: default values', tool: 'helm', objects: parseManifests(helmTemplate()) },
    ...EXAMPLE_VALUES.map((file) => ({
      name: `helm: ${relative(EXAMPLES_DIR, file)}`,
      tool: 'helm' as const,
      objects: parseManifests(helmTemplate([file])),
    })),
    ...OVERLAYS.map((dir) => ({
      name: `kustomize: ${relative(K8S_DIR, dir)}`,
      tool: 'kustomize' as const,
      objects: parseManifests(kustomize(dir)),
    })),
    { name: 'kustomize: base + all components', tool: 'kustomize', objects: parseManifests(renderAllComponents()) },
  ];
  return cached;
}
