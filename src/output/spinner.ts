/**
 * A terminal's view: one ora spinner per event with tier, running/done/failed counts and elapsed time, and
 * under it the running hooks (at most a screen's worth, longest-running first) with their elapsed time and
 * what each waits for.
 */
import ora, { type Ora } from 'ora';
import { type Hook, hookLabel } from '../hooks/model.js';
import type { EventPlan } from '../hooks/plan.js';
import type { EventSummary, HookResult } from '../hooks/results.js';
import { formatDuration } from '../util/duration.js';
import { summaryLine } from './format.js';
import type { Reporter, RunInfo } from './reporter.js';

export class SpinnerReporter implements Reporter {
  readonly wantsPods = false;
  /** The run's context is for a report; the person watching sees it in the event lines. */
  runContext(_info: RunInfo): void {}

  private spinner: Ora | undefined;
  private plan: EventPlan | undefined;
  private started = 0;
  private running = 0;
  private done = 0;
  private failed = 0;
  private ticker: NodeJS.Timeout | undefined;
  /** The hook started last: its tier is the one shown. */
  private current: Hook | undefined;
  /** Running hooks: when each started and what it waits for. */
  private readonly runningHooks = new Map<Hook, { since: number; reason: string }>();

  constructor(private readonly rows: () => number = () => process.stderr.rows || 24) {}

  eventStarted(plan: EventPlan): void {
    this.plan = plan;
    this.runningHooks.clear();
    this.started = Date.now();
    this.running = this.done = this.failed = 0;
    this.spinner = ora({ stream: process.stderr, text: this.text(), discardStdin: false }).start();
    this.ticker = setInterval(() => this.refresh(), 250);
  }
  hookStarted(hook: Hook): void {
    this.running++;
    this.current = hook;
    this.runningHooks.set(hook, { since: Date.now(), reason: 'starting' });
    this.refresh();
  }
  hookWaiting(hook: Hook, reason: string): void {
    const entry = this.runningHooks.get(hook);
    if (entry) entry.reason = reason;
    this.refresh();
  }
  hookFinished(r: HookResult): void {
    this.running--;
    this.runningHooks.delete(r.hook);
    if (r.ok) this.done++;
    else {
      this.failed++;
      this.persist('fail', `${hookLabel(r.hook)}: ${r.reason ?? 'failed'}`);
    }
    this.refresh();
  }
  logBlock(title: string, lines: readonly string[]): void {
    this.spinner?.clear();
    process.stderr.write(`${[title, ...lines].join('\n')}\n`);
    this.spinner?.render();
  }
  eventFinished(summary: EventSummary): void {
    if (this.ticker) clearInterval(this.ticker);
    if (summary.failed > 0) this.spinner?.fail(summaryLine(summary));
    else this.spinner?.succeed(summaryLine(summary));
    this.spinner = undefined;
  }
  note(line: string): void {
    this.persist('warn', line);
  }
  stop(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
    this.spinner?.stop();
    this.spinner = undefined;
  }

  private persist(kind: 'fail' | 'warn', text: string): void {
    if (!this.spinner) {
      process.stderr.write(`${text}\n`);
      return;
    }
    const keep = this.spinner.text;
    this.spinner[kind](text);
    this.spinner = ora({ stream: process.stderr, text: keep, discardStdin: false }).start();
  }

  private text(): string {
    const plan = this.plan;
    if (!plan) return '';
    const tier = this.current ? plan.tiers.findIndex((t) => t.hooks.includes(this.current as Hook)) + 1 : 1;
    const elapsed = formatDuration(Date.now() - this.started);
    const head =
      `${plan.event}: tier ${tier}/${plan.tiers.length}, ${this.running} running, ${this.done}/${plan.hooks.length} done` +
      `${this.failed ? `, ${this.failed} failed` : ''}, ${elapsed}`;
    return [head, ...runningLines(this.runningHooks, Date.now(), Math.max(0, this.rows() - 4))].join('\n');
  }

  private refresh(): void {
    if (this.spinner) this.spinner.text = this.text();
  }
}

/** The running hooks, longest-running first, at most `max` lines (the last one says how many more). */
export function runningLines(
  running: ReadonlyMap<Hook, { since: number; reason: string }>,
  now: number,
  max: number,
): string[] {
  const sorted = [...running].sort((a, b) => a[1].since - b[1].since);
  const fit = sorted.length > max ? Math.max(0, max - 1) : sorted.length;
  const lines = sorted
    .slice(0, fit)
    .map(([hook, r]) => `  ${hookLabel(hook)}  ${formatDuration(now - r.since).padStart(6)}  ${r.reason}`);
  if (sorted.length > fit && max > 0) lines.push(`  … and ${sorted.length - fit} more running`);
  return lines;
}
