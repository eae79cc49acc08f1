/** What running hooks needs: the cluster, the shared watches, helm's flavour, the clock and the reporter. */
import type { Cluster } from '../kube/cluster.js';
import type { WatchHub } from '../kube/watch-hub.js';
import type { Reporter } from '../output/reporter.js';

export interface HelmFlavour {
  /** Helm 4 server-side applies hooks; helm 3 creates them. */
  applyHooks: boolean;
  /** Helm >= 3.19 and 4 delete an event's earlier hook-succeeded hooks when a later hook fails. */
  deleteSucceededOnFailure: boolean;
}

export interface RunContext {
  cluster: Cluster;
  hub: WatchHub;
  flavour: HelmFlavour;
  /** helm's --timeout, for each hook's wait (and each wait for a deletion). */
  timeoutMs: number;
  signal: AbortSignal;
  reporter: Reporter;
}

export function flavourOf(version: { major: number; minor: number }): HelmFlavour {
  return {
    applyHooks: version.major >= 4,
    deleteSucceededOnFailure: version.major >= 4 || (version.major === 3 && version.minor >= 19),
  };
}
