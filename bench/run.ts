/**
 * `npm run bench [-- --quick] [--majors=3,4] [--runs=N] [--only=S1,S3] [--from-raw=FILE]`
 *
 * Starts the local control plane if needed (and stops it afterwards if it started it), then for every
 * scenario and helm major: a fresh namespace, the release installed once with --no-hooks and upgraded once
 * untimed (so every hook object exists and each timed upgrade deletes and re-creates it, for every tool
 * alike), then rounds of: helm upgrade --no-hooks (helm's own time), then each tool once, in the same order
 * every round (A B C D, A B C D, ...), each upgrade changing a value so the hooks fire.
 * Full run: bench/results/latest.json, bench/results/total-time.svg, docs/BENCHMARKS.md.
 * --quick (S1, one helm version, one round): bench/.work/quick.{json,md,svg} only.
 * --from-raw: rebuild the report from a saved bench/.work/raw-*.json without running anything.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release as osRelease, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { dropNamespace, helm, helmSetup, kube, namespace, REPO, valuesFile } from '../test/e2e/harness.js';
import { runCommandScenario } from './commands.js';
import { installProbe } from './install-probe.js';
import { type Command, EXEC_LOG_VAR, type Major, measured, type RunMeasure, timeOnly } from './measure.js';
import { startupProbe } from './probe.js';
import { consoleSummary, type Meta, markdown, svgPlot } from './report.js';
import { EXEC_DELAY_MS, estimateScenarioS, type Release, SCENARIOS, type Scenario, type Tool } from './scenarios.js';
import { type RawRun, rowsFrom, targets } from './summarize.js';

const BENCH = join(REPO, 'bench');
const WORK = join(BENCH, '.work');
const log = (text: string): void => console.log(`[bench] ${text}`);

function options() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      majors: { type: 'string' },
      runs: { type: 'string' },
      only: { type: 'string' },
      'from-raw': { type: 'string' },
    },
    allowPositionals: false,
  });
  const quick = values.quick ?? false;
  let majors = (values.majors ?? '3,4').split(',').map((s) => Number(s.trim()));
  if (majors.some((m) => m !== 3 && m !== 4)) throw new Error(`--majors: 3 and/or 4, got "${values.majors}"`);
  if (quick && values.majors === undefined) majors = [4];
  if (quick) majors = majors.slice(0, 1);
  const runs = values.runs !== undefined ? Number(values.runs) : quick ? 1 : 3;
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: a whole number >= 1, got "${values.runs}"`);
  const only = values.only?.split(',').map((s) => s.trim().toUpperCase()) ?? (quick ? ['S1'] : undefined);
  const scenarios = SCENARIOS.filter((s) => !only || only.includes(s.id.toUpperCase()));
  const commands = !only || only.includes('S4');
  return { quick, majors: majors as Major[], runs, scenarios, commands, fromRaw: values['from-raw'] };
}

// ---------------------------------------------------------------------------------------------------------
// The control plane, as scripts/with-cluster does it: start if needed, stop only what we started.

let startedCluster = false;
function clusterUp(): void {
  const dir = mkdtempSync(join(tmpdir(), 'hph-bench-'));
  const report = join(dir, 'up-report');
  try {
    execFileSync(join(REPO, 'scripts/local-cluster'), ['up'], {
      env: { ...process.env, HPH_CLUSTER_UP_REPORT: report },
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
    });
    startedCluster = readFileSync(report, 'utf8').trim() === 'started';
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  log(
    startedCluster
      ? 'started the local control plane (it is stopped at the end)'
      : 'using the running local control plane',
  );
}

function clusterDown(): void {
  if (!startedCluster || process.env.HPH_KEEP_CLUSTER === '1') return;
  startedCluster = false;
  try {
    execFileSync(join(REPO, 'scripts/local-cluster'), ['down'], { stdio: ['ignore', 'ignore', 'inherit'] });
  } catch {
    // reported on stderr by the script
  }
}

// ---------------------------------------------------------------------------------------------------------

const plugin = (parallelism: number): Tool => ({ tool: 'plugin', parallelism });
const label = (t: Tool): string => (t.tool === 'helm' ? 'helm' : `plugin N=${t.parallelism}`);
const chartOf = (rel: Release) => (rel.chart ? { chart: rel.chart } : {});
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function prepareRelease(major: Major, rel: Release, ns: string, file: string, warmN: number): Promise<void> {
  const install = await helm(major, [
    'upgrade',
    '--install',
    rel.name,
    rel.chart ?? join(REPO, 'test/fixtures/charts/hooks'),
    '-n',
    ns,
    '-f',
    file,
    '--set',
    'configmap.data=install',
    '--no-hooks',
  ]);
  if (install.exitCode !== 0) throw new Error(`install of ${rel.name} failed:\n${install.stderr}`);
  // Untimed: creates every hook object once, so every timed upgrade finds and re-creates them.
  const tool = rel.hooks.length > 0 ? plugin(warmN) : ({ tool: 'helm', parallelism: 1 } as Tool);
  await timeOnly(major, {
    tool,
    release: rel.name,
    namespace: ns,
    valuesFile: file,
    runId: 'warm-up',
    ...chartOf(rel),
  });
}

/**
 * A kubeconfig whose user is an exec credential plugin (client.authentication.k8s.io/v1): a node script that
 * waits EXEC_DELAY_MS, as a cloud token command does, prints the cluster admin's token, and appends a line to
 * $HPH_BENCH_EXEC_LOG (set per measured command) for every run.
 */
