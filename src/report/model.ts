/**
 * The hook report: what ran, where it stood in the plan, when, and how it ended. Built by a pure function
 * from what the recorder saw, so it is the same on success, failure and interruption. The shape is
 * documented by docs/hook-report.schema.json (kept in step by a test).
 */
import { type Hook, hookLabel } from '../hooks/model.js';
import type { EventPlan } from '../hooks/plan.js';
import type { EventReport, HookResult, LogTail, PodReport } from '../hooks/results.js';

export const REPORT_SCHEMA_VERSION = 1;

export type HookOutcome = 'succeeded' | 'failed' | 'timed-out' | 'interrupted' | 'not-started';

export interface HookRunReport {
  kind: string;
  name: string;
  namespace: string | null;
  event: string;
  /** helm.sh/hook-weight as a decimal string (an int64: JSON numbers would round). */
  weight: string;
  /** 1-based tier and step of the event's plan. */
  tier: number;
  step: number;
  stepType: 'serial' | 'create' | 'parallel';
  /** RFC 3339 with milliseconds (UTC); null for a hook that never started. */
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  outcome: HookOutcome;
  /** Where it failed: build, delete, create or wait. */
  stage: string | null;
  /** The plugin's explanation of a failure (one line). */
  reason: string | null;
  /** The wait limit in ms that applied (null: none), and where it came from. */
  timeoutMs: number | null;
  timeoutSource: 'annotation' | 'flag';
  /** Job condition (Failed/Complete, or counts while running) when it failed. */
  condition: string | null;
  pods: PodReport[];
  /** Exit codes of every terminated container, in pod order. */
  exitCodes: number[];
  events: EventReport[];
  logTail: LogTail[];
}

export interface PlanStepReport {
  type: 'serial' | 'create' | 'parallel';
  /** kind/name (namespace) of each hook of the step. */
  hooks: string[];
}

export interface PlanTierReport {
  tier: number;
  weight: string;
  steps: PlanStepReport[];
}

export interface EventRunReport {
  event: string;
  parallelism: number;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  outcome: 'succeeded' | 'failed' | 'interrupted';
  tiers: PlanTierReport[];
  hooks: HookRunReport[];
}

export interface HookReport {
  schemaVersion: number;
  tool: { name: 'helm-parallel-hooks'; version: string };
  command: string;
  release: string | null;
  namespace: string | null;
  helmVersion: string | null;
  parallelism: number;
  startedAt: string;
  endedAt: string;
  exitCode: number;
  outcome: 'succeeded' | 'failed' | 'interrupted';
  events: EventRunReport[];
}

/** One event as the recorder saw it. */
export interface RecordedEvent {
  plan: EventPlan;
  startedAt: number;
  endedAt?: number;
  /** Hooks started (time of start), and those finished (their result). */
  starts: Map<Hook, number>;
  results: Map<Hook, HookResult>;
}

export interface ReportMeta {
  version: string;
  command: string;
  release?: string | undefined;
  namespace?: string | undefined;
  helmVersion?: string | undefined;
  parallelism: number;
  /** helm's --timeout in ms, as given (for the limit that applied to each hook). */
  timeoutMs?: number | undefined;
  startedAt: number;
  exitCode: number;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Builds the report; `now` ends whatever was still running (an interruption). */
export function buildReport(events: readonly RecordedEvent[], meta: ReportMeta, now: number): HookReport {
  const eventReports = events.map((e) => eventReport(e, meta, now));
  const interrupted = meta.exitCode === 130 || eventReports.some((e) => e.outcome === 'interrupted');
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'helm-parallel-hooks', version: meta.version },
    command: meta.command,
    release: meta.release ?? null,
    namespace: meta.namespace ?? null,
    helmVersion: meta.helmVersion ?? null,
    parallelism: meta.parallelism,
    startedAt: iso(meta.startedAt),
    endedAt: iso(now),
    exitCode: meta.exitCode,
    outcome: interrupted ? 'interrupted' : meta.exitCode === 0 ? 'succeeded' : 'failed',
    events: eventReports,
  };
}

function eventReport(e: RecordedEvent, meta: ReportMeta, now: number): EventRunReport {
  const endedAt = e.endedAt ?? now;
  const hooks: HookRunReport[] = [];
  const tiers: PlanTierReport[] = e.plan.tiers.map((tier, t) => ({
    tier: t + 1,
    weight: tier.weight.toString(),
    steps: tier.steps.map((step, s) => {
      const stepHooks = step.type === 'serial' ? [step.hook] : step.hooks;
      for (const hook of stepHooks)
        hooks.push(hookReport(hook, e, { tier: t + 1, step: s + 1, type: step.type }, meta, now));
      return { type: step.type, hooks: stepHooks.map((h) => hookLabel(h)) };
    }),
  }));
  // Hooks in helm's order, as the plan lists them.
  const order = new Map(e.plan.hooks.map((h, i) => [`${h.kind}/${h.namespace}/${h.name}`, i]));
  hooks.sort(
    (a, b) =>
      (order.get(`${a.kind}/${a.namespace}/${a.name}`) ?? 0) - (order.get(`${b.kind}/${b.namespace}/${b.name}`) ?? 0),
  );
  const outcome = hooks.some((h) => h.outcome === 'interrupted')
    ? 'interrupted'
    : hooks.some((h) => h.outcome === 'failed' || h.outcome === 'timed-out')
      ? 'failed'
      : e.endedAt === undefined
        ? 'interrupted'
        : 'succeeded';
  return {
    event: e.plan.event,
    parallelism: e.plan.parallelism,
    startedAt: iso(e.startedAt),
    endedAt: iso(endedAt),
    durationMs: endedAt - e.startedAt,
    outcome,
    tiers,
    hooks,
  };
}

function hookReport(
  hook: Hook,
  e: RecordedEvent,
  at: { tier: number; step: number; type: PlanStepReport['type'] },
  meta: ReportMeta,
  now: number,
): HookRunReport {
  const result = e.results.get(hook);
  const start = result?.startedAt ?? e.starts.get(hook);
  const end = result ? result.endedAt : start === undefined ? undefined : now;
  const outcome: HookOutcome =
    start === undefined
      ? 'not-started'
      : !result
        ? 'interrupted'
        : result.ok
          ? 'succeeded'
          : result.timedOut
            ? 'timed-out'
            : 'failed';
  const pods = result?.pods ?? result?.diagnosis?.pods ?? [];
  const limit = hook.timeoutMs ?? meta.timeoutMs;
  return {
    kind: hook.kind,
    name: hook.name,
    namespace: hook.clusterScoped ? null : hook.namespace,
    event: e.plan.event,
    weight: hook.weight.toString(),
    tier: at.tier,
    step: at.step,
    stepType: at.type,
    startedAt: start === undefined ? null : iso(start),
    endedAt: end === undefined ? null : iso(end),
    durationMs: start === undefined || end === undefined ? null : end - start,
    outcome,
    stage: result?.stage ?? null,
    reason: outcome === 'interrupted' ? 'interrupted while running' : (result?.reason ?? null),
    timeoutMs: limit === undefined || limit <= 0 ? null : limit,
    timeoutSource: hook.timeoutMs === undefined ? 'flag' : 'annotation',
    condition: result?.diagnosis?.condition ?? null,
    pods,
    exitCodes: pods.flatMap((p) => p.containers.flatMap((c) => (c.exitCode === undefined ? [] : [c.exitCode]))),
    events: result?.diagnosis?.events ?? [],
    logTail: result?.diagnosis?.logs ?? [],
  };
}
