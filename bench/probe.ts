/**
 * Start-up probe (no cluster): how long the installed plugin takes to reach its first helm call, against a
 * bare node process, in wall time and max RSS, alternated and medianed like everything else. The plugin runs
 * through its launcher (bin/helm-parallel-hooks: the bundle with its code cache) on a chart without hooks,
 * so its first helm call is the user's command itself; HELM_BIN is a stand-in that records when it starts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import { REPO } from '../test/e2e/harness.js';
import { median } from './measure.js';

export interface StartupProbe {
  /** A bare node process: median wall seconds and max RSS (MB). */
  nodeBare: { seconds: number; rssMB: number };
  /**
   * The same without NODE_EXTRA_CA_CERTS, when the machine sets it (node then loads no certificates at
   * start-up; the launcher hands the variable over, see src/kube/extra-ca.ts).
   */
  nodeBareNoExtraCa?: { seconds: number; rssMB: number };
  /** Launcher started -> its first helm call started (median seconds), the command `upgrade` of a hook-less chart. */
  firstHelmCall: { seconds: number };
  /** `--version` through the launcher (no helm in front), start to exit. */
  pluginCli: { seconds: number; rssMB: number };
  /**
   * What helm itself adds in front of any plugin, per helm version: `helm parallel-hooks --version` minus
   * the launcher's `--version` (medians, alternated). Every command through the plugin pays it, before
   * node starts.
   */
  helmPluginStart?: Record<string, { seconds: number }>;
  /**
   * What the shim (dist/shim/helm) adds to a command that passes through to helm (`version --short`), per
   * helm version: median over rounds of (through the shim - helm directly), the two run back to back.
   */
  shimPassThrough?: Record<string, { seconds: number; helmSeconds: number }>;
}

/** A helm to measure the plugin start-up of: its version, and a runner of `helm ARGS` with the plugin installed. */
export interface ProbeHelm {
  version: string;
  run: (args: string[]) => Promise<unknown>;
  /** The helm binary and its environment (home with the plugin), for the shim's pass-through. */
  bin?: string;
  env?: Record<string, string>;
}

const RSS = 'process.stdout.write(String(process.resourceUsage().maxRSS))';

export async function startupProbe(rounds = 5, helms: readonly ProbeHelm[] = []): Promise<StartupProbe> {
  const dir = mkdtempSync(join(tmpdir(), 'hph-probe-'));
  const stamp = join(dir, 'started');
  const fakeHelm = join(dir, 'helm');
  // Records the wall clock (ms) at its start; exits 0 as helm would.
  writeFileSync(fakeHelm, `#!/bin/sh\ndate +%s%3N > "${stamp}"\n`, { mode: 0o755 });
  const launcher = join(REPO, 'bin/helm-parallel-hooks');
  const chart = join(REPO, 'bench/charts/plain');
  const env = { ...process.env, HELM_BIN: fakeHelm, HELM_NAMESPACE: 'probe' };
  const bare: Array<{ seconds: number; rssMB: number }> = [];
  const bareNoCa: Array<{ seconds: number; rssMB: number }> = [];
  const { NODE_EXTRA_CA_CERTS: extraCa, ...withoutExtraCa } = process.env;
  const first: number[] = [];
  const cli: Array<{ seconds: number; rssMB: number }> = [];
  const throughHelm = new Map<string, number[]>(helms.map((h) => [h.version, []]));
  const shim = join(REPO, 'dist/shim/helm');
  const shimDiffs = new Map<string, { diffs: number[]; direct: number[] }>(
    helms.filter((h) => h.bin).map((h) => [h.version, { diffs: [], direct: [] }]),
  );
  try {
    await execa(launcher, ['upgrade', 'probe', chart], { env }); // writes the code cache once
    for (let i = 0; i < rounds; i++) {
      let t0 = performance.now();
      const b = await execa('node', ['-e', RSS]);
      bare.push({ seconds: (performance.now() - t0) / 1000, rssMB: Number(b.stdout) / 1024 });
      if (extraCa) {
        t0 = performance.now();
        const n = await execa('node', ['-e', RSS], { env: withoutExtraCa, extendEnv: false });
        bareNoCa.push({ seconds: (performance.now() - t0) / 1000, rssMB: Number(n.stdout) / 1024 });
      }

      rmSync(stamp, { force: true });
      const startedAt = Date.now();
      await execa(launcher, ['upgrade', 'probe', chart], { env });
      first.push((Number(readFileSync(stamp, 'utf8').trim()) - startedAt) / 1000);

      t0 = performance.now();
      const c = await execa('/usr/bin/time', ['-f', '%M', launcher, '--version'], { env, reject: false });
      cli.push({ seconds: (performance.now() - t0) / 1000, rssMB: Number(c.stderr.trim().split('\n').pop()) / 1024 });

      for (const h of helms) {
        t0 = performance.now();
        await h.run(['parallel-hooks', '--version']);
        throughHelm.get(h.version)?.push((performance.now() - t0) / 1000);
        if (h.bin) {
          const penv = { ...process.env, ...h.env, HELM_PARALLEL_HOOKS_HELM: h.bin };
          t0 = performance.now();
          await execa(h.bin, ['version', '--short'], { env: penv });
          const direct = (performance.now() - t0) / 1000;
          t0 = performance.now();
          await execa(shim, ['version', '--short'], { env: penv });
          const through = (performance.now() - t0) / 1000;
          shimDiffs.get(h.version)?.diffs.push(through - direct);
          shimDiffs.get(h.version)?.direct.push(direct);
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const sum = (xs: Array<{ seconds: number; rssMB: number }>) => ({
    seconds: Math.round(median(xs.map((x) => x.seconds)) * 1000) / 1000,
    rssMB: Math.round(median(xs.map((x) => x.rssMB)) * 10) / 10,
  });
  const pluginCli = sum(cli);
  const helmPluginStart = Object.fromEntries(
    [...throughHelm].map(([version, xs]) => [
      version,
      { seconds: Math.round((median(xs) - pluginCli.seconds) * 1000) / 1000 },
    ]),
  );
  return {
    nodeBare: sum(bare),
    ...(bareNoCa.length > 0 ? { nodeBareNoExtraCa: sum(bareNoCa) } : {}),
    firstHelmCall: { seconds: Math.round(median(first) * 1000) / 1000 },
    pluginCli,
    ...(helms.length > 0 ? { helmPluginStart } : {}),
    ...(shimDiffs.size > 0
      ? {
          shimPassThrough: Object.fromEntries(
            [...shimDiffs].map(([v, d]) => [
              v,
              {
                seconds: Math.round(median(d.diffs) * 1000) / 1000,
                helmSeconds: Math.round(median(d.direct) * 1000) / 1000,
              },
            ]),
          ),
        }
      : {}),
  };
}