function execKubeconfig(): string {
  const { kc } = kube();
  const cluster = kc.getCurrentCluster();
  const token = kc.getCurrentUser()?.token;
  if (!cluster || !token) throw new Error('the local cluster kubeconfig has no cluster or token');
  mkdirSync(WORK, { recursive: true });
  const script = join(WORK, 'exec-credential.cjs');
  writeFileSync(
    script,
    [
      `#!${process.execPath}`,
      `const log = process.env.${EXEC_LOG_VAR};`,
      "if (log) require('node:fs').appendFileSync(log, process.pid + '\\n');",
      `setTimeout(() => process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: ${JSON.stringify(token)} } })), ${EXEC_DELAY_MS});`,
    ].join('\n'),
    { mode: 0o700 },
  );
  const file = join(WORK, 'exec-kubeconfig.json');
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'bench', cluster: { server: cluster.server, 'certificate-authority-data': cluster.caData } }],
      users: [
        {
          name: 'exec',
          user: { exec: { command: script, apiVersion: 'client.authentication.k8s.io/v1', interactiveMode: 'Never' } },
        },
      ],
      contexts: [{ name: 'bench', context: { cluster: 'bench', user: 'exec' } }],
      'current-context': 'bench',
    }),
    { mode: 0o600 },
  );
  return file;
}

/** The Widget CRD of S5's custom resources, a release of its own in default, installed around the scenarios. */
async function widgetCrd(major: Major, action: 'install' | 'uninstall'): Promise<void> {
  const args =
    action === 'install'
      ? ['upgrade', '--install', 'bench-widget-crd', join(BENCH, 'charts/widget-crd'), '-n', 'default', '--wait']
      : ['uninstall', 'bench-widget-crd', '-n', 'default'];
  const r = await helm(major, args);
  if (r.exitCode !== 0) throw new Error(`helm ${args.join(' ')} failed:\n${r.stderr}`);
  // The API server serves the new kind a moment after the CRD is stored.
  if (action === 'install') await pause(3000);
}

async function runScenario(
  sc: Scenario,
  major: Major,
  helmVersion: string,
  runs: number,
  raw: RawRun[],
): Promise<void> {
  const rounds = Math.max(runs, sc.minRuns ?? 0);
  const ns = await namespace(`bench-${sc.id}-h${major}`);
  log(`${sc.id} helm ${helmVersion}: ${sc.title}; namespace ${ns}, ${rounds} round(s)`);
  try {
    const mainFile = valuesFile(sc.release.values);
    const maxN = Math.max(...sc.tools.map((t) => t.parallelism));
    await prepareRelease(major, sc.release, ns, mainFile, maxN);
    const sample = sc.serialSample;
    const sampleFile = sample ? valuesFile(sample.values) : undefined;
    if (sample && sampleFile) await prepareRelease(major, sample, ns, sampleFile, sample.hooks.length);

    const env = sc.credentials === 'exec' ? { env: { KUBECONFIG: execKubeconfig() } } : {};
    for (let round = 1; round <= rounds; round++) {
      const id = (what: string) => `${sc.id}-h${major}-r${round}-${what}`.toLowerCase();
      const base = { release: sc.release.name, namespace: ns, valuesFile: mainFile, ...chartOf(sc.release), ...env };
      const noHooksS = await timeOnly(major, { ...base, tool: 'no-hooks', runId: id('nohooks') });
      for (const tool of sc.tools) {
        await pause(500);
        const runId = id(tool.tool === 'helm' ? 'helm' : `n${tool.parallelism}`);
        const reportFile = sc.report && tool.tool === 'plugin' ? join(WORK, `report-${runId}.json`) : undefined;
        const c: Command = { ...base, tool, runId, ...(reportFile ? { reportFile } : {}) };
        const m = await measured(major, c, sc.release.hooks);
        raw.push({ scenario: sc.id, major, helmVersion, tool, round, hookCount: sc.release.hooks.length, noHooksS, m });
        report(sc.id, helmVersion, round, rounds, label(tool), m, noHooksS);
      }
      if (sample && sampleFile) {
        const sbase = { release: sample.name, namespace: ns, valuesFile: sampleFile, ...env };
        await pause(500);
        const sNoHooks = await timeOnly(major, { ...sbase, tool: 'no-hooks', runId: id('sample-nohooks') });
        const tool: Tool = { tool: 'helm', parallelism: 1 };
        const m = await measured(major, { ...sbase, tool, runId: id('sample-helm') }, sample.hooks);
        raw.push({
          scenario: `${sc.id}-sample`,
          major,
          helmVersion,
          tool,
          round,
          hookCount: sample.hooks.length,
          noHooksS: sNoHooks,
          m,
        });
        report(`${sc.id}-sample`, helmVersion, round, rounds, `helm (${sample.hooks.length} serial Jobs)`, m, sNoHooks);
      }
    }
  } finally {
    await dropNamespace(ns);
  }
}

