/**
 * Runs one hook exactly as helm does (HELM-HOOKS.md section 3): before-hook-creation delete and wait until
 * gone, create (helm 3) or server-side apply (helm 4), then wait: Jobs and Pods until done or failed, bounded
 * by --timeout; every other kind is done once it exists.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { InterruptedError, PluginError } from '../errors.js';
import { type Hook, effectiveDeletePolicies, isWaitedKind } from '../hooks/model.js';
import type { ObjectRef } from '../kube/cluster.js';
import { describeContainers, jobOutcome, podOutcome, type Outcome } from '../kube/status.js';
import { formatDuration } from '../util/duration.js';
import type { RunContext } from './context.js';

export interface HookResult {
  hook: Hook;
  ok: boolean;
  /** Where it failed: creating it (helm applies no failure policy then) or waiting for it. */
  stage?: 'delete' | 'create' | 'wait';
  reason?: string;
  startedAt: number;
  endedAt: number;
}

export function refOf(hook: Hook): ObjectRef {
  return { apiVersion: hook.apiVersion, kind: hook.kind, name: hook.name, namespace: hook.namespace };
}

export async function runHook(hook: Hook, ctx: RunContext): Promise<HookResult> {
  const startedAt = Date.now();
  ctx.reporter.hookStarted(hook);
  let stage: HookResult['stage'] = 'delete';
  try {
    if (effectiveDeletePolicies(hook).includes('before-hook-creation')) await deleteHook(hook, ctx);
    stage = 'create';
    const body = await ctx.cluster.prepare(hook.object, hook.namespace);
    const stored = ctx.flavour.applyHooks ? await ctx.cluster.apply(body) : await ctx.cluster.create(body);
    stage = 'wait';
    if (isWaitedKind(hook.kind)) {
      const outcome = await waitForOutcome(hook, stored.metadata?.uid, ctx);
      if (!outcome.ok) return finish(ctx, { hook, ok: false, stage, reason: await explainFailure(hook, outcome.reason, ctx), startedAt, endedAt: Date.now() });
    }
    return finish(ctx, { hook, ok: true, startedAt, endedAt: Date.now() });
  } catch (error) {
    if (error instanceof InterruptedError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    return finish(ctx, { hook, ok: false, stage, reason, startedAt, endedAt: Date.now() });
  }
}

function finish(ctx: RunContext, result: HookResult): HookResult {
  ctx.reporter.hookFinished(result);
  return result;
}

/**
 * Deletes a hook's object (background propagation) and waits until it is gone, bounded by --timeout.
 * CustomResourceDefinitions are never deleted by hook policies.
 */
export async function deleteHook(hook: Hook, ctx: RunContext): Promise<void> {
  if (hook.kind === 'CustomResourceDefinition') return;
  const ref = refOf(hook);
  if (ctx.signal.aborted) throw new InterruptedError(`deleting ${hook.kind}/${hook.name}`);
  const existed = await ctx.cluster.delete(ref);
  if (!existed) return;
  if (isWaitedKind(hook.kind)) {
    await ctx.hub.until(hook.namespace, hook.kind as 'Job' | 'Pod', hook.name, (obj) => (obj === undefined ? true : undefined), {
      timeoutMs: ctx.timeoutMs,
      signal: ctx.signal,
      onTimeout: () => new PluginError(`timed out after ${formatDuration(ctx.timeoutMs)} waiting for ${hook.kind}/${hook.name} to be deleted`),
      onAbort: () => new InterruptedError(`waiting for ${hook.kind}/${hook.name} to be deleted`),
    });
    return;
  }
  const deadline = Date.now() + ctx.timeoutMs;
  while (await ctx.cluster.exists(ref)) {
    if (ctx.signal.aborted) throw new InterruptedError(`waiting for ${hook.kind}/${hook.name} to be deleted`);
    if (Date.now() > deadline) {
      throw new PluginError(`timed out after ${formatDuration(ctx.timeoutMs)} waiting for ${hook.kind}/${hook.name} to be deleted`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function waitForOutcome(hook: Hook, uid: string | undefined, ctx: RunContext): Promise<Outcome> {
  const read = hook.kind === 'Job' ? jobOutcome : podOutcome;
  return ctx.hub.until(
    hook.namespace,
    hook.kind as 'Job' | 'Pod',
    hook.name,
    (obj: KubernetesObject | undefined, deleted: boolean): Outcome | undefined => {
      if (!obj || (uid && obj.metadata?.uid !== uid)) return undefined;
      // helm 3: the object being deleted while watched counts as done.
      if (deleted) return { ok: true };
      return read(obj);
    },
    {
      timeoutMs: ctx.timeoutMs,
      signal: ctx.signal,
      onTimeout: () =>
        new PluginError(`timed out waiting for the condition (${hook.kind} not done after --timeout ${formatDuration(ctx.timeoutMs)})`),
      onAbort: () => new InterruptedError(`waiting for ${hook.kind}/${hook.name}`),
    },
  );
}

/** Adds what the pods say (exit code, reason) to a failed Job's condition message. */
async function explainFailure(hook: Hook, reason: string, ctx: RunContext): Promise<string> {
  if (hook.kind !== 'Job') return reason;
  try {
    const pods = await ctx.cluster.listPods(hook.namespace, { labelSelector: `job-name=${hook.name}` });
    const detail = describeContainers(pods);
    return detail ? `${reason}; ${detail}` : reason;
  } catch {
    return reason;
  }
}
