/**
 * From raw runs to the result rows (medians over rounds) and the targets' PASS/MISS. Ratios between tools are
 * paired: each round's runs were made back to back, so a ratio is taken per round and its median reported,
 * which cancels most of the machine's slow drift.
 */

import type { InstallProbe } from './install-probe.js';
import { type HookDetail, median, type PluginPhases, type RunMeasure } from './measure.js';
import type { StartupProbe } from './probe.js';
import type { Event, Tool } from './scenarios.js';

export interface RawRun {
  scenario: string;
  major: 3 | 4;
  helmVersion: string;
  tool: Tool;
  round: number;
  /** Hooks the release runs on each upgrade (for requests per hook). */
  hookCount: number;
  /** helm upgrade --no-hooks on the same release, timed in the same round. */
  noHooksS: number;
  m: RunMeasure;
}

export interface Row {
  scenario: string;
  helmVersion: string;
  tool: 'helm' | 'plugin';
  parallelism: number;
  runs: number;
  /** Runs that failed (non-zero exit, or a hook not seen created/finished); left out of the medians. */
  failedRuns: number;
  totalSeconds: number;
  hookPhaseSeconds: number;
  hookPhaseByEvent: Partial<Record<Event, number>>;
  /** helm --no-hooks time (same round) + sum over tiers of the longest hook of the tier (this tool's run). */
  idealSeconds: number;
  idealHookSeconds: number;
  noHooksSeconds: number;
  /** Median over rounds of this tool's total / plain helm's total in the same round. */
  totalVsHelm?: number;
  /** Median over runs of total / ideal (same run). */
  totalVsIdeal?: number;
  /** Median over runs of hook phase / ideal hook time (same run). */
  hookPhaseVsIdealHook?: number;
  /** Median over runs of total - hook phase - helm --no-hooks: time that is neither hooks nor helm's own work. */
  overheadSeconds?: number;
  extrapolated?: boolean;
  note?: string;
  watchConnections?: number;
  maxWatchesPerKey?: number;
  requestsPerHook?: number;
  peakRssMB?: number;
  /** Median over runs of the exec credential plugin's runs per command, every process (exec scenarios). */
  execRunsPerCommand?: number;
  /** Most runs of the exec credential plugin by the plugin's own process in one command. */
  execRunsByPluginProcess?: number;
  /** Median over runs of the hook report's own time / the hook phase (runs that wrote a report). */
  reportShareOfHookPhase?: number;
  reportMs?: number;
  phases?: PluginPhases;
  /** Medians over runs of each run's hook detail. */
  detail?: HookDetail;
  samples: { totalSeconds: number[]; hookPhaseSeconds: number[]; idealSeconds: number[]; noHooksSeconds: number[] };
}

export interface Target {
  id: string;
  text: string;
  helmVersion?: string;
  value: string;
  limit: string;
  pass: boolean;
  how: string;
}

const ok = (r: RawRun): boolean => r.m.exitCode === 0 && r.m.missing.length === 0;
const key = (r: { scenario: string; helmVersion: string; tool: Tool }): string =>
  `${r.scenario}|${r.helmVersion}|${r.tool.tool}|${r.tool.parallelism}`;
const round = (x: number, d = 3): number => Math.round(x * 10 ** d) / 10 ** d;
const maxOf = (xs: number[]): number | undefined => (xs.length ? Math.max(...xs) : undefined);

