/** What the runner tells the person watching. Two faces: plain lines (CI, pipes) and an ora spinner (TTY). */
import type { Hook } from '../hooks/model.js';
import type { EventPlan } from '../hooks/plan.js';
import type { EventSummary, HookResult } from '../hooks/results.js';

/**
 * Every method is required, so a reporter that wraps another (report/record.ts) fails to compile when a
 * new one is added and not passed on; SilentReporter is the no-op to start from.
 */
export interface Reporter {
  eventStarted(plan: EventPlan): void;
  hookStarted(hook: Hook): void;
  hookFinished(result: HookResult): void;
  /** What a hook waited for changed (pod Pending: Unschedulable, running, retrying, completing). */
  hookWaiting(hook: Hook, reason: string): void;
  /** A block of lines printed whole, never interleaved with another hook's. */
  logBlock(title: string, lines: readonly string[]): void;
  eventFinished(summary: EventSummary): void;
  /** A one-line remark (warnings, skipped steps). */
  note(line: string): void;
  /** What an event runs against (helm's version, the release), told once per event; for a report. */
  runContext(info: RunInfo): void;
  /** A report wants each finished hook's pods (one more request per hook). */
  readonly wantsPods: boolean;
  /** Ends anything still drawing (a spinner and its timer): on a signal, and when the command ends. */
  stop(): void;
}

export type OutputMode = 'plain' | 'spinner';

export interface RunInfo {
  /** helm's version, e.g. "v3.18.0". */
  helmVersion: string;
  release?: string;
  namespace: string;
  /** helm's --timeout in ms, as given. */
  timeoutMs: number;
}

/** A reporter that shows nothing (tests, and a base for reporters that need only some of the calls). */
export class SilentReporter implements Reporter {
  readonly wantsPods: boolean = false;
  eventStarted(_plan: EventPlan): void {}
  hookStarted(_hook: Hook): void {}
  hookFinished(_result: HookResult): void {}
  hookWaiting(_hook: Hook, _reason: string): void {}
  logBlock(_title: string, _lines: readonly string[]): void {}
  eventFinished(_summary: EventSummary): void {}
  note(_line: string): void {}
  runContext(_info: RunInfo): void {}
  stop(): void {}
}
