import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

/** deploy/ and the repository root, from this file's place in deploy/test/support. */
export const DEPLOY_DIR = resolve(__dirname, '..', '..');
export const REPO_ROOT = resolve(DEPLOY_DIR, '..');
export const CHART_DIR = join(DEPLOY_DIR, 'helm', 'campzone-chat');
export const EXAMPLES_DIR = join(DEPLOY_DIR, 'helm', 'examples');
export const K8S_DIR = join(REPO_ROOT, 'k8s');

/**
 * The Kubernetes version templates render for: the oldest the chart's kubeVersion allows is
 * 1.27, but a helm built with `go install` defaults to 1.20, so the version is always explicit.
 */
export const KUBE_VERSION = '1.31.0';

function findExecutable(name: string, extraDirs: string[]): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...extraDirs].filter((d) => d.length > 0);
  return dirs.map((d) => join(d, name)).find((p) => existsSync(p));
}

/** helm from PATH or ~/go/bin (where `go install helm.sh/helm/v3/cmd/helm@...` puts it). */
export function helmPath(): string {
  const found = findExecutable('helm', [join(homedir(), 'go', 'bin'), join(process.env.GOPATH ?? '', 'bin')]);
  if (!found) {
    throw new Error(
      'helm not found on PATH or in ~/go/bin: install it (CI does, via `go install helm.sh/helm/v3/cmd/helm@v3.16.4`) to check the chart',
    );
  }
  return found;
}

export function kubectlPath(): string {
  const found = findExecutable('kubectl', []);
  if (!found) throw new Error('kubectl not found on PATH: it renders the kustomize overlays (`kubectl kustomize`)');
  return found;
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: string[], options: { cwd?: string; input?: string } = {}): RunResult {
  const result: SpawnSyncReturns<string> = spawnSync(command, args, {
    cwd: options.cwd ?? REPO_ROOT,
    input: options.input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs and returns stdout; a non-zero exit throws with the command and its stderr. */
export function runOk(command: string, args: string[], options: { cwd?: string; input?: string } = {}): string {
  const result = run(command, args, options);
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${result.stderr}${result.stdout}`);
  }
  return result.stdout;
}

/** `helm template` of the chart, with values files and --set flags. */
export function helmTemplate(valuesFiles: string[] = [], sets: string[] = []): string {
  return runOk(helmPath(), [
    'template',
    'chat',
    CHART_DIR,
    '--namespace',
    'campzone',
    '--kube-version',
    KUBE_VERSION,
    ...valuesFiles.flatMap((f) => ['--values', f]),
    ...sets.flatMap((s) => ['--set', s]),
  ]);
}

/** `helm template` expected to fail; returns its stderr. */
export function helmTemplateError(valuesFiles: string[] = [], sets: string[] = []): string {
  const result = run(helmPath(), [
    'template',
    'chat',
    CHART_DIR,
    '--kube-version',
    KUBE_VERSION,
    ...valuesFiles.flatMap((f) => ['--values', f]),
    ...sets.flatMap((s) => ['--set', s]),
  ]);
  if (result.status === 0) throw new Error(`helm template succeeded but was expected to fail (values ${valuesFiles} ${sets})`);
  return result.stderr;
}

export function kustomize(dir: string): string {
  return runOk(kubectlPath(), ['kustomize', dir]);
}

/**
 * NOTES.txt as `helm install` would print it. Only install renders NOTES, and install needs a
 * cluster, so a temp copy of the chart renders the same text through `tpl` inside a ConfigMap.
 */
export function helmNotes(valuesFiles: string[] = [], sets: string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'cz-notes-'));
  try {
    const chart = join(dir, 'campzone-chat');
    cpSync(CHART_DIR, chart, { recursive: true });
    renameSync(join(chart, 'templates', 'NOTES.txt'), join(chart, 'notes-source.txt'));
    writeFileSync(
      join(chart, 'templates', 'notes-rendered.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\ndata:\n  notes: {{ tpl (.Files.Get "notes-source.txt") . | toJson }}\n',
    );
    const out = runOk(helmPath(), [
      'template',
      'chat',
      chart,
      '--namespace',
      'campzone',
      '--kube-version',
      KUBE_VERSION,
      '--show-only',
      'templates/notes-rendered.yaml',
      ...valuesFiles.flatMap((f) => ['--values', f]),
      ...sets.flatMap((s) => ['--set', s]),
    ]);
    const notes = /^ {2}notes: (".*")$/m.exec(out)?.[1];
    if (!notes) throw new Error(`NOTES.txt did not render:\n${out}`);
    return JSON.parse(notes) as string;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
