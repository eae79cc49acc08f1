/**
 * Runs one event's plan: tiers one after another, steps in order, hooks of a parallel step with p-map at
 * most `parallelism` at a time. Failure policy (chosen, not an accident of Promise.all): after the first
 * failure nothing new starts, hooks already running finish (each within its own --timeout), then helm's
 * failure rules apply to the whole event. On success helm's clean-up runs in reverse order.
 */
import pMap from 'p-map';
import { HookFailureError, InterruptedError } from '../errors.js';
import { compareKinds } from '../hooks/kind-order.js';
import { effectiveDeletePolicies, type Hook, hookLabel } from '../hooks/model.js';
import type { EventPlan, Step } from '../hooks/plan.js';
import type { EventSummary, HookResult } from '../hooks/results.js';
import { apiMessage } from '../kube/cluster.js';
import type { RunContext } from './context.js';
import { diagnosisLines } from './diagnose.js';
import { deleteHook, runHook } from './hook.js';
import { printHookLogs } from './logs.js';
import { WaitingReasons } from './waiting.js';

export async function runEvent(plan: EventPlan, eventCtx: RunContext): Promise<EventSummary> {
  const waiting = new WaitingReasons(eventCtx.hub, eventCtx.reporter);
  try {
    return await runPlan(plan, { ...eventCtx, waiting });
  } finally {
    waiting.stop();
  }
}

async function runPlan(plan: EventPlan, ctx: RunContext): Promise<EventSummary> {
  const started = Date.now();
  const results: HookResult[] = [];
  const begun: Hook[] = [];
  let failed = false;
  const run = async (hook: Hook): Promise<void> => {
    if (failed) return; // start nothing new after a failure
    begun.push(hook);
    const result = await runHook(hook, plan.event, ctx);
    results.push(result);
    if (!result.ok) failed = true;
  };
  ctx.reporter.eventStarted(plan);

  try {
    for (const tier of plan.tiers) {
      for (const step of tier.steps) {
        if (failed) break;
        await runStep(step, run, plan.parallelism);
      }
      if (failed) break;
    }
  } catch (error) {
    // Interrupted: say what this event left on the cluster (kind/name only), then let the command record it.
    if (error instanceof InterruptedError && begun.length > 0) {
      ctx.reporter.note(
        `${plan.event}: interrupted; hooks created and left as they were: ${begun.map((h) => hookLabel(h)).join(', ')}`,
      );
    }
    throw error;
  }

  const summary: EventSummary = {
    event: plan.event,
    hooks: plan.hooks.length,
    tiers: plan.tiers.length,
    parallelism: plan.parallelism,
    wallMs: 0,
    serialMs: results.reduce((sum, r) => sum + (r.endedAt - r.startedAt), 0),
    failed: results.filter((r) => !r.ok).length,
    notStarted: plan.hooks.length - results.length,
  };

  if (failed) {
    const failures = orderOf(
      plan,
      results.filter((r) => !r.ok),
    );
    // helm stops at its first failure (in its order) and reports that hook's error.
    let helmMessage = failures[0]?.helmError ?? failures[0]?.reason ?? 'failed';
    const cleanupError = await cleanUpAfterFailure(plan, results, ctx);
    if (cleanupError) helmMessage = cleanupError;
    summary.wallMs = Date.now() - started;
    ctx.reporter.eventFinished(summary);
    throw new HookFailureError(
      plan.event,
      failures.map((r) => `${hookLabel(r.hook)}: ${r.reason ?? 'failed'}`),
      summary.notStarted > 0 ? `${summary.notStarted} later hook(s) of ${plan.event} were not started.` : undefined,
      helmMessage,
    );
  }
  try {
    await cleanUpAfterSuccess(plan, ctx);
  } catch (error) {
    if (error instanceof InterruptedError) throw error;
    // helm: a failed hook-succeeded deletion fails the event (and so the release), with the delete's error.
    const message = error instanceof Error ? error.message : String(error);
    summary.wallMs = Date.now() - started;
    summary.failed = 1;
    ctx.reporter.eventFinished(summary);
    throw new HookFailureError(plan.event, [`hook-succeeded clean-up: ${message}`], undefined, apiMessage(error));
  }
  summary.wallMs = Date.now() - started;
  ctx.reporter.eventFinished(summary);
  return summary;
}

