/**
 * S4: a chart without hooks (bench/charts/plain), where helm alone has work to do. Per round, plain helm and
 * the plugin each run, back to back: upgrade, rollback (to the revision before), uninstall (the release
 * re-installed, untimed, after each). The plugin's cost is its time minus helm's in the same round.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { dropNamespace, helm, namespace, REPO } from '../test/e2e/harness.js';
import type { Major, RunMeasure } from './measure.js';
import { S4, type Tool } from './scenarios.js';
import type { RawRun } from './summarize.js';

export const S4_COMMANDS = ['upgrade', 'rollback', 'uninstall'] as const;
const CHART = join(REPO, 'bench/charts/plain');
const HELM: Tool = { tool: 'helm', parallelism: 1 };
const PLUGIN: Tool = { tool: 'plugin', parallelism: 8 };

async function timed(major: Major, args: string[]): Promise<RunMeasure> {
  const t0 = performance.now();
  const r = await helm(major, args);
  const totalS = (performance.now() - t0) / 1000;
  const m: RunMeasure = {
    exitCode: r.exitCode,
    totalS,
    hookPhaseByEvent: {},
    hookPhaseS: 0,
    idealHookS: 0,
    missing: [],
  };
  if (r.exitCode !== 0) m.stderrTail = r.stderr.split('\n').slice(-8).join('\n');
  return m;
}

async function must(major: Major, args: string[]): Promise<void> {
  const r = await helm(major, args);
  if (r.exitCode !== 0) throw new Error(`helm ${args.join(' ')} failed:\n${r.stderr}`);
}

export async function runCommandScenario(
  major: Major,
  helmVersion: string,
  rounds: number,
  raw: RawRun[],
  log: (text: string) => void,
): Promise<void> {
  const ns = await namespace(`bench-s4-h${major}`);
  const release = 'plain';
  log(`${S4.id} helm ${helmVersion}: ${S4.title}; namespace ${ns}, ${rounds} round(s)`);
  const withTool = (tool: Tool, args: string[]) =>
    tool.tool === 'helm' ? args : ['parallel-hooks', ...args, '--hook-parallelism', String(tool.parallelism)];
  try {
    await must(major, ['install', release, CHART, '-n', ns]);
    // Untimed warm-up of each command through both tools (caches, the plugin's code cache).
    for (const tool of [HELM, PLUGIN]) {
      await must(major, withTool(tool, ['upgrade', release, CHART, '-n', ns, '--set', 'run=warm']));
      await must(major, withTool(tool, ['rollback', release, '-n', ns]));
    }
    for (let round = 1; round <= rounds; round++) {
      for (const command of S4_COMMANDS) {
        for (const tool of [HELM, PLUGIN]) {
          const args =
            command === 'upgrade'
              ? ['upgrade', release, CHART, '-n', ns, '--set', `run=r${round}-${tool.tool}`]
              : command === 'rollback'
                ? ['rollback', release, '-n', ns]
                : ['uninstall', release, '-n', ns];
          const m = await timed(major, withTool(tool, args));
          raw.push({ scenario: `S4-${command}`, major, helmVersion, tool, round, hookCount: 0, noHooksS: 0, m });
          const who = tool.tool === 'helm' ? 'helm' : `plugin N=${tool.parallelism}`;
          log(
            `  S4 helm ${helmVersion} round ${round}/${rounds} ${command} ${who}: ${m.totalS.toFixed(3)} s${m.exitCode ? ` FAILED (exit ${m.exitCode})` : ''}`,
          );
          if (command === 'uninstall') await must(major, ['install', release, CHART, '-n', ns]);
        }
      }
    }
  } finally {
    await dropNamespace(ns);
  }
}
