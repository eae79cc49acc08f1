/**
 * Measuring one command: its wall time (spawn to exit, as a user would see it), the hooks' real start and
 * end on the cluster (from the harness's watch recorder: creation seen, Job/Pod seen finished), the plugin's
 * own API statistics (HELM_PARALLEL_HOOKS_STATS) and, from its timestamped plain output, where its time
 * went (before the first event, each event, after the last).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CHART, helm, type Recorded, record } from '../test/e2e/harness.js';
import { EVENTS, type Event, type ExpectedHook, type Tool, tiersOf } from './scenarios.js';

export type Major = 3 | 4;

export interface PluginStats {
  requests: number;
  /** Runs of the exec credential plugin in the plugin's own node process. */
  execRuns?: number;
  watchConnections: number;
  watchesByKey: Record<string, number>;
  maxRssMB: number;
}

/** Where the plugin's wall time went, from its own plain-output timestamps (seconds). */
export interface PluginPhases {
  /** Spawn to the first event's start: node start, helm render, client set-up, watch priming. */
  beforeFirstEvent: number;
  /** Each event's span as the plugin reports it. */
  events: Partial<Record<Event, number>>;
  /** Between the events: helm --no-hooks and reading the stored release. */
  between: number;
  /** Last event's end (or the first event's, if only one) to exit: helm --no-hooks, when only pre hooks run. */
  afterLastEvent: number;
}

export interface HookTiming {
  hook: ExpectedHook;
  startMs: number;
  endMs: number;
}

/** Medians over a run's waited hooks (seconds), to tell the tool's time from the cluster's. */
export interface HookDetail {
  /** Job or Pod created -> seen finished. */
  hookMedian: number;
  hookMax: number;
  /** Jobs: Job created -> its Pod created (Job controller). */
  jobToPod?: number;
  /** Jobs: Pod created -> Pod Succeeded (scheduler, kwok, the simulated run time). */
  podRun?: number;
  /** Jobs: Pod Succeeded -> Job Complete (Job controller). */
  podDoneToJobDone?: number;
  /** Sum of waited hooks' durations / hook phase: how many ran at once on average. */
  meanConcurrency: number;
  /**
   * Within a tier, the k-th hook start (in time order) after the (k-N)-th hook end, N the tool's
   * parallelism: the tool's cost between one hook ending and the next starting (for the plugin and helm
   * alike: seeing the end, deleting the previous object of the next hook, waiting until it is gone, creating).
   */
  gapMedian?: number;
}

export interface RunMeasure {
  exitCode: number;
  totalS: number;
  /** First hook start to last hook end, per event, and their sum. */
  hookPhaseByEvent: Partial<Record<Event, number>>;
  hookPhaseS: number;
  /** Sum over tiers of the longest hook of the tier (creation seen to finish seen). */
  idealHookS: number;
  /** Hooks expected but not seen created, or Jobs/Pods not seen finished. */
  missing: string[];
  /** Where a hook's time goes, from the recorder (absent when the scenario has no Jobs/Pods). */
  detail?: HookDetail;
  stats?: PluginStats;
  phases?: PluginPhases;
  /** The hook report's own time (build and write), from the plugin's "written to ... in N ms" line. */
  reportMs?: number;
  /** Runs of the exec credential plugin during the command, by every process (helm's and the plugin's). */
  execRuns?: number;
  stderrTail?: string;
}

export interface Command {
  tool: Tool | 'no-hooks';
  release: string;
  namespace: string;
  valuesFile: string;
  /** Distinct per command, so every upgrade changes the release (and its pre-upgrade hooks fire). */
  runId: string;
  /** A chart other than the test chart. */
  chart?: string;
  /** The plugin writes a hook report to this file. */
  reportFile?: string;
  /** Extra environment (an exec credential kubeconfig: KUBECONFIG). */
  env?: Record<string, string>;
}

/** The variable the benchmark's exec credential plugin appends one line per run to (bench/run.ts). */
export const EXEC_LOG_VAR = 'HPH_BENCH_EXEC_LOG';

export function argsFor(c: Command): string[] {
  const common = [
    c.release,
    c.chart ?? CHART,
    '-n',
    c.namespace,
    '-f',
    c.valuesFile,
    '--set',
    `configmap.data=${c.runId}`,
    '--timeout',
    '15m',
  ];
  if (c.tool === 'no-hooks') return ['upgrade', ...common, '--no-hooks'];
  if (c.tool.tool === 'helm') return ['upgrade', ...common];
  return [
    'parallel-hooks',
    'upgrade',
    ...common,
    '--hook-parallelism',
    String(c.tool.parallelism),
    ...(c.reportFile ? ['--hook-report', c.reportFile] : []),
  ];
}

