import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CHART_DIR, helmNotes, helmPath, helmTemplate, helmTemplateError, KUBE_VERSION, run } from './support/deploy-tools';
import { EXAMPLE_VALUES } from './support/deployment-scenarios';
import { findOne, type K8sObject, ofKind, parseManifests } from './support/k8s-objects';

// The chart as an operator meets it: lint, the values schema, the guards that refuse unsafe
// values, and what the routing switches render.

const render = (sets: string[] = [], files: string[] = []): K8sObject[] => parseManifests(helmTemplate(files, sets));
const annotationsOf = (o: K8sObject): Record<string, string> => o.metadata?.annotations ?? {};

describe('helm lint --strict', () => {
  it('passes with the default values', () => {
    const result = run(helmPath(), ['lint', '--strict', CHART_DIR, '--kube-version', KUBE_VERSION]);
    expect(result.stderr + result.stdout).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    expect(result.status).toBe(0);
  });

  it.each(EXAMPLE_VALUES.map((f) => [f.split('/').pop(), f]))('passes with %s', (_name, file) => {
    const result = run(helmPath(), ['lint', '--strict', CHART_DIR, '--kube-version', KUBE_VERSION, '--values', file as string]);
    expect(result.stderr + result.stdout).toMatch(/0 chart\(s\) failed/);
    expect(result.status).toBe(0);
  });
});

describe('values.schema.json', () => {
  const schema = JSON.parse(readFileSync(join(CHART_DIR, 'values.schema.json'), 'utf8')) as SchemaNode;
  const values = parse(readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8')) as Record<string, unknown>;

  interface SchemaNode {
    type?: string | string[];
    properties?: Record<string, SchemaNode>;
    additionalProperties?: boolean | SchemaNode;
    $ref?: string;
    definitions?: Record<string, SchemaNode>;
  }
  const resolve = (node: SchemaNode): SchemaNode =>
    node.$ref ? (schema.definitions?.[node.$ref.replace('#/definitions/', '')] ?? {}) : node;

  /** Paths in values.yaml the schema does not name, skipping maps the schema declares free-form. */
  function undescribed(value: unknown, node: SchemaNode, path: string): string[] {
    const n = resolve(node);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
    if (!n.properties) return n.type === 'object' || n.additionalProperties ? [] : [path];
    return Object.entries(value).flatMap(([k, v]) => {
      const child = n.properties?.[k];
      if (child) return undescribed(v, child, `${path}.${k}`);
      return n.additionalProperties === false ? [`${path}.${k}`] : [];
    });
  }

  it('describes every key in values.yaml', () => {
    expect(undescribed(values, schema, 'values')).toEqual([]);
  });

  it('refuses a misspelt key instead of ignoring it', () => {
    expect(helmTemplateError([], ['gateway.replicas=5'])).toMatch(/gateway: Additional property replicas is not allowed/);
  });

  it('refuses a value of the wrong type or out of range', () => {
    expect(helmTemplateError([], ['gateway.port=http'])).toMatch(/gateway\.port: Invalid type. Expected: integer/);
    expect(helmTemplateError([], ['config.logLevel=verbose'])).toMatch(/config\.logLevel must be one of the following/);
    expect(helmTemplateError([], ['auth.jwtSecret=short'])).toMatch(/auth\.jwtSecret: Must validate at least one schema/);
  });
});

describe('guards', () => {
  it('refuses a grace period that does not cover preStop plus the drain', () => {
    expect(helmTemplateError([], ['gateway.terminationGracePeriodSeconds=25'])).toMatch(
      /gateway\.terminationGracePeriodSeconds \(25\) must exceed gateway\.drain\.preStopSeconds \+ gateway\.drain\.timeoutSeconds \+ gateway\.drain\.disconnectSeconds \(33\)/,
    );
  });

  it('refuses an autoscaling minimum above the maximum', () => {
    expect(helmTemplateError([], ['gateway.autoscaling.minReplicas=9', 'gateway.autoscaling.maxReplicas=4'])).toMatch(
      /gateway\.autoscaling\.minReplicas \(9\) must not exceed gateway\.autoscaling\.maxReplicas \(4\)/,
    );
  });

  it('refuses an HTTPRoute with no Gateway to attach to', () => {
    expect(helmTemplateError([], ['httpRoute.enabled=true'])).toMatch(/httpRoute\.parentRefs/);
  });

  it('refuses both a JWT secret and a public key, and an RS256 algorithm without a key', () => {
    expect(helmTemplateError([], ['auth.jwtSecret=0123456789abcdef0123', 'auth.jwtPublicKey=-----BEGIN PUBLIC KEY-----x'])).toMatch(
      /exclusive/,
    );
    expect(helmTemplateError([], ['auth.algorithm=RS256'])).toMatch(/auth\.algorithm RS256 needs auth\.jwtPublicKey/);
  });
});

describe('drain settings', () => {
  it('passes the drain budget to the app and the preStop wait to the container', () => {
    const objects = render([
      'gateway.drain.preStopSeconds=7',
      'gateway.drain.timeoutSeconds=33',
      'gateway.terminationGracePeriodSeconds=50',
    ]);
    expect(findOne(objects, 'ConfigMap', '-gateway').data?.SHUTDOWN_TIMEOUT_MS).toBe('33000');
    const pod = (
      findOne(objects, 'Deployment', '-gateway').spec as {
        template: { spec: { terminationGracePeriodSeconds: number; containers: { lifecycle: unknown }[] } };
      }
    ).template.spec;
    expect(pod.terminationGracePeriodSeconds).toBe(50);
    expect(pod.containers[0]?.lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '7'] } } });
  });
});

