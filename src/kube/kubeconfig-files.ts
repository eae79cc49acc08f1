/**
 * Which kubeconfig files helm reads, and their merge, by client-go's rules (clientcmd loading rules):
 * KUBECONFIG is a list (':' on Unix), duplicates and empty entries dropped, missing files skipped; for each
 * cluster, user and context name, and for current-context, the FIRST file that sets it wins; relative paths
 * are relative to the file that holds them. (@kubernetes/client-node's own multi-file loader lets the last
 * current-context win and throws on duplicate names: hooks would run as another identity, or elsewhere.)
 *
 * This module only reads and checks the files (no client library), so a broken kubeconfig is refused before
 * anything is applied; kube/config.ts builds the client from the same list.
 */
import { readFileSync, statSync } from 'node:fs';
import { delimiter } from 'node:path';
import { parse } from 'yaml';
import { PluginError } from '../errors.js';

/** The files of a KUBECONFIG value that exist, in order, each once. */
export function kubeconfigFiles(value: string): string[] {
  const seen = new Set<string>();
  const files: string[] = [];
  for (const file of value.split(delimiter)) {
    if (file === '' || seen.has(file)) continue;
    seen.add(file);
    try {
      statSync(file);
    } catch {
      continue; // client-go skips a missing file of the list
    }
    files.push(file);
  }
  return files;
}

interface Named {
  name?: unknown;
}
export interface KubeconfigSummary {
  currentContext: string | undefined;
  contexts: Map<string, { cluster?: string; user?: string; namespace?: string }>;
  clusters: Set<string>;
  users: Set<string>;
}

/** Reads and merges the files' names (first wins); throws what helm would refuse, with the file's name. */
export function summarizeKubeconfig(files: readonly string[]): KubeconfigSummary {
  const summary: KubeconfigSummary = {
    currentContext: undefined,
    contexts: new Map(),
    clusters: new Set(),
    users: new Set(),
  };
  for (const file of files) {
    let doc: Record<string, unknown> | null;
    try {
      doc = parse(readFileSync(file, 'utf8')) as Record<string, unknown> | null;
    } catch (cause) {
      throw new PluginError(`cannot read the kubeconfig ${file}: ${(cause as Error).message}`, {
        cause,
        hint: 'Fix or remove that file from KUBECONFIG (helm refuses it too).',
      });
    }
    if (doc === null || typeof doc !== 'object') continue;
    const current = doc['current-context'];
    if (summary.currentContext === undefined && typeof current === 'string' && current !== '')
      summary.currentContext = current;
    for (const c of list(doc.contexts)) {
      if (typeof c.name !== 'string' || summary.contexts.has(c.name)) continue;
      const ctx = (c as { context?: Record<string, unknown> }).context ?? {};
      summary.contexts.set(c.name, {
        cluster: typeof ctx.cluster === 'string' ? ctx.cluster : undefined,
        user: typeof ctx.user === 'string' ? ctx.user : undefined,
        namespace: typeof ctx.namespace === 'string' ? ctx.namespace : undefined,
      });
    }
    for (const c of list(doc.clusters)) if (typeof c.name === 'string') summary.clusters.add(c.name);
    for (const u of list(doc.users)) if (typeof u.name === 'string') summary.users.add(u.name);
  }
  return summary;
}

function list(value: unknown): Named[] {
  return Array.isArray(value) ? value.filter((v): v is Named => v !== null && typeof v === 'object') : [];
}

/**
 * What the plugin refuses about helm's cluster settings, checked before anything runs (so a chart with only
 * post hooks is refused before helm installs it, not after): an unreadable or invalid kubeconfig, or a
 * --kube-context it does not hold.
 */
export function checkClusterSettings(settings: {
  kubeconfig: string | undefined;
  kubeContext: string | undefined;
}): void {
  if (!settings.kubeconfig) return;
  const summary = summarizeKubeconfig(kubeconfigFiles(settings.kubeconfig));
  if (settings.kubeContext && !summary.contexts.has(settings.kubeContext)) {
    throw new PluginError(`kube context "${settings.kubeContext}" is not in the kubeconfig; nothing was run`, {
      hint: 'Check --kube-context against `kubectl config get-contexts`.',
    });
  }
}