/** Runs a command with nothing recorded: seconds, spawn to exit. Throws when it fails. */
export async function timeOnly(major: Major, c: Command): Promise<number> {
  const t0 = performance.now();
  const r = await helm(major, argsFor(c), c.env ?? {});
  const s = (performance.now() - t0) / 1000;
  if (r.exitCode !== 0)
    throw new Error(`helm ${major} ${argsFor(c).join(' ')} failed (${r.exitCode}):\n${tail(r.stderr)}`);
  return s;
}

/** Runs a command under the recorder and reads the expected hooks' timings off the cluster. */
export async function measured(major: Major, c: Command, hooks: readonly ExpectedHook[]): Promise<RunMeasure> {
  const isPlugin = c.tool !== 'no-hooks' && c.tool.tool === 'plugin';
  const statsDir = isPlugin ? mkdtempSync(join(tmpdir(), 'hph-bench-stats-')) : undefined;
  const statsFile = statsDir ? join(statsDir, 'stats.json') : undefined;
  const rec = await record(c.namespace);
  const execLog = c.env ? join(mkdtempSync(join(tmpdir(), 'hph-bench-exec-')), 'runs') : undefined;
  if (execLog) writeFileSync(execLog, '');
  const spawnedAt = Date.now();
  const t0 = performance.now();
  const r = await helm(major, argsFor(c), {
    ...(c.env ?? {}),
    ...(execLog ? { [EXEC_LOG_VAR]: execLog } : {}),
    ...(statsFile ? { HELM_PARALLEL_HOOKS_STATS: statsFile } : {}),
  });
  const totalS = (performance.now() - t0) / 1000;
  const exitedAt = Date.now();
  const recs = await rec.stop();

  const n = c.tool === 'no-hooks' ? 1 : c.tool.parallelism;
  const m: RunMeasure = { exitCode: r.exitCode, totalS, ...analyse(recs, hooks, n) };
  if (r.exitCode !== 0) m.stderrTail = tail(r.stderr);
  if (execLog) {
    m.execRuns = readFileSync(execLog, 'utf8').split('\n').filter(Boolean).length;
    rmSync(dirname(execLog), { recursive: true, force: true });
  }
  if (statsFile && statsDir) {
    try {
      m.stats = JSON.parse(readFileSync(statsFile, 'utf8')) as PluginStats;
    } catch {
      // no stats written (the plugin failed early): left out
    }
    rmSync(statsDir, { recursive: true, force: true });
    m.phases = pluginPhases(r.stderr, spawnedAt, exitedAt);
    const written = /hook report \(\w+\) written to .* in (\d+) ms/.exec(r.stderr);
    if (written) m.reportMs = Number(written[1]);
  }
  return m;
}

/** Hook timings from the recorder: start = creation seen, end = finish seen (Jobs, Pods) or creation. */
export function analyse(
  recs: readonly Recorded[],
  hooks: readonly ExpectedHook[],
  parallelism: number,
): Pick<RunMeasure, 'hookPhaseByEvent' | 'hookPhaseS' | 'idealHookS' | 'missing' | 'detail'> {
  const missing: string[] = [];
  const timing = new Map<string, HookTiming>();
  for (const hook of hooks) {
    const created = recs.filter((r) => r.kind === hook.kind && r.name === hook.name && !r.preexisting);
    const last = created[created.length - 1];
    if (!last) {
      missing.push(`${hook.kind}/${hook.name} not created`);
      continue;
    }
    const waited = hook.kind === 'Job' || hook.kind === 'Pod';
    if (waited && last.finishedAt === undefined) {
      missing.push(`${hook.kind}/${hook.name} not finished`);
      continue;
    }
    timing.set(hook.name, {
      hook,
      startMs: last.createdAt,
      endMs: waited ? (last.finishedAt as number) : last.createdAt,
    });
  }
  const hookPhaseByEvent: Partial<Record<Event, number>> = {};
  let hookPhaseS = 0;
  let idealHookS = 0;
  for (const event of EVENTS) {
    const tiers = tiersOf(hooks, event);
    const all = tiers
      .flat()
      .map((h) => timing.get(h.name))
      .filter((t): t is HookTiming => t !== undefined);
    if (all.length === 0) continue;
    const phase = (Math.max(...all.map((t) => t.endMs)) - Math.min(...all.map((t) => t.startMs))) / 1000;
    hookPhaseByEvent[event] = phase;
    hookPhaseS += phase;
    for (const tier of tiers) {
      const durations = tier
        .map((h) => timing.get(h.name))
        .filter((t): t is HookTiming => t !== undefined)
        .map((t) => t.endMs - t.startMs);
      idealHookS += Math.max(0, ...durations) / 1000;
    }
  }
  return {
    hookPhaseByEvent,
    hookPhaseS,
    idealHookS,
    missing,
    detail: detail(recs, hooks, timing, hookPhaseS, parallelism),
  };
}