export function rowsFrom(raw: readonly RawRun[], sampleHooks: number, extrapolateTo: number): Row[] {
  const groups = new Map<string, RawRun[]>();
  for (const r of raw) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
  const rows: Row[] = [];
  for (const runs of groups.values()) {
    const first = runs[0] as RawRun;
    const good = runs.filter(ok);
    const helmByRound = new Map(
      raw
        .filter(
          (r) =>
            r.scenario === first.scenario && r.helmVersion === first.helmVersion && r.tool.tool === 'helm' && ok(r),
        )
        .map((r) => [r.round, r]),
    );
    const perEvent: Partial<Record<Event, number>> = {};
    for (const ev of ['pre-upgrade', 'post-upgrade'] as const) {
      const xs = good.map((r) => r.m.hookPhaseByEvent[ev]).filter((x): x is number => x !== undefined);
      if (xs.length) perEvent[ev] = round(median(xs));
    }
    const row: Row = {
      scenario: first.scenario,
      helmVersion: first.helmVersion,
      tool: first.tool.tool,
      parallelism: first.tool.parallelism,
      runs: runs.length,
      failedRuns: runs.length - good.length,
      totalSeconds: round(median(good.map((r) => r.m.totalS))),
      hookPhaseSeconds: round(median(good.map((r) => r.m.hookPhaseS))),
      hookPhaseByEvent: perEvent,
      idealSeconds: round(median(good.map((r) => r.noHooksS + r.m.idealHookS))),
      idealHookSeconds: round(median(good.map((r) => r.m.idealHookS))),
      noHooksSeconds: round(median(good.map((r) => r.noHooksS))),
      samples: {
        totalSeconds: good.map((r) => round(r.m.totalS)),
        hookPhaseSeconds: good.map((r) => round(r.m.hookPhaseS)),
        idealSeconds: good.map((r) => round(r.noHooksS + r.m.idealHookS)),
        noHooksSeconds: good.map((r) => round(r.noHooksS)),
      },
    };
    if (first.hookCount > 0) {
      row.totalVsIdeal = round(median(good.map((r) => r.m.totalS / (r.noHooksS + r.m.idealHookS))));
      row.hookPhaseVsIdealHook = round(median(good.map((r) => r.m.hookPhaseS / r.m.idealHookS)));
    }
    row.overheadSeconds = round(median(good.map((r) => r.m.totalS - r.m.hookPhaseS - r.noHooksS)));
    const paired = good.flatMap((r) => {
      const h = helmByRound.get(r.round);
      return h ? [r.m.totalS / h.m.totalS] : [];
    });
    if (first.tool.tool === 'plugin' && paired.length) row.totalVsHelm = round(median(paired));
    const stats = good.map((r) => r.m.stats).filter((s) => s !== undefined);
    if (stats.length) {
      row.watchConnections = maxOf(stats.map((s) => s.watchConnections));
      row.maxWatchesPerKey = maxOf(stats.map((s) => Math.max(0, ...Object.values(s.watchesByKey))));
      if (first.hookCount > 0)
        row.requestsPerHook = round(Math.max(...stats.map((s) => s.requests / first.hookCount)), 2);
      row.peakRssMB = round(Math.max(...stats.map((s) => s.maxRssMB)), 1);
    }
    const execRuns = good.map((r) => r.m.execRuns).filter((x): x is number => x !== undefined);
    if (execRuns.length) row.execRunsPerCommand = round(median(execRuns), 1);
    const byPlugin = stats.map((st) => st.execRuns).filter((x): x is number => x !== undefined);
    if (byPlugin.length && first.tool.tool === 'plugin') row.execRunsByPluginProcess = Math.max(...byPlugin);
    const withReport = good.filter((r) => r.m.reportMs !== undefined && r.m.hookPhaseS > 0);
    if (withReport.length) {
      row.reportMs = round(median(withReport.map((r) => r.m.reportMs as number)), 0);
      row.reportShareOfHookPhase = round(
        median(withReport.map((r) => (r.m.reportMs as number) / 1000 / r.m.hookPhaseS)),
        5,
      );
    }
    const phases = good.map((r) => r.m.phases).filter((p): p is PluginPhases => p !== undefined);
    if (phases.length) {
      const ev: Partial<Record<Event, number>> = {};
      for (const e of ['pre-upgrade', 'post-upgrade'] as const) {
        const xs = phases.map((p) => p.events[e]).filter((x): x is number => x !== undefined);
        if (xs.length) ev[e] = round(median(xs));
      }
      row.phases = {
        beforeFirstEvent: round(median(phases.map((p) => p.beforeFirstEvent))),
        events: ev,
        between: round(median(phases.map((p) => p.between))),
        afterLastEvent: round(median(phases.map((p) => p.afterLastEvent))),
      };
    }
    const details = good.map((r) => r.m.detail).filter((d): d is HookDetail => d !== undefined);
    if (details.length) {
      const med = (k: keyof HookDetail): number | undefined => {
        const xs = details.map((d) => d[k]).filter((x): x is number => x !== undefined);
        return xs.length ? round(median(xs)) : undefined;
      };
      const d: HookDetail = {
        hookMedian: med('hookMedian') as number,
        hookMax: med('hookMax') as number,
        meanConcurrency: med('meanConcurrency') as number,
      };
      for (const k of ['jobToPod', 'podRun', 'podDoneToJobDone', 'gapMedian'] as const) {
        const v = med(k);
        if (v !== undefined) d[k] = v;
      }
      row.detail = d;
    }
    rows.push(row);
  }
  return [...rows, ...extrapolated(raw, rows, sampleHooks, extrapolateTo)];
}

