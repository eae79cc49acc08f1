/**
 * Live waiting reasons: for each hook being waited for, what it waits for now (pod Pending and why,
 * running, retrying, completing), read from the shared watch caches twice a second (no request: the
 * hub's caches), and told to the reporter only when it changes. A Job's pods come from one shared Pod watch
 * per namespace, started when the first Job of that namespace is waited for.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Hook } from '../hooks/model.js';
import { podsByJob, waitingReason } from '../kube/status.js';
import type { WatchHub } from '../kube/watch-hub.js';
import type { Reporter } from '../output/reporter.js';

const EVERY_MS = 500;

export class WaitingReasons {
  private readonly tracked = new Map<Hook, string | undefined>();
  private readonly podWatches = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly hub: WatchHub,
    private readonly reporter: Reporter,
  ) {}

  track(hook: Hook): void {
    if (hook.kind === 'Job' && !this.podWatches.has(hook.namespace)) {
      this.podWatches.add(hook.namespace);
      this.hub.watchSoon(hook.namespace, 'Pod');
    }
    this.tracked.set(hook, undefined);
    this.timer ??= setInterval(() => this.look(), EVERY_MS);
    this.timer.unref();
  }

  untrack(hook: Hook): void {
    this.tracked.delete(hook);
    if (this.tracked.size === 0) this.stop();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One look at the caches; a reporter call for each hook whose reason changed. */
  look(): void {
    // One pass over each namespace's Pod cache per look, not one per hook (500 hooks: 500 x 500 pods).
    const jobPods = new Map<string, Map<string, KubernetesObject[]>>();
    const podsOf = (namespace: string, job: string): KubernetesObject[] => {
      let byJob = jobPods.get(namespace);
      if (!byJob) {
        byJob = podsByJob(this.hub.cached(namespace, 'Pod'));
        jobPods.set(namespace, byJob);
      }
      return byJob.get(job) ?? [];
    };
    for (const [hook, last] of this.tracked) {
      const kind = hook.kind as 'Job' | 'Pod';
      const obj = this.hub.peek(hook.namespace, kind, hook.name);
      const pods = kind === 'Job' ? podsOf(hook.namespace, hook.name) : [];
      const reason = waitingReason(kind, obj, pods);
      if (reason === undefined || reason === last) continue;
      this.tracked.set(hook, reason);
      this.reporter.hookWaiting(hook, reason);
    }
  }
}
