/**
 * helm's release record, for the changes helm makes after its post-hooks that the plugin must mirror: a
 * failed post-hook marks the release `failed` with helm's description, and a failed post-upgrade leaves the
 * previous revision as it was (helm supersedes it only after post-upgrade hooks succeed). helm stores each revision as
 * `sh.helm.release.v1.<name>.v<revision>` (a Secret, or a ConfigMap with HELM_DRIVER=configmap) whose
 * `release` field is base64(gzip(release JSON)), labelled with its status.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { ApiException, CoreV1Api, type V1ObjectMeta } from '@kubernetes/client-node';
import type { Cluster } from './cluster.js';

export type MarkResult = 'marked' | 'unsupported-driver' | 'not-found';

/** Sets one revision's status (and description, when given) in helm's storage. */
export async function setReleaseStatus(
  cluster: Cluster,
  driver: string | undefined,
  release: { name: string; namespace: string; version: number },
  status: string,
  description?: string,
): Promise<MarkResult> {
  const kind = (driver ?? 'secret').toLowerCase().replace(/s$/, '');
  if (kind !== 'secret' && kind !== 'configmap') return 'unsupported-driver';
  const core = cluster.kc.makeApiClient(CoreV1Api);
  const name = `sh.helm.release.v1.${release.name}.v${release.version}`;
  const { namespace } = release;
  cluster.stats.requests++;
  try {
    if (kind === 'secret') {
      const secret = await core.readNamespacedSecret({ name, namespace });
      // Secret data is base64 on the wire; inside it, helm's own base64 string.
      const stored = Buffer.from(secret.data?.release ?? '', 'base64').toString('utf8');
      secret.data = { ...secret.data, release: Buffer.from(rewrite(stored, status, description), 'utf8').toString('base64') };
      secret.metadata = relabel(secret.metadata, status);
      cluster.stats.requests++;
      await core.replaceNamespacedSecret({ name, namespace, body: secret });
    } else {
      const cm = await core.readNamespacedConfigMap({ name, namespace });
      cm.data = { ...cm.data, release: rewrite(cm.data?.release ?? '', status, description) };
      cm.metadata = relabel(cm.metadata, status);
      cluster.stats.requests++;
      await core.replaceNamespacedConfigMap({ name, namespace, body: cm });
    }
    return 'marked';
  } catch (cause) {
    if (cause instanceof ApiException && cause.code === 404) return 'not-found';
    throw cluster.explain(cause, `mark release ${release.name} revision ${release.version} ${status}`);
  }
}

/** helm's encoding: base64 of gzip of JSON (older records may be plain base64 JSON). */
function rewrite(encoded: string, status: string, description: string | undefined): string {
  const raw = Buffer.from(encoded, 'base64');
  const gzipped = raw[0] === 0x1f && raw[1] === 0x8b;
  const record = JSON.parse((gzipped ? gunzipSync(raw) : raw).toString('utf8')) as {
    info: { status: string; description: string };
  };
  record.info.status = status;
  if (description !== undefined) record.info.description = description;
  const json = Buffer.from(JSON.stringify(record), 'utf8');
  return (gzipped ? gzipSync(json) : json).toString('base64');
}

function relabel(metadata: V1ObjectMeta | undefined, status: string): V1ObjectMeta {
  const labels: Record<string, string> = { ...(metadata?.labels ?? {}), status };
  if (labels.modifiedAt !== undefined) labels.modifiedAt = String(Math.floor(Date.now() / 1000));
  return { ...(metadata ?? {}), labels };
}