function report(
  sc: string,
  v: string,
  round: number,
  rounds: number,
  tool: string,
  m: RunMeasure,
  noHooks: number,
): void {
  const f = (x: number) => x.toFixed(2);
  const d = m.detail;
  const extra = d
    ? `; hook median ${f(d.hookMedian)} s${d.gapMedian !== undefined ? `, end -> next start ${f(d.gapMedian)} s` : ''}, ${d.meanConcurrency.toFixed(1)} at once`
    : '';
  const stats = m.stats
    ? `; ${m.stats.requests} requests, ${m.stats.watchConnections} watch(es), ${m.stats.maxRssMB.toFixed(0)} MB`
    : '';
  const exec =
    m.execRuns === undefined
      ? ''
      : `; exec credential runs ${m.execRuns}${m.stats?.execRuns !== undefined ? ` (${m.stats.execRuns} by the plugin's process)` : ''}`;
  log(
    `  ${sc} helm ${v} round ${round}/${rounds} ${tool}: total ${f(m.totalS)} s, hook phase ${f(m.hookPhaseS)} s, ideal ${f(noHooks + m.idealHookS)} s (helm --no-hooks ${f(noHooks)} + hooks ${f(m.idealHookS)})${extra}${stats}${exec}`,
  );
  if (m.exitCode !== 0) log(`    FAILED (exit ${m.exitCode}):\n${m.stderrTail ?? ''}`);
  if (m.missing.length)
    log(
      `    ${m.missing.length} hook(s) not seen through: ${m.missing.slice(0, 5).join(', ')}${m.missing.length > 5 ? ', ...' : ''}`,
    );
}

function meta(versions: Record<string, string>, quick: boolean, runs: number, startedAt: Date): Meta {
  const env = readFileSync(join(REPO, 'scripts/versions.env'), 'utf8');
  const pin = (k: string) => /^(\w+)=(.*)$/m.exec(env.split('\n').find((l) => l.startsWith(`${k}=`)) ?? '')?.[2] ?? '?';
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: REPO, encoding: 'utf8' }).trim();
    if (dirty) commit += ' (src modified)';
  } catch {
    // not a git checkout
  }
  const cpu = cpus();
  return {
    date: startedAt.toISOString(),
    durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
    quick,
    runs,
    machine: {
      cpu: cpu[0]?.model.trim() ?? 'unknown',
      cores: cpu.length,
      memoryGB: Math.round(totalmem() / 1024 ** 3),
      os: `${process.platform} ${osRelease()}`,
      node: process.version,
      loadAverageAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
    },
    versions: {
      helm: versions,
      kubernetes: pin('KUBE_VERSION'),
      etcd: pin('ETCD_VERSION'),
      kwok: pin('KWOK_VERSION'),
      plugin: commit,
    },
  };
}

