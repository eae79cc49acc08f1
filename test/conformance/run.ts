/**
 * The differential conformance suite: every case of cases.ts on every pinned helm release (scripts/
 * versions.env), each run three times side by side in namespaces of their own: plain helm, the plugin at
 * N=1 and at N=8. N=1 must match plain helm in everything: exit codes (the plugin's 3 is helm's 1), release
 * history with descriptions, hooks' last-run phases, `helm get hooks`, the objects left, and the order hooks
 * were created in. N=8 must leave the same end state, except where a case names the siblings of a failed
 * hook. Prints one line per case and version, then "N passed, M failed".
 *
 * Environment: HPH_CONFORMANCE_VERSIONS (comma list), HPH_CONFORMANCE_ONLY (regex on case names),
 * KUBECONFIG (the local control plane; scripts/with-cluster sets it).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import {
  creationOrder,
  dropNamespace,
  CHART as E2E_CHART,
  kube,
  namespace as makeNamespace,
  REPO,
  record,
} from '../e2e/harness.js';
import { CASES, type Case, type RunContext } from './cases.js';
import { DEFAULT_KINDS, diff, normalizer, type Snapshot, takeSnapshot } from './snapshot.js';

type Tool = 'helm' | 'n1' | 'n8';
const TOOLS: Tool[] = ['helm', 'n1', 'n8'];

interface Home {
  version: string;
  bin: string;
  env: Record<string, string>;
}

function pinnedVersions(): string[] {
  const fromEnv = process.env.HPH_CONFORMANCE_VERSIONS;
  if (fromEnv)
    return fromEnv
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
  const text = readFileSync(join(REPO, 'scripts/versions.env'), 'utf8');
  return (/^HELM_VERSIONS="([^"]*)"/m.exec(text)?.[1] ?? '').split(/\s+/).filter(Boolean);
}

async function home(version: string): Promise<Home> {
  const bin = execFileSync(join(REPO, 'scripts/fetch-helm'), [version], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop() as string;
  const dir = mkdtempSync(join(tmpdir(), `hph conformance ${version} `));
  const env: Record<string, string> = {
    KUBECONFIG: process.env.KUBECONFIG ?? '',
    HELM_DATA_HOME: join(dir, 'data'),
    HELM_CONFIG_HOME: join(dir, 'config'),
    HELM_CACHE_HOME: join(dir, 'cache'),
    HELM_PARALLEL_HOOKS_OUTPUT: 'plain',
  };
  for (const d of [env.HELM_DATA_HOME, env.HELM_CONFIG_HOME, env.HELM_CACHE_HOME])
    mkdirSync(d as string, { recursive: true });
  const installed = await execa(
    bin,
    ['plugin', 'install', REPO, ...(version.startsWith('4.') ? ['--verify=false'] : [])],
    { env, reject: false },
  );
  if (installed.exitCode !== 0) throw new Error(`helm ${version}: plugin install failed: ${installed.stderr}`);
  return { version, bin, env };
}

/** A copy of the case's chart with __RUN__ replaced by the run's token (CRD groups, cluster-wide names). */
function chartCopy(c: Case, token: string): string {
  if (c.chart === 'e2e') return E2E_CHART;
  const dest = mkdtempSync(join(tmpdir(), `hph-chart-${token}-`));
  cpSync(join(REPO, 'test/conformance/charts', c.chart), dest, { recursive: true });
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const p = join(dir, entry);
      if (statSync(p).isDirectory()) walk(p);
      else writeFileSync(p, readFileSync(p, 'utf8').replaceAll('__RUN__', token));
    }
  };
  walk(dest);
  return dest;
}

interface RunOutcome {
  exitCodes: number[];
  snapshot: Snapshot;
  order: string[];
  checks: string[];
  output: string;
}

