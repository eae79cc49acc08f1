/**
 * What running hooks produces, shared by the scheduler (run/), the reporters (output/) and the report
 * (report/): types only, one floor below all three, so none of them imports another for a shape.
 */
import type { Hook } from './model.js';

/** One hook's run: how it ended and, when it failed, where and why. */
export interface HookResult {
  hook: Hook;
  ok: boolean;
  /**
   * Where it failed: building or deleting before creation, creating (helm applies no failure policy then), or
   * waiting (hook-failed policies and, per version, the clean-up of succeeded hooks apply).
   */
  stage?: 'build' | 'delete' | 'create' | 'wait';
  /** The plugin's explanation (condition, exit codes, pod states). */
  reason?: string;
  /** helm's own error text for this failure. */
  helmError?: string;
  /** The wait ended at the hook's limit (its own helm-parallel-hooks.io/timeout, else --timeout). */
  timedOut?: boolean;
  /** What the cluster said about a hook that failed while waited for (pods, events, log tail). */
  diagnosis?: HookDiagnosis;
  /** The hook's pods when it ended (a Job's or the Pod itself), read only when a report asks for them. */
  pods?: PodReport[];
  /**
   * A hook that failed while waited for: its pods as listed once for the diagnosis, reused for helm's
   * hook-failed output logs (one listing per failed hook). Names only: no spec travels to the reporters.
   */
  failedPods?: readonly PodContainers[];
  startedAt: number;
  endedAt: number;
}

/** One event's run: its hooks, tiers, wall time against the serial sum, failures. */
export interface EventSummary {
  event: string;
  hooks: number;
  tiers: number;
  parallelism: number;
  wallMs: number;
  /** What the same hooks cost one after another: the sum of each hook's own duration. */
  serialMs: number;
  failed: number;
  notStarted: number;
}

/** A pod by name and the names of its containers (spec.containers): what a hook's output logs read. */
export interface PodContainers {
  pod: string;
  containers: string[];
}

/** The last lines of one container's log. */
export interface LogTail {
  pod: string;
  container: string;
  lines: string[];
  /** Why there are no lines (logs unavailable), if so. */
  error?: string;
}

/** Why a hook failed or is late, as the cluster tells it (bounded). */
export interface HookDiagnosis {
  /** The Job's Failed/Complete condition, or its counts while it runs. */
  condition?: string;
  pods: PodReport[];
  events: EventReport[];
  logs: LogTail[];
}

/** One container as a report shows it: its state, exit code and reason; never its spec or environment. */
export interface ContainerReport {
  name: string;
  state: 'waiting' | 'running' | 'terminated' | 'unknown';
  reason?: string;
  message?: string;
  exitCode?: number;
  restarts: number;
}

/** One pod as a report shows it: phase, why it is not scheduled or not running, its containers. */
export interface PodReport {
  name: string;
  phase: string;
  /** The pod's own reason, or the PodScheduled=False condition's reason (e.g. Unschedulable). */
  reason?: string;
  message?: string;
  containers: ContainerReport[];
}

/** A Kubernetes Event about the hook or one of its pods: what happened, last seen. */
export interface EventReport {
  object: string;
  type: string;
  reason: string;
  message: string;
  count: number;
  lastSeen?: string;
}
