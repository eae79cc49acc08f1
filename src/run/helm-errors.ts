/**
 * helm's own wording of a hook failure, per major, as it ends up in the release description
 * (`Release "x" failed: failed pre-install: <this>`) and in helm's error. The plugin records exactly this,
 * and prints its own fuller detail (exit codes, pod states) beside it.
 */
import type { Hook } from '../hooks/model.js';
import type { HelmFlavour } from './helm-behaviour.js';

/** helm 3 aggregates per-resource errors with hashicorp/go-multierror. */
function multi(flavour: HelmFlavour, message: string): string {
  return flavour.messages === 3 ? `1 error occurred:\n\t* ${message}\n\n` : message;
}

export type WaitFailure =
  | { type: 'job-failed'; reason: string; failed: number; completions: number }
  | { type: 'pod-failed' }
  | { type: 'timeout'; status: 'InProgress' | 'NotFound'; message: string }
  | { type: 'watch-timeout' };

/** The error helm returns from waiting for a hook (watch or kstatus). */
export function waitFailureText(flavour: HelmFlavour, hook: Hook, failure: WaitFailure): string {
  if (flavour.waiter === 'watch') {
    if (failure.type === 'job-failed') return multi(flavour, `job ${hook.name} failed: ${failure.reason}`);
    if (failure.type === 'pod-failed') return multi(flavour, `pod ${hook.name} failed`);
    return multi(flavour, 'timed out waiting for the condition');
  }
  const prefix = `resource ${hook.kind}/${hook.namespace}/${hook.name} not ready.`;
  if (failure.type === 'job-failed')
    return `${prefix} status: Failed, message: Job Failed. failed: ${failure.failed}/${failure.completions}`;
  if (failure.type === 'pod-failed') return `${prefix} status: Failed, message: pod ${hook.name} failed`;
  if (failure.type === 'timeout')
    return `${prefix} status: ${failure.status}, message: ${failure.message}\ncontext deadline exceeded`;
  return `${prefix} status: InProgress, message: ${hook.kind} in progress\ncontext deadline exceeded`;
}

/** helm's error when creating (helm 3) or applying (helm 4) a hook fails. */
export function createFailureText(flavour: HelmFlavour, event: string, hook: Hook, apiMessage: string): string {
  return `warning: Hook ${event} ${hook.path} failed: ${multi(flavour, apiMessage)}`;
}

/** helm's error when its Kubernetes client cannot map a hook's kind (no such kind, or its CRD is missing). */
export function noMatchText(hook: Hook, forDelete: boolean, event: string): string {
  const ns = typeof hook.object.metadata.namespace === 'string' ? hook.object.metadata.namespace : '';
  const inner = `resource mapping not found for name: "${hook.name}" namespace: "${ns}" from "": no matches for kind "${hook.kind}" in version "${hook.apiVersion}"\nensure CRDs are installed first`;
  return forDelete
    ? `unable to build kubernetes object for deleting hook ${hook.path}: ${inner}`
    : `unable to build kubernetes object for ${event} hook ${hook.path}: ${inner}`;
}
