/**
 * Turns helm's release JSON (`-o json` of a dry run, or `helm status -o json`) into hooks. Helm has already
 * done the chart-level parsing (events, weight, policies, unknown-event documents dropped); this reads its
 * result and the manifest's own metadata (apiVersion, namespace, the plugin's annotation).
 */
import { PluginError, UsageError } from '../errors.js';
import { parseGoDuration } from '../util/duration.js';
import { toBigInt } from '../util/exact-json.js';
import { type Hook, type HookObject, SERIAL_ANNOTATION, TIMEOUT_ANNOTATION } from './model.js';
import { parseYaml11Documents } from './yaml11.js';

/** The part of helm's release JSON this plugin reads. */
export interface ReleaseJson {
  name: string;
  namespace: string;
  version: number;
  info?: { status?: string; description?: string };
  chart?: { metadata?: { name?: string; annotations?: Record<string, string> } };
  hooks?: ReleaseHookJson[];
  manifest?: string;
  apply_method?: string;
}

export interface ReleaseHookJson {
  name: string;
  kind: string;
  path: string;
  manifest: string;
  events?: string[];
  /** A number, or an ExactNumber past 2^53 (helm's JSON read with util/exact-json). */
  weight?: unknown;
  delete_policies?: string[];
  output_log_policies?: string[];
}

const TRUE_VALUES = new Set(['true', 'yes', '1', 'on']);

export function hooksFromRelease(release: ReleaseJson): Hook[] {
  return (release.hooks ?? []).map((h, renderIndex) => {
    const object = parseHookManifest(h.manifest, h.path);
    const annotations = object.metadata.annotations ?? {};
    const timeoutMs = hookTimeout(annotations[TIMEOUT_ANNOTATION], h.kind, h.name, h.path);
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
      serial: TRUE_VALUES.has(
        String(annotations[SERIAL_ANNOTATION] ?? '')
          .trim()
          .toLowerCase(),
      ),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      renderIndex,
      object,
    };
  });
}

/**
 * helm-parallel-hooks.io/timeout: a Go duration like helm's --timeout ("90s", "20m", "1h30m"). Absent or
 * empty: --timeout applies. Anything else is a usage error, raised while planning, before anything runs.
 */
export function hookTimeout(raw: unknown, kind: string, name: string, path: string): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  const text = String(raw).trim();
  if (text === '') return undefined;
  try {
    return parseGoDuration(text);
  } catch (error) {
    throw new UsageError(
      `${kind}/${name} (${path}): annotation ${TIMEOUT_ANNOTATION}: ${(error as Error).message}; nothing was run`,
      `Fix the annotation in the chart (e.g. ${TIMEOUT_ANNOTATION}: "20m"), or remove it to use --timeout.`,
    );
  }
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