function detail(
  recs: readonly Recorded[],
  hooks: readonly ExpectedHook[],
  timing: Map<string, HookTiming>,
  phaseS: number,
  n: number,
): HookDetail | undefined {
  const waited = [...timing.values()].filter((t) => t.hook.kind === 'Job' || t.hook.kind === 'Pod');
  if (!waited.length) return undefined;
  const durations = waited.map((t) => (t.endMs - t.startMs) / 1000);
  const d: HookDetail = {
    hookMedian: median(durations),
    hookMax: Math.max(...durations),
    meanConcurrency: phaseS > 0 ? durations.reduce((a, b) => a + b, 0) / phaseS : 0,
  };
  // Jobs: their pods, by the job-name label, created during the run.
  const jobs = waited.filter((t) => t.hook.kind === 'Job');
  const toPod: number[] = [];
  const run: number[] = [];
  const toDone: number[] = [];
  for (const t of jobs) {
    const pod = recs
      .filter((r) => r.kind === 'Pod' && r.job === t.hook.name && !r.preexisting && r.createdAt >= t.startMs)
      .pop();
    if (!pod) continue;
    toPod.push((pod.createdAt - t.startMs) / 1000);
    if (pod.finishedAt !== undefined) {
      run.push((pod.finishedAt - pod.createdAt) / 1000);
      toDone.push((t.endMs - pod.finishedAt) / 1000);
    }
  }
  if (toPod.length) d.jobToPod = median(toPod);
  if (run.length) d.podRun = median(run);
  if (toDone.length) d.podDoneToJobDone = median(toDone);
  const gaps: number[] = [];
  for (const event of EVENTS) {
    for (const tier of tiersOf(hooks, event)) {
      const ts = tier
        .map((h) => timing.get(h.name))
        .filter((t): t is HookTiming => t !== undefined && (t.hook.kind === 'Job' || t.hook.kind === 'Pod'));
      const starts = ts.map((t) => t.startMs).sort((a, b) => a - b);
      const ends = ts.map((t) => t.endMs).sort((a, b) => a - b);
      for (let k = n; k < starts.length; k++) gaps.push(((starts[k] as number) - (ends[k - n] as number)) / 1000);
    }
  }
  if (gaps.length) d.gapMedian = median(gaps);
  return d;
}

const LINE = /^(\d{4}-\d\d-\d\dT[\d:.]+Z) \[parallel-hooks\] (pre|post)-upgrade: (.*)$/;

/** Event start/end from the plugin's plain output ("<event>: N hook(s) in ..." and "<event>: done: ..."). */
export function pluginPhases(stderr: string, spawnedAt: number, exitedAt: number): PluginPhases | undefined {
  const spans: Array<{ event: Event; start: number; end?: number }> = [];
  for (const line of stderr.split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    const at = Date.parse(m[1] as string);
    const event = `${m[2]}-upgrade` as Event;
    if (/^\d+ hook\(s\) in /.test(m[3] as string)) spans.push({ event, start: at });
    else if (/^(done|FAILED)/.test(m[3] as string)) {
      const open = spans.find((s) => s.event === event && s.end === undefined);
      if (open) open.end = at;
    }
  }
  const done = spans.filter((s): s is Required<typeof s> => s.end !== undefined);
  if (done.length === 0) return undefined;
  const first = done[0] as Required<(typeof spans)[number]>;
  const last = done[done.length - 1] as Required<(typeof spans)[number]>;
  const events: Partial<Record<Event, number>> = {};
  for (const s of done) events[s.event] = (s.end - s.start) / 1000;
  return {
    beforeFirstEvent: (first.start - spawnedAt) / 1000,
    events,
    between: done.length > 1 ? (last.start - first.end) / 1000 : 0,
    afterLastEvent: (exitedAt - last.end) / 1000,
  };
}

function tail(text: string, lines = 15): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}
