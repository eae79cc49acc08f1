/** What running hooks needs: the cluster, the shared watches, helm's flavour, the clock and the reporter. */
import type { Hook } from '../hooks/model.js';
import type { HookResult } from '../hooks/results.js';
import type { Cluster } from '../kube/cluster.js';
import type { WatchHub } from '../kube/watch-hub.js';
import type { Reporter } from '../output/reporter.js';
import type { HelmFlavour } from './helm-behaviour.js';
import type { WaitingReasons } from './waiting.js';

export interface RunContext {
  cluster: Cluster;
  hub: WatchHub;
  flavour: HelmFlavour;
  /** helm's --timeout in ms (0 and negative as given: helm-behaviour.ts applies each version's rule). */
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