async function runOnce(c: Case, h: Home, tool: Tool, tag: string): Promise<RunOutcome> {
  const ns = await makeNamespace(`cf-${tag}-${tool}`);
  const other = `${ns}-o`;
  const token = ns;
  const release = 'rel';
  const chart = chartCopy(c, token);
  const vars: Record<string, string> = {};
  // The placeholders first, the set-up's values last: a value is a path or URL of its own (a temporary
  // folder's random name can hold "NS" or "REL", which must not be replaced).
  const sub = (a: string) =>
    Object.entries(vars).reduce(
      (t, [k, v]) => t.replaceAll(k, v),
      a.replaceAll('REL', release).replaceAll('OTHER', other).replaceAll('NS', ns).replaceAll('CHART', chart),
    );
  const cleanups: Array<() => void> = [];
  const ctx: RunContext = {
    vars,
    onCleanup: (fn) => cleanups.push(fn),
    ns,
    other,
    token,
    release,
    helm: async (args) => {
      const r = await execa(h.bin, args, { env: h.env, reject: false, stdin: 'ignore' });
      return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
    },
  };
  await c.setup?.(ctx);
  const recorder = await record(c.releaseInOther ? other : ns);
  const exitCodes: number[] = [];
  let output = '';
  for (const step of c.steps) {
    const args = step.args.map(sub);
    const first = (step.flagsFirst ?? []).map(sub);
    const argv =
      tool === 'helm'
        ? [args[0] as string, ...first, ...args.slice(1)]
        : ['parallel-hooks', ...first, ...args, '--hook-parallelism', tool === 'n1' ? '1' : '8'];
    const env = { ...h.env, ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, sub(v)])) };
    const running = execa(h.bin, argv, {
      env,
      reject: false,
      ...(step.stdin !== undefined ? { input: step.stdin } : { stdin: 'ignore' as const }),
    });
    const beside = step.during?.(ctx);
    const r = await running;
    await beside;
    output += `$ helm ${argv.join(' ')}\n${r.stdout}\n${r.stderr}\n`;
    exitCodes.push(tool === 'helm' ? (r.exitCode ?? -1) : pluginToHelmCode(r.exitCode ?? -1));
  }
  const recs = await recorder.stop();
  const kinds = {
    namespaced: [
      ...DEFAULT_KINDS.namespaced,
      ...(c.kinds?.namespaced ?? []).map(([v, k]) => [v.replaceAll('__RUN__', token), k] as [string, string]),
    ],
    cluster: [...DEFAULT_KINDS.cluster, ...(c.kinds?.cluster ?? [])],
  };
  let releaseName = release;
  if (c.generatedName) {
    const listed = await ctx.helm(['list', '-n', ns, '-q']);
    releaseName = listed.stdout.trim().split('\n')[0] || release;
  }
  const normalize = normalizer({
    [other]: 'OTHER',
    [ns]: 'NS',
    [chart]: 'CHART',
    ...(c.generatedName ? { [releaseName]: 'REL' } : {}),
  });
  const snapshot = await takeSnapshot({
    helmBin: h.bin,
    env: h.env,
    release: releaseName,
    namespaces: c.releaseInOther ? [other, ns] : [ns, other],
    token,
    kinds,
    normalize,
    ...(c.maskHooks ? { maskHooks: c.maskHooks } : {}),
  });
  const checks = (await c.check?.(ctx)) ?? [];
  for (const fn of cleanups) fn();
  await cleanUp(ns, other, token);
  // Pods of a hook Deployment (name-hash-suffix) are the Deployment's doing, not a hook creation.
  const order = creationOrder(recs).filter((o) => !/^Pod\/.*-[a-z0-9]{6,10}-[a-z0-9]{5}$/.test(o));
  return { exitCodes, snapshot, order, checks, output };
}

/** The plugin's documented codes as helm's: 3 (a hook failed) and 130 (interrupted) are helm's 1. */
function pluginToHelmCode(code: number): number {
  return code === 3 || code === 130 ? 1 : code;
}

