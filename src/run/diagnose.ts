/**
 * Why a hook failed or is late, read from the cluster once it has failed: the Job's condition, each pod's
 * phase and containers (exit codes, reasons), the last Kubernetes Events of the Job and its pods, and the
 * last lines of each container's log. Bounded and labelled; never a manifest, never an environment.
 */
import type { CoreV1Event, KubernetesObject, V1Pod } from '@kubernetes/client-node';
import { type Hook, hookLabel } from '../hooks/model.js';
import type { EventReport, HookDiagnosis, LogTail } from '../hooks/results.js';
import { byCreation, byTime, jobConditionText, podReport, podStateText } from '../kube/status.js';
import type { RunContext } from './context.js';

/** Bounds: the newest pods, events and log lines only; long lines cut. */
export const LIMITS = { pods: 3, events: 8, logLines: 20, logBytes: 8192, lineChars: 400 };

/** The hook's pods: a Job's by label job-name, a Pod itself. Newest last; undefined when they cannot be listed. */
export async function podsOf(hook: Hook, ctx: Pick<RunContext, 'cluster'>): Promise<V1Pod[] | undefined> {
  const selector =
    hook.kind === 'Job' ? { labelSelector: `job-name=${hook.name}` } : { fieldSelector: `metadata.name=${hook.name}` };
  return safely(async () => (await ctx.cluster.listPods(hook.namespace, selector)).sort(byCreation), undefined);
}

/** A failed hook read once: its diagnosis, and the pods listed for it (undefined when they could not be). */
export interface Diagnosed {
  diagnosis: HookDiagnosis;
  /** Every pod of the hook, for the failure's explanation and helm's hook-failed logs: one listing serves all. */
  pods: V1Pod[] | undefined;
}

export async function diagnose(
  hook: Hook,
  lastSeen: KubernetesObject | undefined,
  ctx: Pick<RunContext, 'cluster'>,
): Promise<Diagnosed> {
  const condition = hook.kind === 'Job' ? jobConditionText(lastSeen) : undefined;
  const all = await podsOf(hook, ctx);
  const pods = (all ?? []).slice(-LIMITS.pods);
  const subjects = [
    { kind: hook.kind, name: hook.name },
    ...pods.map((p) => ({ kind: 'Pod', name: p.metadata?.name ?? '' })),
  ];
  const eventLists = await Promise.all(
    subjects.map((s) => safely(() => ctx.cluster.listEvents(hook.namespace, s.kind, s.name), [] as CoreV1Event[])),
  );
  const events = eventLists
    .flat()
    .map(eventReport)
    .sort((a, b) => byTime(a.lastSeen ?? '', b.lastSeen ?? ''))
    .slice(-LIMITS.events);
  const logs: LogTail[] = [];
  for (const pod of pods) {
    const podName = pod.metadata?.name ?? '?';
    for (const c of pod.spec?.containers ?? []) {
      // A container that never started has no log to read.
      const status = pod.status?.containerStatuses?.find((cs) => cs.name === c.name);
      if (!status || (!status.state?.running && !status.state?.terminated && !status.lastState?.terminated)) continue;
      try {
        const text = await ctx.cluster.podLog(hook.namespace, podName, c.name, {
          lines: LIMITS.logLines,
          bytes: LIMITS.logBytes,
        });
        logs.push({ pod: podName, container: c.name, lines: tailLines(text) });
      } catch (error) {
        logs.push({ pod: podName, container: c.name, lines: [], error: (error as Error).message });
      }
    }
  }
  return { diagnosis: { ...(condition ? { condition } : {}), pods: pods.map(podReport), events, logs }, pods: all };
}

/** Diagnosis is best effort: what cannot be read is left out, never turned into another failure. */
async function safely<T>(read: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await read();
  } catch {
    return fallback;
  }
}

function eventReport(e: CoreV1Event): EventReport {
  // Raw JSON: an RFC 3339 string, though client-node's type says Date.
  const last = e.lastTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp;
  return {
    object: `${e.involvedObject?.kind ?? '?'}/${e.involvedObject?.name ?? '?'}`,
    type: e.type ?? 'Normal',
    reason: e.reason ?? '',
    message: (e.message ?? '').slice(0, LIMITS.lineChars),
    count: e.count ?? 1,
    ...(last ? { lastSeen: new Date(String(last)).toISOString() } : {}),
  };
}

/** The last lines of a log, each cut to a readable length. */
export function tailLines(text: string): string[] {
  if (text.trim() === '') return [];
  const lines = text.replace(/\n$/, '').split('\n');
  return lines
    .slice(-LIMITS.logLines)
    .map((l) => (l.length > LIMITS.lineChars ? `${l.slice(0, LIMITS.lineChars)}…` : l));
}

/** What a hook still waits for, in one line: its pods' states (e.g. "pod x Pending (Unschedulable: ...)"). */
export function waitingFor(hook: Hook, d: HookDiagnosis): string {
  if (d.pods.length === 0) return hook.kind === 'Job' ? `no pod created yet (${d.condition ?? 'no status'})` : 'no pod';
  return d.pods.map(podStateText).join('; ');
}

/** The diagnosis as labelled lines for the terminal. `withLogs` false when helm's output-log policy printed them. */
export function diagnosisLines(hook: Hook, d: HookDiagnosis, withLogs: boolean): string[] {
  const lines: string[] = [];
  if (d.condition) lines.push(`  ${hook.kind} condition: ${d.condition}`);
  for (const p of d.pods) lines.push(`  ${podStateText(p)}`);
  if (d.pods.length === 0) lines.push('  no pods');
  if (d.events.length > 0) lines.push(`  last events (${hookLabel(hook)} and its pods):`);
  for (const e of d.events)
    lines.push(
      `    ${e.lastSeen ?? ''} ${e.object} ${e.type} ${e.reason}: ${e.message}${e.count > 1 ? ` (x${e.count})` : ''}`,
    );
  if (withLogs) {
    for (const l of d.logs) {
      lines.push(`  log tail of pod ${l.pod}, container ${l.container}${l.error ? `: unavailable (${l.error})` : ':'}`);
      for (const line of l.lines) lines.push(`    | ${line}`);
    }
  }
  return lines;
}
