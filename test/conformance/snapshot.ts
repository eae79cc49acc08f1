/**
 * What a run of a case leaves behind, read from the cluster and from helm itself, normalized so that runs in
 * different namespaces compare: the release history (revision, status, description), each stored hook's last
 * run phase, `helm get hooks`, and every object the chart can leave (hooks and main resources, cluster-scoped
 * ones included), without server-set fields.
 */
import { type KubernetesObject, KubernetesObjectApi } from '@kubernetes/client-node';
import { execa } from 'execa';
import { kube } from '../e2e/harness.js';

export interface Snapshot {
  history: Array<{ revision: number; status: string; description: string; chart: string }>;
  hookPhases: Record<string, string>;
  hooks: string;
  objects: Record<string, unknown>;
}

export interface Kinds {
  namespaced: Array<[string, string]>;
  cluster: Array<[string, string]>;
}

export const DEFAULT_KINDS: Kinds = {
  namespaced: [
    ['v1', 'ConfigMap'],
    ['v1', 'Secret'],
    ['v1', 'ServiceAccount'],
    ['v1', 'Pod'],
    ['v1', 'Service'],
    ['batch/v1', 'Job'],
    ['apps/v1', 'Deployment'],
    ['rbac.authorization.k8s.io/v1', 'Role'],
    ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
  ],
  cluster: [
    ['rbac.authorization.k8s.io/v1', 'ClusterRole'],
    ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'],
    ['admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration'],
    ['apiextensions.k8s.io/v1', 'CustomResourceDefinition'],
  ],
};

/** Replaces every spelling of the run's own names with fixed words, so two runs compare. */
export function normalizer(names: Record<string, string>): (text: string) => string {
  const pairs = Object.entries(names).sort((a, b) => b[0].length - a[0].length);
  return (text) => pairs.reduce((t, [from, to]) => t.split(from).join(to), text);
}

const VOLATILE_LABELS = ['controller-uid', 'batch.kubernetes.io/controller-uid', 'pod-template-hash'];

function clean(kind: string, obj: KubernetesObject & Record<string, unknown>): Record<string, unknown> {
  const m = obj.metadata ?? {};
  const labels = { ...(m.labels ?? {}) };
  for (const l of VOLATILE_LABELS) delete labels[l];
  const out: Record<string, unknown> = {
    ...obj,
    kind,
    metadata: { name: m.name, namespace: m.namespace, labels, annotations: m.annotations ?? {} },
  };
  delete out.status;
  if (kind === 'Secret') {
    const data = (obj.data ?? {}) as Record<string, string>;
    out.data = Object.fromEntries(
      Object.entries(data).map(([k, v]) => [k, `<${Buffer.from(v, 'base64').length} bytes>`]),
    );
  }
  if (kind === 'Job') {
    const spec = structuredClone(obj.spec) as {
      selector?: { matchLabels?: Record<string, string> };
      template?: { metadata?: { labels?: Record<string, string> } };
    };
    for (const l of VOLATILE_LABELS) {
      delete spec.selector?.matchLabels?.[l];
      delete spec.template?.metadata?.labels?.[l];
    }
    out.spec = spec;
  }
  if (kind === 'ServiceAccount') delete out.secrets;
  return out;
}

async function listKind(
  api: KubernetesObjectApi,
  apiVersion: string,
  kind: string,
  namespace?: string,
): Promise<KubernetesObject[]> {
  try {
    const res = await api.list(apiVersion, kind, namespace);
    return res.items;
  } catch {
    return []; // a kind the cluster does not serve (yet): nothing of it was left
  }
}

export async function takeSnapshot(opts: {
  helmBin: string;
  env: Record<string, string>;
  release: string;
  namespaces: string[];
  /** Cluster-scoped objects of this run: names containing this token. */
  token: string;
  kinds: Kinds;
  normalize: (text: string) => string;
  maskHooks?: RegExp[];
}): Promise<Snapshot> {
  const ns = opts.namespaces[0] as string;
  const run = (args: string[]) => execa(opts.helmBin, args, { env: opts.env, reject: false, stdin: 'ignore' });
  const [history, status, hooks] = await Promise.all([
    run(['history', opts.release, '-n', ns, '-o', 'json']),
    run(['status', opts.release, '-n', ns, '-o', 'json']),
    run(['get', 'hooks', opts.release, '-n', ns]),
  ]);
  const snap: Snapshot = { history: [], hookPhases: {}, hooks: '', objects: {} };
  if (history.exitCode === 0) {
    snap.history = (
      JSON.parse(String(history.stdout)) as Array<{
        revision: number;
        status: string;
        description: string;
        chart: string;
      }>
    ).map((h) => ({
      revision: h.revision,
      status: h.status,
      description: opts.normalize(h.description),
      chart: h.chart,
    }));
  }
  if (status.exitCode === 0) {
    const rel = JSON.parse(String(status.stdout)) as {
      hooks?: Array<{ name: string; kind: string; last_run?: { phase?: string } }>;
    };
    for (const h of rel.hooks ?? []) snap.hookPhases[opts.normalize(`${h.kind}/${h.name}`)] = h.last_run?.phase ?? '';
  }
  if (hooks.exitCode === 0) {
    let text = opts.normalize(String(hooks.stdout));
    for (const re of opts.maskHooks ?? []) text = text.replace(re, '<masked>');
    snap.hooks = text;
  }
  const api = KubernetesObjectApi.makeApiClient(kube().kc);
  for (const namespace of opts.namespaces) {
    for (const [apiVersion, kind] of opts.kinds.namespaced) {
      for (const obj of await listKind(api, apiVersion, kind, namespace)) {
        const name = obj.metadata?.name ?? '';
        if (kind === 'ConfigMap' && name === 'kube-root-ca.crt') continue;
        if (kind === 'ServiceAccount' && name === 'default') continue;
        if (kind === 'Secret' && name.startsWith('sh.helm.release.v1.')) continue;
        if (kind === 'Pod' && (obj.metadata?.ownerReferences ?? []).length > 0) continue;
        if (obj.metadata?.deletionTimestamp) continue;
        snap.objects[opts.normalize(`${kind}/${namespace}/${name}`)] = JSON.parse(
          opts.normalize(JSON.stringify(clean(kind, obj as never))),
        );
      }
    }
  }
  for (const [apiVersion, kind] of opts.kinds.cluster) {
    for (const obj of await listKind(api, apiVersion, kind)) {
      const name = obj.metadata?.name ?? '';
      if (!name.includes(opts.token)) continue;
      snap.objects[opts.normalize(`${kind}/${name}`)] = JSON.parse(
        opts.normalize(JSON.stringify(clean(kind, obj as never))),
      );
    }
  }
  return snap;
}

/** Differences between two snapshots, as short lines (first ones only). */
export function diff(a: unknown, b: unknown, path = '', out: string[] = [], limit = 12): string[] {
  if (out.length >= limit) return out;
  if (JSON.stringify(a) === JSON.stringify(b)) return out;
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys)
      diff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k, out, limit);
    return out;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    for (const [i, v] of a.entries()) diff(v, b[i], `${path}[${i}]`, out, limit);
    return out;
  }
  const show = (v: unknown) => {
    const s = JSON.stringify(v) ?? 'undefined';
    return s.length > 160 ? `${s.slice(0, 160)}...` : s;
  };
  out.push(`${path}: helm ${show(a)} / plugin ${show(b)}`);
  return out;
}