describe('WebSocket routing', () => {
  const ingressHosts = ['ingress.enabled=true', 'ingress.hosts[0]=chat.example.edu'];
  const route = ['httpRoute.enabled=true', 'httpRoute.parentRefs[0].name=public'];

  it('keeps idle WebSockets open through ingress-nginx, without affinity for WebSocket-only clients', () => {
    const objects = render(ingressHosts);
    const annotations = annotationsOf(findOne(objects, 'Ingress', '-gateway'));
    expect(annotations['nginx.ingress.kubernetes.io/proxy-read-timeout']).toBe('3600');
    expect(annotations['nginx.ingress.kubernetes.io/proxy-send-timeout']).toBe('3600');
    expect(annotations['nginx.ingress.kubernetes.io/affinity']).toBeUndefined();
    expect(findOne(objects, 'ConfigMap', '-gateway').data?.SOCKET_TRANSPORTS).toBe('websocket');
  });

  it('adds cookie affinity on the Ingress and session persistence on the HTTPRoute when polling is on', () => {
    const objects = render([...ingressHosts, ...route, 'gateway.polling.enabled=true']);
    const annotations = annotationsOf(findOne(objects, 'Ingress', '-gateway'));
    expect(annotations['nginx.ingress.kubernetes.io/affinity']).toBe('cookie');
    expect(annotations['nginx.ingress.kubernetes.io/affinity-mode']).toBe('persistent');
    const rules = (findOne(objects, 'HTTPRoute', '-gateway').spec as { rules: { sessionPersistence?: { type: string } }[] }).rules;
    expect(rules[0]?.sessionPersistence?.type).toBe('Cookie');
    expect(findOne(objects, 'ConfigMap', '-gateway').data?.SOCKET_TRANSPORTS).toBe('websocket,polling');
  });

  it('routes the HTTPRoute to the gateway Service with no request timeout', () => {
    const objects = render(route);
    const spec = findOne(objects, 'HTTPRoute', '-gateway').spec as {
      rules: { backendRefs: { name: string; port: number }[]; timeouts?: { request?: string }; sessionPersistence?: unknown }[];
    };
    const service = findOne(objects, 'Service', '-gateway');
    expect(spec.rules[0]?.backendRefs).toEqual([{ name: service.metadata?.name, port: 80 }]);
    expect(spec.rules[0]?.timeouts?.request).toBe('0s');
    expect(spec.rules[0]?.sessionPersistence).toBeUndefined();
  });
});

describe('replicas and scaling', () => {
  it('sets gateway replicas from gateway.replicaCount only when autoscaling is off', () => {
    const fixed = render(['gateway.autoscaling.enabled=false', 'gateway.replicaCount=5']);
    expect((findOne(fixed, 'Deployment', '-gateway').spec as { replicas?: number }).replicas).toBe(5);
    expect(ofKind(fixed, 'HorizontalPodAutoscaler')).toEqual([]);
    const scaled = render(['gateway.autoscaling.minReplicas=4', 'gateway.autoscaling.maxReplicas=40']);
    expect(findOne(scaled, 'HorizontalPodAutoscaler', '-gateway').spec as { minReplicas: number; maxReplicas: number }).toMatchObject({
      minReplicas: 4,
      maxReplicas: 40,
    });
  });

  it('sets worker replicas from worker.replicaCount', () => {
    expect((findOne(render(['worker.replicaCount=6']), 'Deployment', '-worker').spec as { replicas?: number }).replicas).toBe(6);
  });
});