/**
 * S3's plain helm, never run on 500 Jobs: per round, its per-hook serial cost on the 20-Job sample
 * ((helm - helm --no-hooks) / 20) times 500, plus helm --no-hooks on the 500-Job release.
 */
function extrapolated(raw: readonly RawRun[], measuredRows: readonly Row[], sampleHooks: number, to: number): Row[] {
  const rows: Row[] = [];
  for (const scenario of ['S3', 'S3x']) rows.push(...extrapolatedOf(scenario, raw, measuredRows, sampleHooks, to));
  return rows;
}

function extrapolatedOf(
  scenario: string,
  raw: readonly RawRun[],
  measuredRows: readonly Row[],
  sampleHooks: number,
  to: number,
): Row[] {
  const rows: Row[] = [];
  const samples = raw.filter((r) => r.scenario === `${scenario}-sample` && r.tool.tool === 'helm' && ok(r));
  for (const helmVersion of [...new Set(samples.map((r) => r.helmVersion))]) {
    const mine = samples.filter((r) => r.helmVersion === helmVersion);
    const plugin = raw.filter(
      (r) => r.scenario === scenario && r.helmVersion === helmVersion && r.tool.tool === 'plugin' && ok(r),
    );
    const pluginByRound = new Map(plugin.map((r) => [r.round, r]));
    const totals: number[] = [];
    const phases: number[] = [];
    const ratios: number[] = [];
    for (const s of mine) {
      const p = pluginByRound.get(s.round);
      if (!p) continue;
      const perHook = (s.m.totalS - s.noHooksS) / sampleHooks;
      const total = p.noHooksS + to * perHook;
      totals.push(total);
      phases.push((s.m.hookPhaseS / sampleHooks) * to);
      ratios.push(p.m.totalS / total);
    }
    if (!totals.length) continue;
    const ideal = median(plugin.map((r) => r.noHooksS + r.m.idealHookS));
    rows.push({
      scenario,
      helmVersion,
      tool: 'helm',
      parallelism: 1,
      runs: totals.length,
      failedRuns: 0,
      totalSeconds: round(median(totals)),
      hookPhaseSeconds: round(median(phases)),
      hookPhaseByEvent: { 'pre-upgrade': round(median(phases)) },
      idealSeconds: round(ideal),
      idealHookSeconds: round(median(plugin.map((r) => r.m.idealHookS))),
      noHooksSeconds: round(median(plugin.map((r) => r.noHooksS))),
      totalVsIdeal: round(median(totals) / ideal),
      extrapolated: true,
      note: `helm --no-hooks on the ${to}-Job release + ${to} x the per-hook serial cost measured on ${sampleHooks} Jobs ((helm - helm --no-hooks) / ${sampleHooks}, same round)`,
      samples: {
        totalSeconds: totals.map((x) => round(x)),
        hookPhaseSeconds: phases.map((x) => round(x)),
        idealSeconds: [],
        noHooksSeconds: [],
      },
    });
    // The plugin's ratio to helm, against the extrapolated time of the same round.
    for (const row of measuredRows) {
      if (row.scenario === scenario && row.helmVersion === helmVersion && row.tool === 'plugin')
        row.totalVsHelm = round(median(ratios));
    }
  }
  return rows;
}

export function find(
  rows: readonly Row[],
  scenario: string,
  helmVersion: string,
  tool: 'helm' | 'plugin',
  parallelism?: number,
): Row | undefined {
  return rows.find(
    (r) =>
      r.scenario === scenario &&
      r.helmVersion === helmVersion &&
      r.tool === tool &&
      (parallelism === undefined || r.parallelism === parallelism),
  );
}

