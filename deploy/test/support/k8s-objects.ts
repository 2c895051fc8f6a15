import { parseAllDocuments } from 'yaml';

// The slice of the Kubernetes object model the invariant tests read. Everything is optional
// because the tests must fail with a message, not a TypeError, when a field is missing.

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface K8sObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
    fieldRef?: { fieldPath: string };
  };
}

export interface Probe {
  httpGet?: { path?: string; port: string | number };
  tcpSocket?: { port: string | number };
  exec?: { command: string[] };
}

export interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  allowPrivilegeEscalation?: boolean;
  readOnlyRootFilesystem?: boolean;
  capabilities?: { drop?: string[]; add?: string[] };
  seccompProfile?: { type?: string };
}

export interface Container {
  name: string;
  image?: string;
  args?: string[];
  command?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  resources?: { requests?: Record<string, string | number>; limits?: Record<string, string | number> };
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] }; sleep?: { seconds: number } } };
  securityContext?: SecurityContext;
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  securityContext?: SecurityContext & { fsGroup?: number };
  terminationGracePeriodSeconds?: number;
  automountServiceAccountToken?: boolean;
  serviceAccountName?: string;
  topologySpreadConstraints?: { topologyKey: string; labelSelector?: { matchLabels?: Record<string, string> } }[];
}

export interface PodTemplate {
  metadata?: ObjectMeta;
  spec: PodSpec;
}

/** Parses multi-document YAML (helm template / kubectl kustomize output) into objects. */
export function parseManifests(text: string): K8sObject[] {
  const objects: K8sObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`invalid YAML: ${doc.errors[0]?.message}`);
    const value: unknown = doc.toJS();
    if (value !== null && typeof value === 'object') objects.push(value as K8sObject);
  }
  return objects;
}

export const nameOf = (o: K8sObject): string => `${o.kind ?? '?'}/${o.metadata?.name ?? '?'}`;

export function ofKind(objects: K8sObject[], kind: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind);
}

/** The one object of a kind whose name ends with the suffix; throws naming what exists. */
export function findOne(objects: K8sObject[], kind: string, nameSuffix: string): K8sObject {
  const found = ofKind(objects, kind).filter((o) => (o.metadata?.name ?? '').endsWith(nameSuffix));
  if (found.length !== 1) {
    throw new Error(`expected one ${kind} named *${nameSuffix}, found ${found.length} among ${objects.map(nameOf).join(', ')}`);
  }
  return found[0] as K8sObject;
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

/** Workloads that keep pods running, with their pod templates. */
export function workloads(objects: K8sObject[]): { object: K8sObject; template: PodTemplate }[] {
  return objects
    .filter((o) => WORKLOAD_KINDS.has(o.kind ?? ''))
    .map((object) => ({ object, template: (object.spec as { template: PodTemplate }).template }));
}

/** Every pod spec: workloads' templates and bare Pods (helm test hooks). */
export function podSpecs(objects: K8sObject[]): { owner: string; labels: Record<string, string>; spec: PodSpec }[] {
  const fromWorkloads = workloads(objects).map(({ object, template }) => ({
    owner: nameOf(object),
    labels: template.metadata?.labels ?? {},
    spec: template.spec,
  }));
  const pods = ofKind(objects, 'Pod').map((o) => ({
    owner: nameOf(o),
    labels: o.metadata?.labels ?? {},
    spec: o.spec as unknown as PodSpec,
  }));
  return [...fromWorkloads, ...pods];
}

/** True when every label in the selector is on the pod with the same value. */
export function selects(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}
