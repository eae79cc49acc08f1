/**
 * The recorder: a reporter that passes every event on to the one the person sees and keeps what the
 * scheduler told it (plans, hook starts and results, helm's version, the release), for the report.
 */
import type { Hook } from '../hooks/model.js';
import type { EventPlan } from '../hooks/plan.js';
import type { EventSummary, HookResult } from '../hooks/results.js';
import type { Reporter, RunInfo } from '../output/reporter.js';
import type { RecordedEvent } from './model.js';

export class Recorder implements Reporter {
  readonly events: RecordedEvent[] = [];
  info: RunInfo | undefined;
  readonly wantsPods = true;

  constructor(
    private readonly inner: Reporter,
    private readonly clock: () => number = Date.now,
  ) {}

  private current(): RecordedEvent | undefined {
    return this.events[this.events.length - 1];
  }

  runContext(info: RunInfo): void {
    this.info = { ...info, release: info.release ?? this.info?.release };
    this.inner.runContext(info);
  }
  eventStarted(plan: EventPlan): void {
    this.events.push({ plan, startedAt: this.clock(), starts: new Map(), results: new Map() });
    this.inner.eventStarted(plan);
  }
  hookStarted(hook: Hook): void {
    this.current()?.starts.set(hook, this.clock());
    this.inner.hookStarted(hook);
  }
  hookFinished(result: HookResult): void {
    this.current()?.results.set(result.hook, result);
    this.inner.hookFinished(result);
  }
  hookWaiting(hook: Hook, reason: string): void {
    this.inner.hookWaiting(hook, reason);
  }
  logBlock(title: string, lines: readonly string[]): void {
    this.inner.logBlock(title, lines);
  }
  eventFinished(summary: EventSummary): void {
    const e = this.current();
    if (e) e.endedAt = this.clock();
    this.inner.eventFinished(summary);
  }
  note(line: string): void {
    this.inner.note(line);
  }
  stop(): void {
    this.inner.stop();
  }
}
