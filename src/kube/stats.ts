/** Counters of the plugin's own traffic to the API server: the benchmark reads them (HELM_PARALLEL_HOOKS_STATS). */
export interface ApiStats {
  requests: number;
  watchConnections: number;
  /** watch connections per "namespace/kind" */
  watchesByKey: Record<string, number>;
  /** writes of the release record (each one helm's whole record, encoded) */
  recordWrites: number;
}

export function newStats(): ApiStats {
  return { requests: 0, watchConnections: 0, watchesByKey: {}, recordWrites: 0 };
}
