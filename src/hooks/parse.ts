/**
 * Turns helm's release JSON (`-o json` of a dry run, or `helm status -o json`) into hooks. Helm has already
 * done the chart-level parsing (events, weight, policies, unknown-event documents dropped); this reads its
 * result and the manifest's own metadata (apiVersion, namespace, the plugin's annotation).
 */
import { PluginError } from '../errors.js';
import { toBigInt } from '../util/exact-json.js';
import { serialAnnotation, timeoutAnnotation } from './annotations.js';
import { type Hook, type HookObject, SERIAL_ANNOTATION, TIMEOUT_ANNOTATION } from './model.js';
import type { ReleaseJson } from './release-json.js';
import { parseYaml11Documents } from './yaml11.js';

export function hooksFromRelease(release: ReleaseJson): Hook[] {
  return (release.hooks ?? []).map((h, renderIndex) => {
    const object = parseHookManifest(h.manifest, h.path);
    const annotations = object.metadata.annotations ?? {};
    const where = `${h.kind}/${h.name} (${h.path})`;
    const timeoutMs = timeoutAnnotation(annotations[TIMEOUT_ANNOTATION], where);
    return {
      name: h.name,
      kind: h.kind,
      apiVersion: object.apiVersion,
      namespace: object.metadata.namespace || release.namespace,
      path: h.path,
      events: h.events ?? [],
      weight: toBigInt(h.weight) ?? 0n,
      deletePolicies: h.delete_policies ?? [],
      outputLogPolicies: h.output_log_policies ?? [],
      serial: serialAnnotation(annotations[SERIAL_ANNOTATION], where),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      renderIndex,
      object,
    };
  });
}

/** One hook document, decoded as helm's Kubernetes client decodes it (YAML 1.1, see yaml11.ts). */
export function parseHookManifest(manifest: string, path: string): HookObject {
  let docs: unknown[];
  try {
    docs = parseYaml11Documents(manifest);
  } catch (error) {
    throw new PluginError(`cannot read the hook manifest from ${path}: ${(error as Error).message}`);
  }
  if (docs.length !== 1) {
    throw new PluginError(
      `cannot read the hook manifest from ${path}: expected one YAML document, found ${docs.length}`,
    );
  }
  const obj = docs[0] as Partial<HookObject> | null;
  if (!obj || typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string' || !obj.metadata?.name) {
    throw new PluginError(`the hook in ${path} has no apiVersion, kind or metadata.name`);
  }
  return obj as HookObject;
}
