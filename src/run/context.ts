/** What running hooks needs: the cluster, the shared watches, helm's flavour, the clock and the reporter. */
import type { Hook } from '../hooks/model.js';
import type { HookResult } from '../hooks/results.js';
import type { Cluster } from '../kube/cluster.js';
import type { WatchHub } from '../kube/watch-hub.js';
import type { Reporter } from '../output/reporter.js';
import type { WaitingReasons } from './waiting.js';

/**
 * How the running helm release runs a hook, where helm versions differ. Chosen from `helm version` and the
 * user's --wait (helm 4's wait strategy).
 */
export interface HelmFlavour {
  /** Helm 4 server-side applies hooks; helm 3 creates them. */
  applyHooks: boolean;
  /** Helm >= 3.19 and 4 delete an event's earlier hook-succeeded hooks when a later hook fails while waited for. */
  deleteSucceededOnFailure: boolean;
  /**
   * After a before-hook-creation or policy delete: helm 3 polls until the object is gone (bounded by
   * --timeout; with a timeout <= 0 it checks once); helm 4's default wait strategy (hookOnly) does not wait;
   * helm 4 with --wait=watcher|legacy waits.
   */
  deleteWait: 'poll' | 'none' | 'wait';
  /**
   * Waiting for a Job or Pod: helm 3 and helm 4's legacy waiter count an object deleted while watched as done;
   * helm 4's status watcher (kstatus) keeps waiting for it, and fails at the timeout.
   */
  waiter: 'watch' | 'kstatus';
  /** Error texts as this helm major words them (recorded in the release description). */
  messages: 3 | 4;
}

export interface RunContext {
  cluster: Cluster;
  hub: WatchHub;
  flavour: HelmFlavour;
  /** helm's --timeout in ms (0 and negative as given: hookWaitMs() applies each version's rule). */
  timeoutMs: number;
  signal: AbortSignal;
  reporter: Reporter;
  /** Told when a hook starts and ends (the release record keeps each hook's last run). */
  onHookStarted?: (hook: Hook, at: number) => void;
  onHookFinished?: (result: HookResult) => void;
  /** Live waiting reasons of the hooks being waited for (set by the scheduler for one event). */
  waiting?: WaitingReasons;
  /** Read each finished hook's pods (one list request) for a report; off unless a report is written. */
  collectPods?: boolean;
}

/** helm 4's wait strategy from --wait (no flag: hookOnly; bare --wait or true: watcher). */
export function waitStrategy(wait: string | undefined, present: boolean): 'hookOnly' | 'watcher' | 'legacy' {
  if (!present) return 'hookOnly';
  const v = (wait ?? 'watcher').trim().toLowerCase();
  if (v === 'legacy') return 'legacy';
  if (v === 'hookonly' || v === 'false') return 'hookOnly';
  return 'watcher';
}

export function flavourOf(
  version: { major: number; minor: number },
  strategy: 'hookOnly' | 'watcher' | 'legacy' = 'hookOnly',
): HelmFlavour {
  const four = version.major >= 4;
  return {
    applyHooks: four,
    deleteSucceededOnFailure: four || (version.major === 3 && version.minor >= 19),
    deleteWait: !four ? 'poll' : strategy === 'hookOnly' ? 'none' : 'wait',
    waiter: four && strategy !== 'legacy' ? 'kstatus' : 'watch',
    messages: four ? 4 : 3,
  };
}

/**
 * The limit of one hook's wait: the hook's own helm-parallel-hooks.io/timeout, else --timeout; helm 3 waits
 * without limit for <= 0; helm 4 uses 30 s for 0, none below.
 */
export function hookWaitMs(ctx: Pick<RunContext, 'flavour' | 'timeoutMs'>, hook?: Pick<Hook, 'timeoutMs'>): number {
  const timeoutMs = hook?.timeoutMs ?? ctx.timeoutMs;
  if (timeoutMs > 0) return timeoutMs;
  if (ctx.flavour.waiter === 'kstatus' && timeoutMs === 0) return 30_000;
  return Number.POSITIVE_INFINITY;
}
