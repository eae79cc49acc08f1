/**
 * Runs one hook exactly as the running helm release does: before-hook-creation delete (and, per version,
 * wait until gone), create (helm 3) or server-side apply (helm 4), then wait: Jobs and Pods until done or
 * failed, bounded by --timeout as that version bounds it; every other kind is done once it exists.
 *
 * Each failure carries two texts: `helmError`, helm's own wording (what the release description records),
 * and `reason`, the plugin's fuller explanation for the person reading the output.
 */
import type { KubernetesObject, V1Pod } from '@kubernetes/client-node';
import { InterruptedError, PluginError } from '../errors.js';
import { effectiveDeletePolicies, type Hook, hookLabel, isWaitedKind, TIMEOUT_ANNOTATION } from '../hooks/model.js';
import type { HookDiagnosis, HookResult, PodContainers, PodReport } from '../hooks/results.js';
import { apiMessage, NoKindError, type ObjectRef } from '../kube/cluster.js';
import {
  byCreation,
  byName,
  describeContainers,
  jobOutcome,
  podOutcome,
  podReport,
  podsOfJob,
} from '../kube/status.js';
import { formatDuration } from '../util/duration.js';
import type { RunContext } from './context.js';
import { diagnose, podsOf, waitingFor } from './diagnose.js';
import { deleteWaitMs, hookWaitMs } from './helm-behaviour.js';
import { createFailureText, noMatchText, type WaitFailure, waitFailureText } from './helm-errors.js';
import { podContainers } from './logs.js';

export function refOf(hook: Hook): ObjectRef {
  return { apiVersion: hook.apiVersion, kind: hook.kind, name: hook.name, namespace: hook.namespace };
}

class HookFailed extends Error {
  constructor(
    readonly stage: NonNullable<HookResult['stage']>,
    readonly helmError: string,
    readonly reason: string,
    readonly extra: { timedOut?: boolean; diagnosis?: HookDiagnosis; failedPods?: readonly PodContainers[] } = {},
  ) {
    super(reason);
  }
}

export async function runHook(hook: Hook, event: string, ctx: RunContext): Promise<HookResult> {
  const startedAt = Date.now();
  ctx.reporter.hookStarted(hook);
  try {
    await checkKind(hook, event, ctx);
    if (effectiveDeletePolicies(hook).includes('before-hook-creation')) await deleteHook(hook, ctx, 'delete');
    ctx.onHookStarted?.(hook, Date.now());
    let stored: KubernetesObject;
    try {
      const body = await ctx.cluster.prepare(hook.object, hook.namespace);
      stored = ctx.flavour.applyHooks ? await ctx.cluster.apply(body) : await ctx.cluster.create(body);
    } catch (error) {
      if (error instanceof InterruptedError) throw error;
      const message = apiMessage(error);
      throw new HookFailed('create', createFailureText(ctx.flavour, event, hook, message), errorText(error));
    }
    if (isWaitedKind(hook.kind)) await waitForOutcome(hook, stored.metadata?.uid, ctx);
    const endedAt = Date.now();
    const pods = ctx.collectPods && isWaitedKind(hook.kind) ? await podReports(hook, ctx) : undefined;
    return finish(ctx, { hook, ok: true, startedAt, endedAt, ...(pods ? { pods } : {}) });
  } catch (error) {
    if (error instanceof InterruptedError) throw error;
    if (error instanceof HookFailed) {
      return finish(ctx, {
        hook,
        ok: false,
        stage: error.stage,
        reason: error.reason,
        helmError: error.helmError,
        ...error.extra,
        ...(error.extra.diagnosis ? { pods: error.extra.diagnosis.pods } : {}),
        startedAt,
        endedAt: Date.now(),
      });
    }
    const reason = errorText(error);
    return finish(ctx, { hook, ok: false, stage: 'create', reason, helmError: reason, startedAt, endedAt: Date.now() });
  }
}

function finish(ctx: RunContext, result: HookResult): HookResult {
  ctx.reporter.hookFinished(result);
  ctx.onHookFinished?.(result);
  return result;
}