/** Median over rounds of the plugin's total minus plain helm's total in the same round. */
function pairedDifference(
  raw: readonly RawRun[],
  scenario: string,
  helmVersion: string,
): { seconds: number; helm: number; rounds: number; failed: number } | undefined {
  const mine = raw.filter((r) => r.scenario === scenario && r.helmVersion === helmVersion);
  const helmByRound = new Map(mine.filter((r) => r.tool.tool === 'helm' && ok(r)).map((r) => [r.round, r.m.totalS]));
  const diffs = mine
    .filter((r) => r.tool.tool === 'plugin' && ok(r))
    .flatMap((r) => {
      const h = helmByRound.get(r.round);
      return h === undefined ? [] : [r.m.totalS - h];
    });
  if (diffs.length === 0) return undefined;
  return {
    seconds: median(diffs),
    helm: median([...helmByRound.values()]),
    rounds: diffs.length,
    failed: mine.filter((r) => !ok(r)).length,
  };
}

const fmt = (x: number | undefined, d = 2): string => (x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(d));

/** The issue's targets, per helm version; a target whose scenario was not run is left out. */
export function targets(
  rows: readonly Row[],
  raw: readonly RawRun[],
  startup?: StartupProbe,
  install?: InstallProbe,
): Target[] {
  const out: Target[] = [];
  for (const [major, p] of Object.entries(install?.byMajor ?? {})) {
    out.push({
      id: `install-${major}`,
      text: 'helm plugin install from the release archive <= 2 s, plugin folder <= 5 MB, no npm, no network',
      helmVersion: p.helmVersion.replace(/^v/, ''),
      value: `${fmt(p.seconds)} s, ${fmt(p.folderMB)} MB${p.runs ? '' : ', does NOT run'}`,
      limit: '<= 2 s, <= 5 MB',
      pass: p.seconds <= 2 && p.folderMB <= 5 && p.runs,
      how: `install probe: fresh helm home, PATH with node and the shell only, proxies at a closed port; helm ${major === '4' ? '4 from the .tgz (--verify=false)' : '3 from the -helm3.tgz over a local http URL'}; median of 3; folder measured after a run`,
    });
  }
  if (startup) {
    out.push({
      id: 'first-helm-call',
      text: 'The plugin reaches its first helm call <= 0.10 s after it starts',
      value: `${fmt(startup.firstHelmCall.seconds, 3)} s (a bare node process: ${fmt(startup.nodeBare.seconds, 3)} s${startup.nodeBareNoExtraCa ? `, ${fmt(startup.nodeBareNoExtraCa.seconds, 3)} s without this machine's NODE_EXTRA_CA_CERTS` : ''})`,
      limit: '<= 0.10 s',
      pass: startup.firstHelmCall.seconds <= 0.1,
      how: 'start-up probe: launcher started -> helm stand-in started, upgrade of a chart without hooks, median of 5',
    });
  }
  for (const [v, p] of Object.entries(startup?.shimPassThrough ?? {})) {
    out.push({
      id: 'shim-passthrough',
      text: 'The shim adds <= 0.05 s to a command it passes through to helm',
      helmVersion: v,
      value: `${fmt(p.seconds, 3)} s (helm version --short itself: ${fmt(p.helmSeconds, 3)} s)`,
      limit: '<= 0.05 s',
      pass: p.seconds <= 0.05,
      how: 'start-up probe: helm version --short directly and through dist/shim/helm, back to back each round, median of the differences',
    });
  }
  const versions = [...new Set(rows.map((r) => r.helmVersion))];
  for (const v of versions) {
    const s1 = find(rows, 'S1', v, 'plugin', 16);
    const s1helm = find(rows, 'S1', v, 'helm');
    if (s1) {
      out.push({
        id: 'S1-phase',
        text: 'S1 at N=16: hook phase <= 1.10 x ideal hook time',
        helmVersion: v,
        value: `${fmt(s1.hookPhaseVsIdealHook)} x (${fmt(s1.hookPhaseSeconds)} s vs ${fmt(s1.idealHookSeconds)} s)`,
        limit: '<= 1.10',
        pass: (s1.hookPhaseVsIdealHook ?? Infinity) <= 1.1 && s1.failedRuns === 0,
        how: 'median over runs of (first hook created -> last Job finished) / (longest Job, created -> finished), same run',
      });
      if (s1helm && s1.totalVsHelm !== undefined) {
        const speedup = 1 / s1.totalVsHelm;
        out.push({
          id: 'S1-speedup',
          text: 'S1 at N=16: whole command at least 8 x faster than plain helm',
          helmVersion: v,
          value: `${fmt(speedup, 1)} x (${fmt(s1helm.totalSeconds, 1)} s -> ${fmt(s1.totalSeconds, 1)} s)`,
          limit: '>= 8',
          pass: speedup >= 8,
          how: 'median over rounds of helm total / plugin total, same round',
        });
      }
    }
    for (const sc of ['S1', 'S2']) {
      const n1 = find(rows, sc, v, 'plugin', 1);
      const h = find(rows, sc, v, 'helm');
      if (!n1 || !h || n1.totalVsHelm === undefined) continue;
      out.push({
        id: `${sc}-n1`,
        text: `${sc} at N=1: whole command <= 1.05 x plain helm`,
        helmVersion: v,
        value: `${fmt(n1.totalVsHelm, 3)} x (${fmt(h.totalSeconds, 1)} s -> ${fmt(n1.totalSeconds, 1)} s)`,
        limit: '<= 1.05',
        pass: n1.totalVsHelm <= 1.05 && n1.failedRuns === 0,
        how: 'median over rounds of plugin total / helm total, same round',
      });
    }
    const s0 = raw.filter((r) => r.scenario === 'S0' && r.helmVersion === v && r.m.exitCode === 0);
    if (s0.length) {
      const helmByRound = new Map(s0.filter((r) => r.tool.tool === 'helm').map((r) => [r.round, r.m.totalS]));
      const diffs = s0
        .filter((r) => r.tool.tool === 'plugin')
        .flatMap((r) => {
          const h = helmByRound.get(r.round);
          return h === undefined ? [] : [r.m.totalS - h];
        });
      const d = median(diffs);
      out.push({
        id: 'overhead',
        text: 'Fixed overhead of the plugin <= 1.0 s per command',
        helmVersion: v,
        value: `${fmt(d)} s`,
        limit: '<= 1.0 s',
        pass: d <= 1.0,
        how: 'chart with no hooks (S0): median over rounds of plugin (N=16) total - plain helm total, same round',
      });
    }
    if (s1) {
      out.push({
        id: 'overhead-hooks',
        text: `Fixed overhead of the plugin <= 1.0 s per command${s0.length ? ' (second measure: with hooks)' : ''}`,
        helmVersion: v,
        value: `${fmt(s1.overheadSeconds)} s (plain helm's own: ${fmt(s1helm?.overheadSeconds)} s)`,
        limit: '<= 1.0 s',
        pass: (s1.overheadSeconds ?? Infinity) <= 1.0,
        how: 'S1 at N=16: median over runs of total - hook phase - helm --no-hooks (same round): node start, render, client set-up, deleting the previous hooks, reading results',
      });
    }
    const pluginStart = startup?.helmPluginStart?.[v]?.seconds;
    for (const command of ['upgrade', 'rollback', 'uninstall']) {
      const d = pairedDifference(raw, `S4-${command}`, v);
      if (d === undefined) continue;
      out.push({
        id: `S4-${command}`,
        text: `No hooks: ${command} through the plugin - plain helm <= 0.30 s`,
        helmVersion: v,
        value: `${fmt(d.seconds, 3)} s (helm ${fmt(d.helm, 3)} s${pluginStart === undefined ? '' : `; helm's own start of a plugin ${fmt(pluginStart, 3)} s of it`})`,
        limit: '<= 0.30 s',
        pass: d.seconds <= 0.3 && d.failed === 0,
        how: `S4: median over ${d.rounds} rounds of plugin (N=8) total - plain helm total, same round`,
      });
    }
    for (const [sc, limit, what] of [
      ['S5', 1.1, 'large chart, few hooks'],
      ['S6', 1.1, 'short hooks in mixed tiers'],
    ] as const) {
      const h = find(rows, sc, v, 'helm');
      for (const n of [1, 8]) {
        const p = find(rows, sc, v, 'plugin', n);
        if (!h || !p || p.totalVsHelm === undefined) continue;
        out.push({
          id: `${sc}-n${n}`,
          text: `${sc} (${what}) at N=${n}: whole command <= ${limit.toFixed(2)} x plain helm`,
          helmVersion: v,
          value: `${fmt(p.totalVsHelm, 3)} x (${fmt(h.totalSeconds, 2)} s -> ${fmt(p.totalSeconds, 2)} s)`,
          limit: `<= ${limit.toFixed(2)}`,
          pass: p.totalVsHelm <= limit && p.failedRuns === 0,
          how: 'median over rounds of plugin total / helm total, same round',
        });
      }
    }
    for (const [base, n] of [
      ['S1', 16],
      ['S3', 100],
    ] as const) {
      const withToken = find(rows, base, v, 'plugin', n);
      const withExec = find(rows, `${base}x`, v, 'plugin', n);
      if (!withExec) continue;
      if (withToken?.totalVsHelm !== undefined && withExec.totalVsHelm !== undefined) {
        const change = withExec.totalVsHelm / withToken.totalVsHelm - 1;
        out.push({
          id: `${base}x-ratio`,
          text: `${base} through an exec credential plugin of ${0.3} s: plugin / plain helm within 5% of the same ratio with a token`,
          helmVersion: v,
          value: `${fmt(withExec.totalVsHelm, 3)} x vs ${fmt(withToken.totalVsHelm, 3)} x (${change >= 0 ? '+' : ''}${fmt(change * 100, 1)}%)`,
          limit: '|change| <= 5%',
          pass: Math.abs(change) <= 0.05 && withExec.failedRuns === 0,
          how: `median over rounds of plugin (N=${n}) total / helm total, same round; ${base}x runs every command (plain helm's too) through the exec plugin`,
        });
      }
      const helmRow = find(rows, `${base}x`, v, 'helm');
      out.push({
        id: `${base}x-exec-runs`,
        text: `${base} through an exec credential plugin: the plugin's own process runs it once per command`,
        helmVersion: v,
        value: `${withExec.execRunsByPluginProcess ?? 'n/a'} at most; per command, every process: plugin ${fmt(withExec.execRunsPerCommand, 1)}, plain helm ${fmt(helmRow?.execRunsPerCommand, 1)}`,
        limit: '<= 1',
        pass: (withExec.execRunsByPluginProcess ?? Infinity) <= 1,
        how: "HELM_PARALLEL_HOOKS_STATS execRuns (the plugin's node process), worst run; every process's runs from the exec plugin's own log",
      });
    }
    const s3 = find(rows, 'S3', v, 'plugin', 100);
    if (s3) {
      out.push({
        id: 'S3-completes',
        text: 'S3 completes (500 Jobs at N=100)',
        helmVersion: v,
        value: `${s3.runs - s3.failedRuns}/${s3.runs} runs ok, median ${fmt(s3.totalSeconds, 1)} s`,
        limit: 'every run',
        pass: s3.failedRuns === 0 && s3.runs > 0,
        how: 'exit code 0 and every Job seen created and finished by the recorder',
      });
      out.push({
        id: 'S3-watches',
        text: 'S3: watch connections <= 2 per (namespace, kind)',
        helmVersion: v,
        value: `${s3.maxWatchesPerKey ?? 'n/a'} max per key (${s3.watchConnections ?? 'n/a'} in all)`,
        limit: '<= 2',
        pass: (s3.maxWatchesPerKey ?? Infinity) <= 2,
        how: 'HELM_PARALLEL_HOOKS_STATS watchesByKey, worst run',
      });
      out.push({
        id: 'S3-requests',
        text: 'S3: <= 4 API requests per hook',
        helmVersion: v,
        value: `${fmt(s3.requestsPerHook)}`,
        limit: '<= 4',
        pass: (s3.requestsPerHook ?? Infinity) <= 4,
        how: "HELM_PARALLEL_HOOKS_STATS requests / 500, worst run (the plugin's own requests; helm's are not counted)",
      });
      out.push({
        id: 'S3-report',
        text: 'S3: the hook report (--hook-report, JSON) costs < 1% of the hook phase',
        helmVersion: v,
        value:
          s3.reportShareOfHookPhase === undefined
            ? 'no report written'
            : `${fmt(s3.reportShareOfHookPhase * 100, 2)}% (${s3.reportMs} ms vs ${fmt(s3.hookPhaseSeconds, 1)} s)`,
        limit: '< 1%',
        pass: (s3.reportShareOfHookPhase ?? Infinity) < 0.01,
        how: 'median over runs of the report\'s build-and-write time (the plugin\'s "written ... in N ms") / hook phase; S3 runs with the report on, so the RSS and request targets include it',
      });
      out.push({
        id: 'S3-rss',
        text: 'S3: peak RSS <= 90 MB',
        helmVersion: v,
        value: `${fmt(s3.peakRssMB, 1)} MB`,
        limit: '<= 90 MB',
        pass: (s3.peakRssMB ?? Infinity) <= 90,
        how: "HELM_PARALLEL_HOOKS_STATS maxRssMB (the plugin's node process), worst run",
      });
    }
  }
  return out;
}
