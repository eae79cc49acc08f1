/**
 * Output-log policy (helm >= 3.18): the container logs of a hook's pods, printed as one labelled block per
 * hook so that hooks never interleave mid-line. Pods of a Job by label job-name=<name>; a Pod by its name;
 * spec.containers only (not init containers), as helm.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { Hook } from '../hooks/model.js';
import type { PodContainers } from '../hooks/results.js';
import { byTime } from '../kube/status.js';
import type { RunContext } from './context.js';

/** What the logs need of a pod: its name and its containers' (spec.containers only, as helm). */
export function podContainers(pod: V1Pod): PodContainers {
  return { pod: pod.metadata?.name ?? '?', containers: (pod.spec?.containers ?? []).map((c) => c.name) };
}

export async function printHookLogs(
  hook: Hook,
  policy: 'hook-succeeded' | 'hook-failed',
  ctx: RunContext,
  /**
   * The pods already listed for this hook (a failed one's, from its diagnosis); else, or when that listing
   * found none yet, they are listed here.
   */
  listed?: readonly PodContainers[],
): Promise<void> {
  if (!hook.outputLogPolicies.includes(policy)) return;
  if (hook.kind !== 'Job' && hook.kind !== 'Pod') return;
  const selector =
    hook.kind === 'Job' ? { labelSelector: `job-name=${hook.name}` } : { fieldSelector: `metadata.name=${hook.name}` };
  const lines: string[] = [];
  try {
    const pods =
      listed && listed.length > 0
        ? [...listed]
        : (await ctx.cluster.listPods(hook.namespace, selector)).map(podContainers);
    // Bytewise by name: the API server's list order, the order helm reads them in.
    pods.sort((a, b) => byTime(a.pod, b.pod));
    for (const { pod: podName, containers } of pods) {
      for (const container of containers) {
        lines.push(`--- ${hook.kind}/${hook.name}: pod ${podName}, container ${container} ---`);
        try {
          const text = await ctx.cluster.podLog(hook.namespace, podName, container);
          lines.push(...text.replace(/\n$/, '').split('\n'));
        } catch (error) {
          lines.push(`(logs unavailable: ${error instanceof Error ? error.message : String(error)})`);
        }
      }
    }
    if (pods.length === 0) lines.push(`--- ${hook.kind}/${hook.name}: no pods found ---`);
  } catch (error) {
    lines.push(
      `--- ${hook.kind}/${hook.name}: logs unavailable: ${error instanceof Error ? error.message : String(error)} ---`,
    );
  }
  ctx.reporter.logBlock(`logs of ${hook.kind}/${hook.name} (${policy})`, lines);
}
