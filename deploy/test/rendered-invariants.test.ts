import { scenarios } from './support/deployment-scenarios';
import {
  type Container,
  type EnvVar,
  type K8sObject,
  nameOf,
  ofKind,
  type PodSpec,
  podSpecs,
  selects,
  workloads,
} from './support/k8s-objects';

// Properties of the rendered objects that a production deployment depends on, checked on every
// deployment path (chart defaults, each example values file, each kustomize overlay).

/** Env names that are, or may carry, secrets: they belong in a Secret, never a ConfigMap. */
const SECRET_ENV_NAMES = ['JWT_SECRET', 'JWT_PUBLIC_KEY', 'ENCRYPTION_MASTER_KEY', 'BULL_BOARD_PASSWORD', 'REDIS_URL', 'MONGO_URL'];

const isApp = (c: Container, app: 'gateway' | 'worker') => (c.args ?? c.command ?? []).includes(`apps/${app}/dist/main.js`);

function matchLabelsOf(o: K8sObject): Record<string, string> | undefined {
  const spec = o.spec as { selector?: { matchLabels?: Record<string, string> } | Record<string, string> } | undefined;
  if (o.kind === 'Service') return spec?.selector as Record<string, string> | undefined;
  return (spec?.selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels;
}

/** Value of an env name as the container sees it: env entries, then envFrom ConfigMaps. */
function envValue(objects: K8sObject[], c: Container, name: string): string | undefined {
  const direct = c.env?.find((e) => e.name === name);
  if (direct?.value !== undefined) return direct.value;
  for (const from of c.envFrom ?? []) {
    const cm = ofKind(objects, 'ConfigMap').find((o) => o.metadata?.name === from.configMapRef?.name);
    const value = cm?.data?.[name];
    if (value !== undefined) return value;
  }
  return undefined;
}

function containersOf(spec: PodSpec): Container[] {
  return [...(spec.initContainers ?? []), ...spec.containers];
}

describe.each(scenarios().map((s) => [s.name, s] as const))('%s', (_name, scenario) => {
  const { objects } = scenario;
  const long = workloads(objects);
  const pods = podSpecs(objects);

  it('runs both apps: a gateway and a worker Deployment', () => {
    const apps = long.flatMap(({ template }) => template.spec.containers);
    expect(apps.filter((c) => isApp(c, 'gateway'))).toHaveLength(1);
    expect(apps.filter((c) => isApp(c, 'worker'))).toHaveLength(1);
  });

  it('gives every container CPU and memory requests and a memory limit', () => {
    const unsized = pods.flatMap(({ owner, spec }) =>
      containersOf(spec)
        .filter((c) => !(c.resources?.requests?.cpu && c.resources?.requests?.memory && c.resources?.limits?.memory))
        .map((c) => `${owner}/${c.name}`),
    );
    expect(unsized).toEqual([]);
  });

  it('gives every long-running container startup, liveness and readiness probes', () => {
    const unprobed = long.flatMap(({ object, template }) =>
      template.spec.containers
        .filter((c) => !(c.startupProbe && c.livenessProbe && c.readinessProbe))
        .map((c) => `${nameOf(object)}/${c.name}`),
    );
    expect(unprobed).toEqual([]);
  });

  it('probes the apps on /healthz for liveness and /readyz for readiness, on a declared port', () => {
    for (const { template } of long) {
      for (const c of template.spec.containers.filter((x) => isApp(x, 'gateway') || isApp(x, 'worker'))) {
        expect(c.startupProbe?.httpGet?.path).toBe('/healthz');
        expect(c.livenessProbe?.httpGet?.path).toBe('/healthz');
        expect(c.readinessProbe?.httpGet?.path).toBe('/readyz');
        const portNames = (c.ports ?? []).map((p) => p.name);
        for (const probe of [c.startupProbe, c.livenessProbe, c.readinessProbe]) expect(portNames).toContain(probe?.httpGet?.port);
      }
    }
  });

  it('runs every container as non-root, without privilege escalation, capabilities or a writable root', () => {
    const problems: string[] = [];
    for (const { owner, spec } of pods) {
      for (const c of containersOf(spec)) {
        const where = `${owner}/${c.name}`;
        const nonRoot = c.securityContext?.runAsNonRoot ?? spec.securityContext?.runAsNonRoot;
        const uid = c.securityContext?.runAsUser ?? spec.securityContext?.runAsUser;
        const seccomp = c.securityContext?.seccompProfile?.type ?? spec.securityContext?.seccompProfile?.type;
        if (nonRoot !== true) problems.push(`${where}: runAsNonRoot is not true`);
        if (uid === 0) problems.push(`${where}: runAsUser is 0`);
        if (c.securityContext?.allowPrivilegeEscalation !== false) problems.push(`${where}: allowPrivilegeEscalation is not false`);
        if (c.securityContext?.readOnlyRootFilesystem !== true) problems.push(`${where}: root filesystem is writable`);
        if (!c.securityContext?.capabilities?.drop?.includes('ALL')) problems.push(`${where}: capabilities not dropped`);
        if ((c.securityContext?.capabilities?.add ?? []).length > 0) problems.push(`${where}: adds capabilities`);
        if (seccomp !== 'RuntimeDefault') problems.push(`${where}: seccomp profile is ${seccomp}`);
      }
      if (spec.automountServiceAccountToken !== false) problems.push(`${owner}: mounts a service account token`);
    }
    expect(problems).toEqual([]);
  });

  it('mounts a writable /tmp for the apps, whose root filesystem is read-only', () => {
    for (const { template } of long) {
      for (const c of template.spec.containers.filter((x) => isApp(x, 'gateway') || isApp(x, 'worker'))) {
        const mounts = (c as Container & { volumeMounts?: { mountPath: string }[] }).volumeMounts ?? [];
        expect(mounts.map((m) => m.mountPath)).toContain('/tmp');
      }
    }
  });

  it('names each app pod after itself through the downward API', () => {
    for (const { template } of long) {
      for (const c of template.spec.containers.filter((x) => isApp(x, 'gateway') || isApp(x, 'worker'))) {
        expect(c.env?.find((e) => e.name === 'POD_NAME')?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.name');
      }
    }
  });

  it('has PodDisruptionBudgets and Services whose selectors match the pods of exactly one workload', () => {
    const selectorOwners = [...ofKind(objects, 'PodDisruptionBudget'), ...ofKind(objects, 'Service')];
    expect(selectorOwners.length).toBeGreaterThan(0);
    for (const o of selectorOwners) {
      const matched = long.filter(({ template }) => selects(matchLabelsOf(o), template.metadata?.labels ?? {}));
      expect({ object: nameOf(o), matched: matched.map((m) => nameOf(m.object)) }).toEqual({
        object: nameOf(o),
        matched: [expect.any(String)],
      });
    }
    // Both apps are covered by a disruption budget.
    for (const app of ['gateway', 'worker'] as const) {
      const workload = long.find(({ template }) => template.spec.containers.some((c) => isApp(c, app)));
      const pdbs = ofKind(objects, 'PodDisruptionBudget').filter((p) =>
        selects(matchLabelsOf(p), workload?.template.metadata?.labels ?? {}),
      );
      expect({ app, pdbs: pdbs.length }).toEqual({ app, pdbs: 1 });
    }
  });

  it('points every Service port at a port the selected pods declare', () => {
    for (const svc of ofKind(objects, 'Service')) {
      const [target] = long.filter(({ template }) => selects(matchLabelsOf(svc), template.metadata?.labels ?? {}));
      const declared = (target?.template.spec.containers ?? []).flatMap((c) => (c.ports ?? []).flatMap((p) => [p.name, p.containerPort]));
      for (const port of (svc.spec as { ports: { targetPort?: string | number; port: number }[] }).ports) {
        expect({
          service: nameOf(svc),
          targetPort: port.targetPort ?? port.port,
          declared: declared.includes(port.targetPort ?? port.port),
        }).toEqual({
          service: nameOf(svc),
          targetPort: port.targetPort ?? port.port,
          declared: true,
        });
      }
    }
  });

  it('lets the gateway outlive preStop plus its drain before Kubernetes kills it', () => {
    const gateway = long.find(({ template }) => template.spec.containers.some((c) => isApp(c, 'gateway')));
    const container = gateway?.template.spec.containers.find((c) => isApp(c, 'gateway'));
    expect(container).toBeDefined();
    const c = container as Container;
    const preStop = c.lifecycle?.preStop?.exec?.command;
    expect(preStop?.[0]).toBe('sleep');
    const preStopSeconds = Number(preStop?.[1]);
    // The app's drain budget; the schema default applies when the manifests leave it unset.
    const drainSeconds = Number(envValue(objects, c, 'SHUTDOWN_TIMEOUT_MS') ?? '10000') / 1000;
    const grace = gateway?.template.spec.terminationGracePeriodSeconds ?? 30;
    expect(preStopSeconds).toBeGreaterThan(0);
    expect(grace).toBeGreaterThan(preStopSeconds + drainSeconds);
  });

  it('rolls gateways by adding a pod before removing one', () => {
    const gateway = long.find(({ template }) => template.spec.containers.some((c) => isApp(c, 'gateway')));
    const strategy = (gateway?.object.spec as { strategy?: { rollingUpdate?: { maxUnavailable?: number | string } } } | undefined)
      ?.strategy;
    expect(strategy?.rollingUpdate?.maxUnavailable).toBe(0);
  });

  it('spreads gateway pods over zones and nodes with a selector that matches them', () => {
    const gateway = long.find(({ template }) => template.spec.containers.some((c) => isApp(c, 'gateway')));
    const spread = gateway?.template.spec.topologySpreadConstraints ?? [];
    expect(spread.map((s) => s.topologyKey)).toEqual(expect.arrayContaining(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']));
    for (const s of spread) expect(selects(s.labelSelector?.matchLabels, gateway?.template.metadata?.labels ?? {})).toBe(true);
  });

  it('autoscales gateways with autoscaling/v2 and a slow scale-down, leaving the replica count to the HPA', () => {
    for (const hpa of ofKind(objects, 'HorizontalPodAutoscaler')) {
      expect(hpa.apiVersion).toBe('autoscaling/v2');
      const spec = hpa.spec as {
        scaleTargetRef: { kind: string; name: string };
        behavior?: { scaleDown?: { stabilizationWindowSeconds?: number; policies?: { type: string; value: number }[] } };
      };
      const target = ofKind(objects, spec.scaleTargetRef.kind).find((o) => o.metadata?.name === spec.scaleTargetRef.name);
      expect(target).toBeDefined();
      expect((target?.spec as { replicas?: number } | undefined)?.replicas).toBeUndefined();
      // Reconnect storms come and go within minutes: scale-down waits them out, one pod at a time.
      expect(spec.behavior?.scaleDown?.stabilizationWindowSeconds).toBeGreaterThanOrEqual(300);
      expect(spec.behavior?.scaleDown?.policies).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'Pods', value: 1 })]));
    }
  });

  it('keeps secrets out of ConfigMaps', () => {
    const leaks: string[] = [];
    for (const cm of ofKind(objects, 'ConfigMap')) {
      for (const [key, value] of Object.entries(cm.data ?? {})) {
        if (SECRET_ENV_NAMES.includes(key) || /SECRET|PASSWORD|PRIVATE|TOKEN$/.test(key)) leaks.push(`${nameOf(cm)}: ${key}`);
        if (/:\/\/[^/@\s]*:[^/@\s]+@/.test(value)) leaks.push(`${nameOf(cm)}: ${key} holds a URL with a password`);
        if (/-----BEGIN/.test(value)) leaks.push(`${nameOf(cm)}: ${key} holds a PEM block`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it('reads every secret setting from a Secret, and every Secret or ConfigMap it names exists (or is documented as yours)', () => {
    const problems: string[] = [];
    // The prod overlay and values-production.yaml use a Secret the operator creates beforehand.
    const external = new Set(['campzone-chat-secrets']);
    const secrets = ofKind(objects, 'Secret');
    for (const { owner, spec } of pods) {
      for (const c of containersOf(spec)) {
        for (const e of c.env ?? ([] as EnvVar[])) {
          if (SECRET_ENV_NAMES.includes(e.name) && !e.valueFrom?.secretKeyRef)
            problems.push(`${owner}/${c.name}: ${e.name} is not from a Secret`);
          const ref = e.valueFrom?.secretKeyRef;
          if (!ref) continue;
          const secret = secrets.find((s) => s.metadata?.name === ref.name);
          if (!secret) {
            if (!external.has(ref.name)) problems.push(`${owner}/${c.name}: Secret ${ref.name} does not exist`);
            continue;
          }
          const keys = [...Object.keys(secret.data ?? {}), ...Object.keys(secret.stringData ?? {})];
          if (!ref.optional && !keys.includes(ref.key)) problems.push(`${owner}/${c.name}: Secret ${ref.name} has no ${ref.key}`);
        }
        for (const from of c.envFrom ?? []) {
          const name = from.configMapRef?.name;
          if (name && !ofKind(objects, 'ConfigMap').some((cm) => cm.metadata?.name === name)) {
            problems.push(`${owner}/${c.name}: ConfigMap ${name} does not exist`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('gives the gateway exactly one kind of JWT key to verify tokens with', () => {
    const secrets = ofKind(objects, 'Secret');
    const gatewayContainer = long.flatMap(({ template }) => template.spec.containers).find((c) => isApp(c, 'gateway')) as Container;
    const jwtRefs = (gatewayContainer.env ?? []).filter((e) => e.name === 'JWT_SECRET' || e.name === 'JWT_PUBLIC_KEY');
    expect(jwtRefs.length).toBeGreaterThan(0);
    const ref = jwtRefs[0]?.valueFrom?.secretKeyRef;
    const secret = secrets.find((s) => s.metadata?.name === ref?.name);
    if (secret) {
      const keys = [...Object.keys(secret.data ?? {}), ...Object.keys(secret.stringData ?? {})];
      expect(keys.filter((k) => k === 'JWT_SECRET' || k === 'JWT_PUBLIC_KEY')).toHaveLength(1);
    }
  });
});