function writeOutputs(quick: boolean, m: Meta, raw: RawRun[]): void {
  const rows = rowsFrom(raw, 20, 500);
  const tg = targets(rows, raw, m.startup, m.install);
  const json = `${JSON.stringify({ ...m, targets: tg, results: rows }, null, 2)}\n`;
  const svg = svgPlot(rows);
  if (quick) {
    mkdirSync(WORK, { recursive: true });
    writeFileSync(join(WORK, 'quick.json'), json);
    writeFileSync(join(WORK, 'quick.svg'), svg);
    writeFileSync(join(WORK, 'quick.md'), markdown(m, rows, tg, 'quick.svg'));
    log(`wrote ${join(WORK, 'quick.{json,md,svg}')} (a quick run never replaces the committed results)`);
  } else {
    mkdirSync(join(BENCH, 'results'), { recursive: true });
    mkdirSync(join(REPO, 'docs'), { recursive: true });
    writeFileSync(join(BENCH, 'results/latest.json'), json);
    writeFileSync(join(BENCH, 'results/total-time.svg'), svg);
    writeFileSync(join(REPO, 'docs/BENCHMARKS.md'), markdown(m, rows, tg, '../bench/results/total-time.svg'));
    log('wrote bench/results/latest.json, bench/results/total-time.svg, docs/BENCHMARKS.md');
  }
  console.log(consoleSummary(rows, tg));
}

async function main(): Promise<number> {
  const opts = options();
  if (opts.fromRaw) {
    const saved = JSON.parse(readFileSync(opts.fromRaw, 'utf8')) as { meta: Meta; raw: RawRun[] };
    saved.meta.startup ??= await startupProbe();
    saved.meta.install ??= await installProbe(3);
    writeOutputs(saved.meta.quick, saved.meta, saved.raw);
    return 0;
  }
  const startedAt = new Date();
  const estimate = opts.scenarios.reduce((s, sc) => s + estimateScenarioS(sc, opts.runs), 0) * opts.majors.length;
  log(
    `scenarios ${opts.scenarios.map((s) => s.id).join(', ')}; helm ${opts.majors.join(', ')}; ${opts.runs} round(s) each`,
  );
  log(`estimated duration: ~${Math.ceil(estimate / 60)} min (plus control-plane start and plugin install, if needed)`);

  clusterUp();
  const versions: Record<string, string> = {};
  for (const major of opts.majors) {
    await helmSetup(major);
    versions[String(major)] = (await helm(major, ['version', '--template', '{{.Version}}'])).stdout
      .trim()
      .replace(/^v/, '');
  }
  const raw: RawRun[] = [];
  const rawFile = join(WORK, `raw-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  mkdirSync(WORK, { recursive: true });
  const save = () =>
    writeFileSync(rawFile, JSON.stringify({ meta: meta(versions, opts.quick, opts.runs, startedAt), raw }));
  if (opts.commands) {
    for (const major of opts.majors) {
      await runCommandScenario(major, versions[String(major)] as string, Math.max(opts.runs, 5), raw, log);
      save();
    }
  }
  if (opts.scenarios.some((s) => s.needsWidgetCrd)) await widgetCrd(opts.majors[0] as Major, 'install');
  try {
    for (const sc of opts.scenarios) {
      for (const major of opts.majors) {
        await runScenario(sc, major, versions[String(major)] as string, opts.runs, raw);
        save();
      }
    }
  } finally {
    if (opts.scenarios.some((s) => s.needsWidgetCrd)) await widgetCrd(opts.majors[0] as Major, 'uninstall');
  }
  log("start-up probe: node, the plugin's CLI, the Kubernetes client library");
  const probeHelms = await Promise.all(
    opts.majors.map(async (major) => {
      const { bin, env } = await helmSetup(major);
      return { version: versions[String(major)] as string, run: (args: string[]) => helm(major, args), bin, env };
    }),
  );
  const startup = await startupProbe(opts.quick ? 3 : 10, probeHelms);
  log('install probe: the release archive into fresh helm 3 and 4 homes, without npm or network');
  const install = await installProbe(3);
  const m = { ...meta(versions, opts.quick, opts.runs, startedAt), startup, install };
  writeFileSync(rawFile, JSON.stringify({ meta: m, raw }));
  log(
    `done in ${Math.floor(m.durationSeconds / 60)} min ${m.durationSeconds % 60} s (estimated ~${Math.ceil(estimate / 60)} min); raw runs in ${rawFile}`,
  );
  writeOutputs(opts.quick, m, raw);
  return 0;
}

process.on('SIGINT', () => {
  clusterDown();
  process.exit(130);
});
process.on('SIGTERM', () => {
  clusterDown();
  process.exit(143);
});

main().then(
  (code) => {
    clusterDown();
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    clusterDown();
    process.exitCode = 1;
  },
);
