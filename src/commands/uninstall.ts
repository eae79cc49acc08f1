/**
 * uninstall (alias delete) NAME...: for each release in turn, as helm: the hooks of its highest revision run
 * as pre-delete, helm uninstalls it with --no-hooks, then the same revision's post-delete hooks run.
 */
import { HelmError, UsageError } from '../errors.js';
import { HelmArgs } from '../helm/args.js';
import type { ReleaseJson } from '../hooks/parse.js';
import { Session, type CommandOptions } from './session.js';

export async function runUninstall(opts: CommandOptions): Promise<number> {
  const args = new HelmArgs(opts.helmArgs, 'uninstall');
  const names = args.positionals();
  if (names.length === 0) throw new UsageError('uninstall needs at least one release name: helm parallel-hooks uninstall RELEASE [...]');
  const session = new Session(opts, args);
  if (args.bool('no-hooks')) return session.helm.passthrough(['uninstall', ...opts.helmArgs]);
  const flags = args.flagsOnly();

  try {
    for (const name of names) {
      let release: ReleaseJson;
      try {
        const reading = session.helm.storedRelease(name);
        session.warmUp();
        release = await reading;
      } catch (error) {
        if (!(error instanceof HelmError)) throw error;
        // Not found (or not readable): helm decides, with --ignore-not-found or its own error.
        const code = await session.helm.passthrough(['uninstall', name, ...flags]);
        if (code !== 0) return code;
        continue;
      }
      const prePlan = session.plan('pre-delete', release);
      const postPlan = session.plan('post-delete', release);
      if (session.dryRun) {
        session.printPlan([prePlan, postPlan]);
        const code = await session.helm.passthrough(['uninstall', name, ...flags]);
        if (code !== 0) return code;
        continue;
      }
      await session.runEvent(prePlan, release);
      const code = await session.helm.passthrough(['uninstall', name, ...flags, '--no-hooks']);
      if (code !== 0) {
        throw new HelmError(`helm uninstall ${name} failed (exit code ${code}); post-delete hooks were not run`, {
          exitCode: code,
          helmArgs: [name, ...flags],
          stderr: '',
        });
      }
      await session.runEvent(postPlan, release);
    }
    return 0;
  } finally {
    await session.close();
  }
}
