/** Pure readers of Job and Pod status: when is a hook done, and why did it fail. */
import type { KubernetesObject, V1Job, V1Pod } from '@kubernetes/client-node';

/** A finished Job or Pod; a failed Job also names its Failed condition's reason (helm prints it). */
export type Outcome = { ok: true } | { ok: false; reason: string; conditionReason?: string };

/** Job: done at condition Complete=True, failed at Failed=True (as helm's watcher). */
export function jobOutcome(obj: KubernetesObject): Outcome | undefined {
  const conditions = (obj as V1Job).status?.conditions ?? [];
  for (const c of conditions) {
    if (c.type === 'Complete' && c.status === 'True') return { ok: true };
    if (c.type === 'Failed' && c.status === 'True') {
      return {
        ok: false,
        reason: `job failed: ${c.reason ?? 'Failed'}${c.message ? ` (${c.message})` : ''}`,
        conditionReason: c.reason ?? '',
      };
    }
  }
  return undefined;
}

/** Pod: done at phase Succeeded, failed at phase Failed. */
export function podOutcome(obj: KubernetesObject): Outcome | undefined {
  const pod = obj as V1Pod;
  if (pod.status?.phase === 'Succeeded') return { ok: true };
  if (pod.status?.phase === 'Failed') {
    const detail = describeContainers([pod]);
    return { ok: false, reason: `pod ${pod.metadata?.name} failed${detail ? `: ${detail}` : ''}` };
  }
  return undefined;
}

/** "pod migrate-x7k2p container main exited 2 (Error)" for every terminated non-zero container. */
export function describeContainers(pods: readonly V1Pod[]): string {
  const parts: string[] = [];
  for (const pod of pods) {
    const before = parts.length;
    for (const cs of pod.status?.containerStatuses ?? []) {
      const t = cs.state?.terminated;
      if (t && t.exitCode !== 0) {
        parts.push(
          `pod ${pod.metadata?.name} container ${cs.name} exited ${t.exitCode}${t.reason ? ` (${t.reason})` : ''}`,
        );
      } else if (!t && cs.state?.waiting?.reason) {
        parts.push(`pod ${pod.metadata?.name} container ${cs.name} waiting: ${cs.state.waiting.reason}`);
      }
    }
    if (parts.length === before && pod.status?.phase && pod.status.phase !== 'Succeeded') {
      parts.push(`pod ${pod.metadata?.name} ${pod.status.phase}${pod.status.reason ? ` (${pod.status.reason})` : ''}`);
    }
  }
  return parts.join('; ');
}