describe('secrets', () => {
  it('creates no Secret with existingSecret, and reads every secret variable from the one named', () => {
    const objects = render(['secrets.existingSecret=mine']);
    expect(ofKind(objects, 'Secret')).toEqual([]);
    const refs = ofKind(objects, 'Deployment').flatMap((d) =>
      (
        d.spec as { template: { spec: { containers: { env: { valueFrom?: { secretKeyRef?: { name: string } } }[] }[] } } }
      ).template.spec.containers
        .flatMap((c) => c.env)
        .flatMap((e) => (e.valueFrom?.secretKeyRef ? [e.valueFrom.secretKeyRef.name] : [])),
    );
    expect(refs.length).toBeGreaterThan(0);
    expect(new Set(refs)).toEqual(new Set(['mine']));
  });

  it('puts the datastore URLs, the JWT key and the master key in the Secret', () => {
    const key = 'a'.repeat(64);
    const objects = render([
      'externalRedis.url=redis://:pw@redis.internal:6379/0',
      'externalMongodb.url=mongodb://u:pw@mongo.internal:27017',
      'auth.jwtSecret=0123456789abcdef0123',
      `encryption.masterKey=${key}`,
    ]);
    expect(findOne(objects, 'Secret', 'chat-campzone-chat').stringData).toEqual({
      REDIS_URL: 'redis://:pw@redis.internal:6379/0',
      MONGO_URL: 'mongodb://u:pw@mongo.internal:27017',
      JWT_SECRET: '0123456789abcdef0123',
      ENCRYPTION_MASTER_KEY: key,
    });
  });

  it('generates a JWT secret when none is given, so the gateway can start', () => {
    const secret = findOne(render(), 'Secret', 'chat-campzone-chat');
    expect(secret.stringData?.JWT_SECRET).toMatch(/^[A-Za-z0-9]{48}$/);
  });
});

describe('optional in-chart Redis and MongoDB', () => {
  const chart = parse(readFileSync(join(CHART_DIR, 'Chart.yaml'), 'utf8')) as { dependencies: { name: string; condition: string }[] };

  it('declares them as dependencies switched by redis.enabled and mongodb.enabled, off by default', () => {
    expect(chart.dependencies.map((d) => [d.name, d.condition])).toEqual([
      ['redis', 'redis.enabled'],
      ['mongodb', 'mongodb.enabled'],
    ]);
    expect(ofKind(render(), 'StatefulSet')).toEqual([]);
  });

  it('points the apps at them, with their passwords, when enabled', () => {
    const objects = render([
      'redis.enabled=true',
      'redis.auth.password=r3dis pass',
      'mongodb.enabled=true',
      'mongodb.auth.rootPassword=m0ngo',
    ]);
    expect(
      ofKind(objects, 'StatefulSet')
        .map((s) => s.metadata?.name)
        .sort(),
    ).toEqual(['chat-mongodb', 'chat-redis']);
    const data = findOne(objects, 'Secret', 'chat-campzone-chat').stringData;
    expect(data?.REDIS_URL).toBe('redis://:r3dis+pass@chat-redis:6379/0');
    expect(data?.MONGO_URL).toBe('mongodb://root:m0ngo@chat-mongodb:27017/?authSource=admin');
    expect(ofKind(objects, 'Service').map((s) => s.metadata?.name)).toEqual(expect.arrayContaining(['chat-redis', 'chat-mongodb']));
  });
});

describe('helm test', () => {
  it('ships a test hook that checks readiness and the WebSocket upgrade through the Services', () => {
    const [pod] = ofKind(render(), 'Pod');
    expect(annotationsOf(pod as K8sObject)['helm.sh/hook']).toBe('test');
    const script = JSON.stringify(pod?.spec);
    expect(script).toMatch(/\/readyz/);
    expect(script).toMatch(/transport=websocket/);
    expect(script).toMatch(/101/);
  });
});

