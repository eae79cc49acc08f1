/**
 * End-to-end harness: the real helm binaries (scripts/fetch-helm), the real local control plane
 * (scripts/local-cluster), the plugin installed with `helm plugin install` into a temporary helm home whose
 * path has spaces. Assertions read cluster state, release history and exit codes.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
  type KubernetesObject,
  type V1Job,
  type V1Pod,
  Watch,
} from '@kubernetes/client-node';
import { execa } from 'execa';

export const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const CHART = join(REPO, 'test/fixtures/charts/hooks');
export const MAJORS = (process.env.HPH_E2E_MAJORS ?? '3,4').split(',').map(Number) as Array<3 | 4>;

function lastLine(out: string): string {
  return out.trim().split('\n').pop() as string;
}

let kubeconfigPath: string | undefined;
export function kubeconfig(): string {
  if (kubeconfigPath) return kubeconfigPath;
  try {
    kubeconfigPath = lastLine(execFileSync(join(REPO, 'scripts/local-cluster'), ['kubeconfig'], { encoding: 'utf8' }));
  } catch {
    throw new Error(
      'the local control plane is not running: run the e2e suite through `npm test` (or scripts/with-cluster)',
    );
  }
  return kubeconfigPath;
}

let kc: KubeConfig | undefined;
export function kube(): { kc: KubeConfig; core: CoreV1Api; batch: BatchV1Api } {
  if (!kc) {
    kc = new KubeConfig();
    kc.loadFromFile(kubeconfig());
  }
  return { kc, core: kc.makeApiClient(CoreV1Api), batch: kc.makeApiClient(BatchV1Api) };
}

interface HelmSetup {
  bin: string;
  env: Record<string, string>;
}
const setups = new Map<number, HelmSetup>();

/** helm of one major with its own temporary home (path with spaces) and the plugin installed into it. */
export async function helmSetup(major: 3 | 4): Promise<HelmSetup> {
  const existing = setups.get(major);
  if (existing) return existing;
  const bin = lastLine(execFileSync(join(REPO, 'scripts/fetch-helm'), [String(major)], { encoding: 'utf8' }));
  const home = mkdtempSync(join(tmpdir(), `hph e2e helm${major} `));
  const env: Record<string, string> = {
    KUBECONFIG: kubeconfig(),
    HELM_DATA_HOME: join(home, 'data home'),
    HELM_CONFIG_HOME: join(home, 'config home'),
    HELM_CACHE_HOME: join(home, 'cache home'),
    HELM_PARALLEL_HOOKS_OUTPUT: 'plain',
  };
  for (const dir of [env.HELM_DATA_HOME, env.HELM_CONFIG_HOME, env.HELM_CACHE_HOME])
    mkdirSync(dir as string, { recursive: true });
  const installed = await execa(bin, ['plugin', 'install', REPO], { env, reject: false });
  if (installed.exitCode !== 0) throw new Error(`helm ${major} plugin install failed:\n${installed.stderr}`);
  const setup = { bin, env };
  setups.set(major, setup);
  return setup;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs `helm ARGS` (plain helm, or `parallel-hooks ...` for the plugin) with the major's home. */
export async function helm(major: 3 | 4, args: string[], extraEnv: Record<string, string> = {}): Promise<RunResult> {
  const { bin, env } = await helmSetup(major);
  const r = await execa(bin, args, { env: { ...env, ...extraEnv }, reject: false, stdin: 'ignore' });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

let counter = 0;
/**
 * A fresh namespace, ready for pods (its default ServiceAccount exists). The controller-manager makes that
 * ServiceAccount; right after a fault test has restarted the API server its informers re-list with back-off,
 * and once took more than 20 s to: it gets 90 s (a set-up wait, not a measure).
 */
export async function namespace(prefix: string, create = true): Promise<string> {
  const name = `${prefix}-${process.pid.toString(36)}-${(counter++).toString(36)}`.toLowerCase().slice(0, 63);
  if (!create) return name;
  const { core } = kube();
  await core.createNamespace({ body: { metadata: { name } } });
  for (let i = 0; i < 900; i++) {
    try {
      await core.readNamespacedServiceAccount({ name: 'default', namespace: name });
      return name;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`namespace ${name}: the default ServiceAccount never appeared`);
}

export async function dropNamespace(name: string): Promise<void> {
  try {
    await kube().core.deleteNamespace({ name });
  } catch {
    // already gone
  }
}

/** Hook-ish objects in a namespace, as sorted "Kind/name" strings (job pods by their job, helm's own secrets left out). */
export async function objectsIn(ns: string): Promise<string[]> {
  const { core, batch } = kube();
  const [jobs, pods, cms, secrets, sas] = await Promise.all([
    batch.listNamespacedJob({ namespace: ns }),
    core.listNamespacedPod({ namespace: ns }),
    core.listNamespacedConfigMap({ namespace: ns }),
    core.listNamespacedSecret({ namespace: ns }),
    core.listNamespacedServiceAccount({ namespace: ns }),
  ]);
  const out: string[] = [];
  for (const j of jobs.items) out.push(`Job/${j.metadata?.name}`);
  for (const p of pods.items) {
    if (p.metadata?.deletionTimestamp) continue;
    const owner = p.metadata?.labels?.['job-name'];
    out.push(owner ? `Pod(job ${owner})` : `Pod/${p.metadata?.name}`);
  }
  for (const c of cms.items) if (c.metadata?.name !== 'kube-root-ca.crt') out.push(`ConfigMap/${c.metadata?.name}`);
  for (const s of secrets.items)
    if (!s.metadata?.name?.startsWith('sh.helm.release.')) out.push(`Secret/${s.metadata?.name}`);
  for (const s of sas.items) if (s.metadata?.name !== 'default') out.push(`ServiceAccount/${s.metadata?.name}`);
  return out.sort();
}

export interface ReleaseState {
  status: string;
  revision: number;
  history: Array<{ revision: number; status: string }>;
}

export async function releaseState(major: 3 | 4, name: string, ns: string): Promise<ReleaseState | undefined> {
  const s = await helm(major, ['status', name, '-n', ns, '-o', 'json']);
  if (s.exitCode !== 0) return undefined;
  const st = JSON.parse(s.stdout) as { version: number; info: { status: string } };
  const h = await helm(major, ['history', name, '-n', ns, '-o', 'json']);
  const history = (JSON.parse(h.stdout) as Array<{ revision: number; status: string }>).map((r) => ({
    revision: r.revision,
    status: r.status,
  }));
  return { status: st.info.status, revision: st.version, history };
}

export interface Recorded {
  kind: string;
  name: string;
  uid: string;
  /** resourceVersion of the creation: etcd's global order of writes. */
  createdRv: number;
  createdAt: number;
  /** For a Pod made by a Job controller: the Job's name. */
  job?: string;
  /** It existed before recording started (first seen through an update or deletion). */
  preexisting: boolean;
  /** Local time when the Job/Pod was first seen finished (Complete/Failed, Succeeded/Failed), if it was. */
  finishedAt?: number;
  /** resourceVersion at which it was first seen finished (a Deployment: all replicas ready). */
  finishedRv?: number;
  failed?: boolean;
  /** resourceVersions of its updates (MODIFIED events). */
  modifiedRvs: number[];
  deletedRv?: number;
}

const WATCHED: Array<{ kind: string; path: (ns: string) => string }> = [
  { kind: 'Job', path: (ns) => `/apis/batch/v1/namespaces/${ns}/jobs` },
  { kind: 'Pod', path: (ns) => `/api/v1/namespaces/${ns}/pods` },
  { kind: 'ConfigMap', path: (ns) => `/api/v1/namespaces/${ns}/configmaps` },
  { kind: 'Secret', path: (ns) => `/api/v1/namespaces/${ns}/secrets` },
  { kind: 'ServiceAccount', path: (ns) => `/api/v1/namespaces/${ns}/serviceaccounts` },
  { kind: 'Deployment', path: (ns) => `/apis/apps/v1/namespaces/${ns}/deployments` },
];

/**
 * Watches a namespace and records every object created in it (order by resourceVersion) and when each Job
 * and Pod finished. Start it before the command under test; stop it after.
 */
export async function record(ns: string): Promise<{ stop: () => Promise<Recorded[]> }> {
  const { kc: config, core } = kube();
  const seen = new Map<string, Recorded>();
  const aborts: AbortController[] = [];
  // Watch from "now" (a quorum list's resourceVersion, etcd's global revision): objects that already exist
  // are not replayed as created; they show up only when they change.
  const start = (await core.listNamespacedConfigMap({ namespace: ns, limit: 1 })).metadata?.resourceVersion as string;
  for (const w of WATCHED) {
    const watch = new Watch(config);
    aborts.push(
      await watch.watch(
        w.path(ns),
        { resourceVersion: start },
        (type: string, obj: KubernetesObject) => {
          const uid = obj.metadata?.uid as string;
          if (!uid) return;
          let rec = seen.get(uid);
          if (!rec) {
            rec = {
              kind: w.kind,
              name: obj.metadata?.name as string,
              uid,
              createdRv: Number(obj.metadata?.resourceVersion),
              createdAt: Date.now(),
              job: obj.metadata?.labels?.['job-name'],
              preexisting: type !== 'ADDED',
              modifiedRvs: [],
            };
            seen.set(uid, rec);
          }
          if (type === 'MODIFIED') rec.modifiedRvs.push(Number(obj.metadata?.resourceVersion));
          if (type === 'DELETED') rec.deletedRv = Number(obj.metadata?.resourceVersion);
          if (rec.finishedAt !== undefined) return;
          const outcome = finished(w.kind, obj);
          if (outcome !== undefined) {
            rec.finishedAt = Date.now();
            rec.finishedRv = Number(obj.metadata?.resourceVersion);
            rec.failed = outcome === 'failed';
          }
        },
        () => undefined,
      ),
    );
  }
  // Let the watches connect before the command under test starts.
  await new Promise((r) => setTimeout(r, 300));
  return {
    stop: async () => {
      await new Promise((r) => setTimeout(r, 300));
      for (const a of aborts) a.abort();
      return [...seen.values()].sort((a, b) => a.createdRv - b.createdRv);
    },
  };
}

function finished(kind: string, obj: KubernetesObject): 'ok' | 'failed' | undefined {
  if (kind === 'Job') {
    for (const c of (obj as V1Job).status?.conditions ?? []) {
      if (c.status !== 'True') continue;
      if (c.type === 'Complete') return 'ok';
      if (c.type === 'Failed') return 'failed';
    }
  }
  if (kind === 'Deployment') {
    const d = obj as { spec?: { replicas?: number }; status?: { readyReplicas?: number } };
    if ((d.status?.readyReplicas ?? 0) >= (d.spec?.replicas ?? 1)) return 'ok';
  }
  if (kind === 'Pod') {
    const phase = (obj as V1Pod).status?.phase;
    if (phase === 'Succeeded') return 'ok';
    if (phase === 'Failed') return 'failed';
  }
  return undefined;
}

/** Recorded hook creations as "Kind/name", job-owned pods left out: the order helm created hooks in. */
export function creationOrder(
  recs: Recorded[],
  ignore: RegExp = /^(ConfigMap\/kube-root-ca\.crt|ServiceAccount\/default|Secret\/sh\.helm\.release\..*)$/,
): string[] {
  return recs
    .filter(
      (r) => !r.preexisting && !(r.kind === 'Pod' && (r.job || r.name.includes('-app-'))) && r.kind !== 'Deployment',
    )
    .map((r) => `${r.kind}/${r.name}`)
    .filter((s) => !ignore.test(s));
}

/** The recorded object(s) of that kind and name (several when it was re-created), pre-existing ones included. */
export function find(recs: Recorded[], kind: string, name: string): Recorded[] {
  return recs.filter((r) => r.kind === kind && r.name === name);
}

/** Largest number of Jobs running at once (created, not yet finished) among the recorded ones. */
export function maxConcurrentJobs(recs: Recorded[], names?: Set<string>): number {
  const points: Array<[number, number]> = [];
  for (const r of recs) {
    if (r.kind !== 'Job' || (names && !names.has(r.name))) continue;
    points.push([r.createdAt, 1], [r.finishedAt ?? Number.POSITIVE_INFINITY, -1]);
  }
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let max = 0;
  for (const [, d] of points) {
    now += d;
    max = Math.max(max, now);
  }
  return max;
}

/** Values file for the test chart, written to a temp file. */
export function valuesFile(values: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'hph values '));
  const file = join(dir, 'values.json');
  // JSON is YAML: helm reads it with -f.
  writeFileSync(file, JSON.stringify(values));
  return file;
}