async function cleanUp(ns: string, other: string, token: string): Promise<void> {
  await Promise.all([dropNamespace(ns), dropNamespace(other)]);
  const { kc } = kube();
  const { KubernetesObjectApi } = await import('@kubernetes/client-node');
  const api = KubernetesObjectApi.makeApiClient(kc);
  for (const [apiVersion, kind] of DEFAULT_KINDS.cluster) {
    try {
      for (const o of (await api.list(apiVersion, kind)).items) {
        if (o.metadata?.name?.includes(token))
          await api.delete({ apiVersion, kind, metadata: { name: o.metadata.name } }).catch(() => undefined);
      }
    } catch {
      // kind not served
    }
  }
}

function compare(c: Case, helm: RunOutcome, plugin: RunOutcome, tool: Tool): string[] {
  const problems: string[] = [];
  const allowed = tool === 'n8' ? (c.n8Differs ?? []) : [];
  const differences = diff(
    { exitCodes: helm.exitCodes, ...helm.snapshot },
    { exitCodes: plugin.exitCodes, ...plugin.snapshot },
    '',
    [],
    40,
  ).filter((d) => !allowed.some((re) => re.test(d)));
  problems.push(...differences.slice(0, 8));
  if (tool === 'n1' && c.order !== false) {
    const o = diff(helm.order, plugin.order, 'order');
    if (o.length > 0) problems.push(`creation order: helm ${helm.order.join(',')} / plugin ${plugin.order.join(',')}`);
  }
  for (const p of plugin.checks) problems.push(`check: ${p}`);
  return problems.map((p) => `${tool === 'n1' ? 'N=1' : 'N=8'} ${p}`);
}

const CONCURRENCY = Number(process.env.HPH_CONFORMANCE_CONCURRENCY ?? 2);

/** One case on one helm release: three runs side by side, compared; prints its line. True when it passed. */
async function runCase(c: Case, h: Home): Promise<boolean> {
  const version = h.version;
  const t0 = Date.now();
  const tag = `${CASES.indexOf(c)}-${version.replaceAll('.', '')}`;
  let problems: string[];
  let outputs = '';
  try {
    const [helmRun, n1, n8] = (await Promise.all(TOOLS.map((tool) => runOnce(c, h, tool, tag)))) as [
      RunOutcome,
      RunOutcome,
      RunOutcome,
    ];
    problems = [
      ...helmRun.checks.map((p) => `plain helm check: ${p}`),
      ...compare(c, helmRun, n1, 'n1'),
      ...compare(c, helmRun, n8, 'n8'),
    ];
    outputs = `--- plain helm\n${helmRun.output}--- N=1\n${n1.output}--- N=8\n${n8.output}`;
  } catch (error) {
    problems = [`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`];
  }
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  if (problems.length === 0) {
    console.log(`ok   ${c.name} (helm ${version}) ${secs}s`);
    return true;
  }
  const lines = [
    `FAIL ${c.name} (helm ${version}) ${secs}s`,
    ...problems.map((p) => `       ${p.replaceAll('\n', '\\n')}`),
  ];
  if (process.env.HPH_CONFORMANCE_VERBOSE) lines.push(outputs);
  console.log(lines.join('\n'));
  return false;
}

async function main(): Promise<number> {
  const only = process.env.HPH_CONFORMANCE_ONLY ? new RegExp(process.env.HPH_CONFORMANCE_ONLY) : undefined;
  const versions = pinnedVersions();
  let passed = 0;
  let failed = 0;
  const started = Date.now();
  // Helm releases run two at a time (each case's three runs side by side): most of a case's time is spent
  // waiting for the cluster, not computing. Lines print as cases finish.
  const queue = [...versions];
  const worker = async () => {
    for (let version = queue.shift(); version !== undefined; version = queue.shift()) {
      const h = await home(version);
      for (const c of CASES) {
        if (only && !only.test(c.name)) continue;
        if (c.versions && !c.versions(version)) continue;
        if (await runCase(c, h)) passed++;
        else failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, versions.length) }, worker));
  console.log(`conformance: ${versions.length} helm release(s), ${((Date.now() - started) / 1000).toFixed(0)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