describe('NOTES.txt', () => {
  it('tells how to reach, test and scale the release, and warns while the datastore URLs and JWT key are defaults', () => {
    const notes = helmNotes();
    expect(notes).toMatch(/kubectl -n campzone port-forward svc\/chat-campzone-chat-gateway 3000:80/);
    expect(notes).toMatch(/helm test chat -n campzone/);
    expect(notes).toMatch(/kubectl -n campzone scale deploy\/chat-campzone-chat-worker --replicas=N/);
    expect(notes).toMatch(/WARNING: externalRedis\.url is still the default/);
    expect(notes).toMatch(/WARNING: externalMongodb\.url is still the default/);
    expect(notes).toMatch(/a random JWT_SECRET was generated/);
  });

  it('shows the public URL and no warnings for the production example', () => {
    const notes = helmNotes([EXAMPLE_VALUES[0] as string]);
    expect(notes).toMatch(/https:\/\/chat\.example\.edu\//);
    expect(notes).not.toMatch(/WARNING|NOTE:/);
  });

  it('warns when polling is on but nothing in the chart provides affinity', () => {
    expect(helmNotes([], ['gateway.polling.enabled=true'])).toMatch(/WARNING: gateway\.polling\.enabled is on but no route is enabled/);
  });
});

describe('a Redis Cluster', () => {
  it('externalRedis.clusterNodes sets REDIS_CLUSTER_NODES and the sharded adapter for both apps, and no REDIS_URL', () => {
    const objects = render(['externalRedis.clusterNodes={redis-0.redis:6379,redis-1.redis:6379}']);
    for (const app of ['-gateway', '-worker']) {
      expect(findOne(objects, 'ConfigMap', app).data).toMatchObject({
        REDIS_CLUSTER_NODES: 'redis-0.redis:6379,redis-1.redis:6379',
        REDIS_ADAPTER: 'sharded',
      });
      const env = JSON.stringify(findOne(objects, 'Deployment', app).spec);
      expect(env).not.toContain('REDIS_URL');
    }
    expect(findOne(objects, 'Secret', 'chat-campzone-chat').stringData?.REDIS_URL).toBeUndefined();
  });

  it('leaves one Redis (REDIS_URL, the chosen adapter) as the default', () => {
    const objects = render();
    expect(findOne(objects, 'ConfigMap', '-worker').data?.REDIS_CLUSTER_NODES).toBeUndefined();
    expect(findOne(objects, 'ConfigMap', '-worker').data?.REDIS_ADAPTER).toBe('classic');
    expect(findOne(objects, 'Secret', 'chat-campzone-chat').stringData?.REDIS_URL).toBe('redis://redis:6379/0');
  });

  it('refuses a seed node that is not host:port', () => {
    expect(helmTemplateError([], ['externalRedis.clusterNodes={redis://redis-0:6379}'])).toMatch(/clusterNodes/);
  });
});

describe('Redis behind Sentinel', () => {
  it('externalRedis.sentinels and sentinelMaster set REDIS_SENTINELS and REDIS_SENTINEL_MASTER for both apps, and no REDIS_URL', () => {
    const objects = render(['externalRedis.sentinels={sentinel-0:26379,sentinel-1:26379}', 'externalRedis.sentinelMaster=cz-main']);
    for (const app of ['-gateway', '-worker']) {
      expect(findOne(objects, 'ConfigMap', app).data).toMatchObject({
        REDIS_SENTINELS: 'sentinel-0:26379,sentinel-1:26379',
        REDIS_SENTINEL_MASTER: 'cz-main',
        REDIS_ADAPTER: 'classic',
      });
      expect(JSON.stringify(findOne(objects, 'Deployment', app).spec)).not.toContain('REDIS_URL');
    }
    expect(findOne(objects, 'Secret', 'chat-campzone-chat').stringData?.REDIS_URL).toBeUndefined();
  });

  it('refuses sentinels without a master name, with a cluster, or not host:port', () => {
    expect(helmTemplateError([], ['externalRedis.sentinels={sentinel-0:26379}'])).toMatch(/sentinelMaster is required/);
    expect(
      helmTemplateError([], ['externalRedis.sentinels={s:26379}', 'externalRedis.sentinelMaster=m', 'externalRedis.clusterNodes={r:6379}']),
    ).toMatch(/exclusive/);
    expect(helmTemplateError([], ['externalRedis.sentinels={redis://s:26379}', 'externalRedis.sentinelMaster=m'])).toMatch(/sentinels/);
  });
});
