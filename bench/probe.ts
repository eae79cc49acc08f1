/**
 * Start-up probe (no cluster): what node itself, the plugin's CLI and the Kubernetes client library cost to
 * load, in wall time and max RSS, alternated and medianed like everything else. It explains most of the
 * plugin's fixed overhead and of its baseline memory.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import { REPO } from '../test/e2e/harness.js';
import { median } from './measure.js';

export interface StartupProbe {
  /** Each: median wall seconds and max RSS (MB) of a fresh node process. */
  nodeBare: { seconds: number; rssMB: number };
  /** node dist/cli.js --version: node plus the CLI's own start (no Kubernetes client). */
  pluginCli: { seconds: number; rssMB: number };
  /** node importing @kubernetes/client-node and nothing else (what the plugin loads once hooks run). */
  kubeClient: { seconds: number; rssMB: number };
}

const RSS = 'process.stdout.write(String(process.resourceUsage().maxRSS))';

async function once(args: string[]): Promise<{ seconds: number; rssMB: number }> {
  const t0 = performance.now();
  const r = await execa('node', args, { cwd: REPO, reject: false });
  const seconds = (performance.now() - t0) / 1000;
  const kb = Number(String(r.stdout).trim().split('\n').pop());
  return { seconds, rssMB: Number.isFinite(kb) ? kb / 1024 : Number.NaN };
}

export async function startupProbe(rounds = 5): Promise<StartupProbe> {
  const cases = {
    nodeBare: ['--input-type=module', '-e', RSS],
    // --version prints the version first; the RSS is printed by a preload-free second statement instead.
    pluginCli: [
      '--input-type=module',
      '-e',
      `process.argv.push('probe', '--version'); await import(${JSON.stringify(`file://${join(REPO, 'dist/cli.js')}`)}); process.on('exit', () => { ${RSS} })`,
    ],
    kubeClient: ['--input-type=module', '-e', `await import('@kubernetes/client-node'); ${RSS}`],
  } as const;
  const runs: Record<keyof typeof cases, Array<{ seconds: number; rssMB: number }>> = {
    nodeBare: [],
    pluginCli: [],
    kubeClient: [],
  };
  for (let i = 0; i < rounds; i++) {
    for (const k of Object.keys(cases) as Array<keyof typeof cases>) runs[k].push(await once([...cases[k]]));
  }
  const sum = (xs: Array<{ seconds: number; rssMB: number }>) => ({
    seconds: Math.round(median(xs.map((x) => x.seconds)) * 1000) / 1000,
    rssMB: Math.round(median(xs.map((x) => x.rssMB)) * 10) / 10,
  });
  return { nodeBare: sum(runs.nodeBare), pluginCli: sum(runs.pluginCli), kubeClient: sum(runs.kubeClient) };
}