async function podReports(hook: Hook, ctx: RunContext): Promise<PodReport[] | undefined> {
  // The shared Pod watch (started for live waiting reasons) usually holds the finished pods already: no
  // request on the hooks' critical path. A list only when it does not (no watch, or not yet terminated).
  const cached = cachedPods(hook, ctx);
  if (cached.length > 0 && cached.every(terminated)) return cached.map(podReport);
  return (await podsOf(hook, ctx))?.map(podReport);
}

function cachedPods(hook: Hook, ctx: RunContext): V1Pod[] {
  const pods =
    hook.kind === 'Job'
      ? podsOfJob(ctx.hub.cached(hook.namespace, 'Pod'), hook.name)
      : [ctx.hub.peek(hook.namespace, 'Pod', hook.name)].filter((p) => p !== undefined);
  return (pods as V1Pod[]).filter((p) => !p.metadata?.deletionTimestamp).sort(byCreation);
}

function terminated(pod: V1Pod): boolean {
  const statuses = pod.status?.containerStatuses ?? [];
  return statuses.length > 0 && statuses.every((c) => c.state?.terminated !== undefined);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** helm cannot even build an object whose kind the cluster does not serve: it fails before any delete. */
async function checkKind(hook: Hook, event: string, ctx: RunContext): Promise<void> {
  try {
    const info = await ctx.cluster.kind(hook.apiVersion, hook.kind);
    if (!info.namespaced) hook.clusterScoped = true;
  } catch (error) {
    if (!(error instanceof NoKindError)) throw error;
    const forDelete = effectiveDeletePolicies(hook).includes('before-hook-creation');
    throw new HookFailed('build', noMatchText(hook, forDelete, event), `${hookLabel(hook)}: ${error.message}`);
  }
}

/**
 * Deletes a hook's object (background propagation) and, as the helm version does, waits until it is gone.
 * CustomResourceDefinitions are never deleted by hook policies.
 */
export async function deleteHook(hook: Hook, ctx: RunContext, stage: 'delete' | 'cleanup' = 'cleanup'): Promise<void> {
  if (hook.kind === 'CustomResourceDefinition') return;
  const ref = refOf(hook);
  if (ctx.signal.aborted) throw new InterruptedError(`deleting ${hook.kind}/${hook.name}`);
  let existed: boolean;
  try {
    existed = await ctx.cluster.delete(ref);
  } catch (error) {
    if (stage === 'delete') throw new HookFailed('delete', apiMessage(error), errorText(error));
    throw error;
  }
  if (!existed || ctx.flavour.deleteWait === 'none') return;
  const limitMs = deleteWaitMs(ctx);
  const timedOut = () => {
    const text = `timed out after ${formatDuration(Math.max(0, limitMs))} waiting for ${hookLabel(hook)} to be deleted`;
    return stage === 'delete' ? new HookFailed('delete', 'context deadline exceeded', text) : new PluginError(text);
  };
  if (limitMs <= 0) {
    // helm 3 with --timeout <= 0: its deadline has passed before it looks, so it looks once.
    if ((await ctx.cluster.get(ref)) !== undefined) throw timedOut();
    return;
  }
  if (isWaitedKind(hook.kind)) {
    await ctx.hub.until(
      hook.namespace,
      hook.kind as 'Job' | 'Pod',
      hook.name,
      (obj) => (obj === undefined ? true : undefined),
      {
        timeoutMs: limitMs,
        signal: ctx.signal,
        onTimeout: timedOut,
        onAbort: () => new InterruptedError(`waiting for ${hook.kind}/${hook.name} to be deleted`),
      },
    );
    return;
  }
  const deadline = Date.now() + limitMs;
  while ((await ctx.cluster.get(ref)) !== undefined) {
    if (ctx.signal.aborted) throw new InterruptedError(`waiting for ${hook.kind}/${hook.name} to be deleted`);
    if (Date.now() >= deadline) throw timedOut();
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Waits for a Job or Pod to finish, with the version's waiter semantics; throws HookFailed on failure. */
async function waitForOutcome(hook: Hook, uid: string | undefined, ctx: RunContext): Promise<void> {
  const read = hook.kind === 'Job' ? jobOutcome : podOutcome;
  const limitMs = hookWaitMs(ctx, hook);
  const limitText =
    hook.timeoutMs === undefined
      ? `--timeout ${formatDuration(limitMs)}`
      : `its ${TIMEOUT_ANNOTATION} ${formatDuration(limitMs)}`;
  let lastSeen: KubernetesObject | undefined;
  let wasDeleted = false;
  ctx.waiting?.track(hook);
  const outcome = await ctx.hub
    .until(
      hook.namespace,
      hook.kind as 'Job' | 'Pod',
      hook.name,
      (obj: KubernetesObject | undefined, deleted: boolean) => {
        if (!obj) return undefined;
        if (uid && obj.metadata?.uid !== uid) return undefined;
        if (deleted) {
          wasDeleted = true;
          // helm 3 (and helm 4's legacy waiter): deleted while watched counts as done; kstatus keeps waiting.
          return ctx.flavour.waiter === 'watch' ? { ok: true as const } : undefined;
        }
        lastSeen = obj;
        return read(obj);
      },
      {
        timeoutMs: limitMs,
        signal: ctx.signal,
        onTimeout: () => {
          const failure: WaitFailure = wasDeleted
            ? { type: 'timeout', status: 'NotFound', message: 'Resource not found' }
            : {
                type: 'timeout',
                status: 'InProgress',
                message: hook.kind === 'Job' ? 'Job in progress' : 'Pod in progress',
              };
          const why = wasDeleted ? `${hook.kind} was deleted while waited for` : `${hook.kind} not done`;
          return new HookFailed(
            'wait',
            waitFailureText(ctx.flavour, hook, failure),
            `timed out waiting for the condition (${why} after ${limitText})`,
            { timedOut: true },
          );
        },
        onAbort: () => new InterruptedError(`waiting for ${hook.kind}/${hook.name}`),
      },
    )
    .catch(async (error: unknown) => {
      // A timeout names what the hook was still waiting for.
      if (!(error instanceof HookFailed) || !error.extra.timedOut || wasDeleted) throw error;
      const { diagnosis, pods: failedPods } = await diagnose(hook, lastSeen, ctx);
      throw new HookFailed(
        'wait',
        error.helmError,
        `${error.reason}; still waiting for: ${waitingFor(hook, diagnosis)}`,
        { timedOut: true, diagnosis, ...(failedPods ? { failedPods: failedPods.map(podContainers) } : {}) },
      );
    })
    .finally(() => ctx.waiting?.untrack(hook));
  if (outcome.ok) return;
  const job = lastSeen as { status?: { failed?: number }; spec?: { completions?: number } } | undefined;
  const failure: WaitFailure =
    hook.kind === 'Job'
      ? {
          type: 'job-failed',
          reason: outcome.conditionReason ?? 'Failed',
          failed: job?.status?.failed ?? 0,
          completions: job?.spec?.completions ?? 1,
        }
      : { type: 'pod-failed' };
  // One listing of the failed hook's pods: for the diagnosis, the explanation and helm's hook-failed logs.
  const { diagnosis, pods: failedPods } = await diagnose(hook, lastSeen, ctx);
  throw new HookFailed(
    'wait',
    waitFailureText(ctx.flavour, hook, failure),
    explainFailure(hook, outcome.reason, failedPods),
    {
      diagnosis,
      ...(failedPods ? { failedPods: failedPods.map(podContainers) } : {}),
    },
  );
}

/** Adds what the pods say (exit code, reason) to a failed Job's condition message. */
function explainFailure(hook: Hook, reason: string, pods: readonly V1Pod[] | undefined): string {
  if (hook.kind !== 'Job' || !pods) return reason;
  const detail = describeContainers([...pods].sort(byName));
  return detail ? `${reason}; ${detail}` : reason;
}
