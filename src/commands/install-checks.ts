/**
 * What helm does on an install before it renders anything, which its dry run skips and the plugin must do
 * itself before any pre-install hook runs: refuse a release name still in use, and install the chart's CRDs
 * (crds/ folders, subcharts included; not with --skip-crds) so that custom resources render and hooks see them.
 */
import { parseAllDocuments } from 'yaml';
import { PluginError } from '../errors.js';
import { ApiError } from '../kube/api.js';
import type { Cluster } from '../kube/cluster.js';
import type { RevisionInfo } from '../kube/release-store.js';

/** helm's availableName: a name is free when it has no history, or (with --replace) its last revision is uninstalled or failed. */
export function nameInUse(history: readonly RevisionInfo[], replace: boolean): boolean {
  const last = history[history.length - 1];
  if (!last) return false;
  return !(replace && (last.status === 'uninstalled' || last.status === 'failed'));
}

/**
 * The CRD documents of `helm show crds` output. helm 3 prints the files one after another without a `---`
 * between them, so a second top-level `apiVersion:` also starts a new document.
 */
export function splitCrds(text: string): unknown[] {
  const chunks: string[] = [];
  let current: string[] = [];
  let seenApiVersion = false;
  for (const line of text.split('\n')) {
    const startsDoc = /^---(\s|$)/.test(line);
    const topLevelApiVersion = /^apiVersion\s*:/.test(line);
    if (startsDoc || (topLevelApiVersion && seenApiVersion)) {
      chunks.push(current.join('\n'));
      current = [];
      seenApiVersion = false;
      if (startsDoc) continue;
    }
    if (topLevelApiVersion) seenApiVersion = true;
    current.push(line);
  }
  chunks.push(current.join('\n'));
  const docs: unknown[] = [];
  for (const chunk of chunks) {
    for (const doc of parseAllDocuments(chunk)) {
      if (doc.errors.length > 0) throw new PluginError(`cannot read the chart's CRDs: ${doc.errors[0]?.message}`);
      const value = doc.toJS() as unknown;
      if (value !== null && typeof value === 'object') docs.push(value);
    }
  }
  return docs;
}

/**
 * helm's installCRDs: create each CRD (one already there is skipped), then wait up to 60 s until the created
 * ones are Established (or their names were refused), and forget discovery so the new kinds are seen.
 */
export async function installCrds(cluster: Cluster, docs: readonly unknown[], signal: AbortSignal): Promise<number> {
  const created: string[] = [];
  for (const doc of docs) {
    const crd = doc as { apiVersion?: string; kind?: string; metadata?: { name?: string } };
    if (crd.kind !== 'CustomResourceDefinition' || !crd.metadata?.name) continue;
    try {
      await cluster.send({
        method: 'POST',
        path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
        query: { fieldManager: cluster.fieldManager },
        body: doc,
      });
      created.push(crd.metadata.name);
    } catch (cause) {
      if (cause instanceof ApiError && cause.code === 409) continue;
      throw new PluginError(
        `failed to install CRD ${crd.metadata.name}: ${cluster.explain(cause, 'create it').message}`,
      );
    }
  }
  const deadline = Date.now() + 60_000;
  for (const name of created) {
    for (;;) {
      const crd = await cluster.send<{ status?: { conditions?: { type: string; status: string }[] } }>({
        method: 'GET',
        path: `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`,
      });
      const conditions = crd.status?.conditions ?? [];
      const ready =
        conditions.some((c) => c.type === 'Established' && c.status === 'True') ||
        conditions.some((c) => c.type === 'NamesAccepted' && c.status === 'False');
      if (ready || Date.now() > deadline || signal.aborted) break;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  cluster.forgetDiscovery();
  return created.length;
}
