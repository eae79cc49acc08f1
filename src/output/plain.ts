/** Plain timestamped lines on stderr, one per hook start and end: for CI logs, pipes, NO_COLOR, TERM=dumb. */
import { type Hook, hookLabel } from '../hooks/model.js';
import type { EventPlan } from '../hooks/plan.js';
import type { EventSummary, HookResult } from '../hooks/results.js';
import { formatDuration } from '../util/duration.js';
import { summaryLine } from './format.js';
import type { Reporter, RunInfo } from './reporter.js';

export class PlainReporter implements Reporter {
  readonly wantsPods = false;
  /** The run's context is for a report; the person watching sees it in the event lines. */
  runContext(_info: RunInfo): void {}

  constructor(private readonly write: (text: string) => void = (t) => process.stderr.write(t)) {}

  private line(text: string): void {
    this.write(`${new Date().toISOString()} [parallel-hooks] ${text}\n`);
  }

  eventStarted(plan: EventPlan): void {
    this.line(
      `${plan.event}: ${plan.hooks.length} hook(s) in ${plan.tiers.length} tier(s), parallelism ${plan.parallelism}`,
    );
  }
  hookStarted(hook: Hook): void {
    this.line(`start ${hookLabel(hook)} weight ${hook.weight}`);
  }
  hookFinished(r: HookResult): void {
    const took = formatDuration(r.endedAt - r.startedAt);
    this.line(
      r.ok ? `done  ${hookLabel(r.hook)} in ${took}` : `FAIL  ${hookLabel(r.hook)} after ${took}: ${r.reason ?? ''}`,
    );
  }
  hookWaiting(hook: Hook, reason: string): void {
    this.line(`wait  ${hookLabel(hook)}: ${reason}`);
  }
  logBlock(title: string, lines: readonly string[]): void {
    this.write(`${[`${new Date().toISOString()} [parallel-hooks] ${title}`, ...lines].join('\n')}\n`);
  }
  eventFinished(summary: EventSummary): void {
    this.line(summaryLine(summary));
  }
  note(text: string): void {
    this.line(text);
  }
  stop(): void {}
}
