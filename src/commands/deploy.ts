/**
 * install and upgrade: the arguments checked, a chart helm would fetch fetched once, and the chart's text
 * read for hooks. A chart that cannot have a lifecycle hook is helm's alone: helm runs, exactly as typed, and
 * nothing else is loaded. Any other goes through the hook flow (deploy-flow.ts).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hookTextOf } from '../chart/hook-sources.js';
import { CHART_LOCATING_FLAGS, FETCH_ONLY_FLAGS, isFetchedChart } from '../chart/location.js';
import { UsageError } from '../errors.js';
import { HelmArgs } from '../helm/args.js';
import { Helm } from '../helm/client.js';
import { helmSettingsFromEnv } from '../helm/env.js';
import type { CommandOptions } from './session.js';

export async function runDeploy(opts: CommandOptions & { command: 'install' | 'upgrade' }): Promise<number> {
  const cmd = opts.command;
  let args = new HelmArgs(opts.helmArgs, cmd);
  const positionals = args.positionals();
  // With --generate-name or --name-template, helm makes the name and the first argument is the chart.
  const generateName = cmd === 'install' && args.bool('generate-name');
  const templatedName = cmd === 'install' && !generateName && args.value('name-template') !== undefined;
  const needed = generateName || templatedName ? 1 : 2;
  if (positionals.length < needed) {
    throw new UsageError(
      cmd === 'install'
        ? `install needs a release name and a chart (or --generate-name and a chart); got ${positionals.length} argument(s)`
        : `upgrade needs a release name and a chart; got ${positionals.length} argument(s)`,
    );
  }
  const helm = new Helm(helmSettingsFromEnv(opts.env), opts.signal);
  if (args.readsStdin() && opts.readStdin) helm.stdin = await opts.readStdin();
  if (args.bool('no-hooks')) return helm.passthrough([cmd, ...opts.helmArgs]);

  const dryRun = args.isDryRun();
  let fetchedDir: string | undefined;
  try {
    const releaseName = generateName || templatedName ? undefined : positionals[0];
    let chart = (releaseName === undefined ? positionals[0] : positionals[1]) as string;
    // A chart helm would fetch is fetched once; every helm call of the command uses that very file.
    if (!dryRun && isFetchedChart(chart, args.has('repo'), existsSync)) {
      fetchedDir = mkdtempSync(join(tmpdir(), 'helm-parallel-hooks-chart-'));
      const file = await helm.pull(chart, args.pick(...CHART_LOCATING_FLAGS), fetchedDir);
      args = new HelmArgs(withLocalChart(args, releaseName === undefined ? 0 : 1, file), cmd);
      chart = file;
    }
    // No lifecycle hook anywhere in the chart's text or values: helm does it all, exactly as typed.
    const hookText = dryRun ? undefined : hookTextOf(chart, args, helm.stdin);
    if (hookText?.lifecycle === 'none') return await helm.passthrough([cmd, ...args.args]);
    const { runDeployFlow } = await import('./deploy-flow.js');
    return await runDeployFlow({ opts, helm, args, releaseName, chart, hookText });
  } finally {
    if (fetchedDir) rmSync(fetchedDir, { recursive: true, force: true });
  }
}

/** The user's arguments with the chart replaced by a local archive and the fetch-only flags dropped. */
function withLocalChart(args: HelmArgs, chartPosition: number, file: string): string[] {
  let seen = 0;
  return args.tokens.flatMap((t) => {
    if (t.type === 'positional') return seen++ === chartPosition ? [file] : t.raw;
    return (FETCH_ONLY_FLAGS as readonly string[]).includes(t.name) ? [] : t.raw;
  });
}