async function runStep(step: Step, run: (h: Hook) => Promise<void>, parallelism: number): Promise<void> {
  if (step.type === 'serial') return run(step.hook);
  if (step.type === 'parallel') {
    await pMap(step.hooks, run, { concurrency: parallelism });
    return;
  }
  // create: objects that are done on creation, kind group by kind group in helm's install order
  for (let i = 0; i < step.hooks.length; ) {
    let j = i;
    while (j < step.hooks.length && compareKinds((step.hooks[j] as Hook).kind, (step.hooks[i] as Hook).kind) === 0) j++;
    await pMap(step.hooks.slice(i, j), run, { concurrency: parallelism });
    i = j;
  }
}

function orderOf(plan: EventPlan, results: HookResult[]): HookResult[] {
  const index = new Map(plan.hooks.map((h, i) => [h, i]));
  return [...results].sort((a, b) => (index.get(a.hook) ?? 0) - (index.get(b.hook) ?? 0));
}

/**
 * helm's rules for a failed event, for every hook that failed while waited for: print its logs (hook-failed
 * output policy), delete it (hook-failed delete policy). Then helm >= 3.19 and 4 delete the event's succeeded
 * hooks that have hook-succeeded, in order. A hook that failed before it was waited for (at build, delete or
 * create) gets none of this: helm returns at once. Returns the error of that last clean-up, which helm
 * reports instead of the hook's own.
 */
async function cleanUpAfterFailure(
  plan: EventPlan,
  results: HookResult[],
  ctx: RunContext,
): Promise<string | undefined> {
  const ordered = orderOf(plan, results);
  const waitFailures = ordered.filter((r) => !r.ok && r.stage === 'wait');
  for (const r of waitFailures) {
    await printHookLogs(r.hook, 'hook-failed', ctx, r.failedPods);
    if (r.diagnosis) {
      // The plugin's own explanation; the log tail only where helm's output-log policy printed no logs.
      const withLogs = !r.hook.outputLogPolicies.includes('hook-failed');
      ctx.reporter.logBlock(
        `why ${hookLabel(r.hook)} ${r.timedOut ? 'timed out' : 'failed'}`,
        diagnosisLines(r.hook, r.diagnosis, withLogs),
      );
    }
    if (effectiveDeletePolicies(r.hook).includes('hook-failed')) await tryDelete(r.hook, ctx);
  }
  if (waitFailures.length === 0 || !ctx.flavour.deleteSucceededOnFailure) return undefined;
  for (const r of ordered.filter((r) => r.ok)) {
    if (!effectiveDeletePolicies(r.hook).includes('hook-succeeded')) continue;
    try {
      await deleteHook(r.hook, ctx);
    } catch (error) {
      if (error instanceof InterruptedError) throw error;
      ctx.reporter.note(
        `could not delete ${hookLabel(r.hook)}: ${error instanceof Error ? error.message : String(error)}`,
      );
      return apiMessage(error);
    }
  }
  return undefined;
}

async function tryDelete(hook: Hook, ctx: RunContext): Promise<void> {
  try {
    await deleteHook(hook, ctx);
  } catch (error) {
    ctx.reporter.note(
      `could not delete ${hookLabel(hook)} after its failure: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** helm's success clean-up: in reverse order, output logs (hook-succeeded), then hook-succeeded deletes. */
async function cleanUpAfterSuccess(plan: EventPlan, ctx: RunContext): Promise<void> {
  const reversed = [...plan.hooks].reverse();
  if (plan.parallelism <= 1) {
    for (const hook of reversed) {
      await printHookLogs(hook, 'hook-succeeded', ctx);
      if (effectiveDeletePolicies(hook).includes('hook-succeeded')) await deleteHook(hook, ctx);
    }
    return;
  }
  for (const hook of reversed) await printHookLogs(hook, 'hook-succeeded', ctx);
  const doomed = reversed.filter((h) => effectiveDeletePolicies(h).includes('hook-succeeded'));
  await pMap(doomed, (h) => deleteHook(h, ctx), { concurrency: plan.parallelism });
}
