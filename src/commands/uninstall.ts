/**
 * uninstall (alias delete) NAME..., for each release in turn, where helm runs hooks: the latest revision is
 * marked uninstalling ("Deletion in progress (or silently failed)"), its pre-delete hooks run, helm
 * uninstalls with --no-hooks, then the same revision's post-delete hooks run. A failed pre-delete hook
 * leaves the release uninstalling and nothing deleted, as helm does. A release already uninstalled (kept
 * history) runs no hook: helm purges it or says so. helm 4 always server-side applies delete hooks (run/helm-behaviour.ts).
 */
import { HelmError, InterruptedError, UsageError } from '../errors.js';
import { HelmArgs } from '../helm/args.js';
import { recordTime } from '../kube/release-store.js';
import { type CommandOptions, Session } from './session.js';

export async function runUninstall(opts: CommandOptions): Promise<number> {
  const args = new HelmArgs(opts.helmArgs, 'uninstall');
  const names = args.positionals();
  if (names.length === 0)
    throw new UsageError('uninstall needs at least one release name: helm parallel-hooks uninstall RELEASE [...]');
  const session = new Session(opts, args);
  if (args.bool('no-hooks')) return session.helm.passthrough(['uninstall', ...opts.helmArgs]);
  const flags = args.flagsOnly();
  const namespace = session.releaseNamespace();

  try {
    for (const name of names) {
      const store = await session.store();
      const revisions = await store.revisions(name, namespace);
      const latest = revisions[revisions.length - 1];
      const record = latest && latest.status !== 'uninstalled' ? latest.record() : undefined;
      if (!record) {
        // Not found, or already uninstalled: helm decides (--ignore-not-found, purge, or its own error).
        const code = await session.helm.passthrough(['uninstall', name, ...flags]);
        if (code !== 0) return code;
        continue;
      }
      const release = record.release;
      const prePlan = session.plan('pre-delete', release);
      const postPlan = session.plan('post-delete', release);
      // A dry run prints the plan; a release without delete hooks is helm's alone, exactly as helm does it.
      const plain = prePlan.hooks.length === 0 && postPlan.hooks.length === 0;
      if (session.dryRun || plain) {
        if (session.dryRun) session.printPlan([prePlan, postPlan]);
        const code = await session.helm.passthrough(['uninstall', name, ...flags]);
        if (code !== 0) return code;
        continue;
      }
      session.warmUp();
      if (prePlan.hooks.length > 0) {
        const keeper = await session.keeper(record);
        keeper.setStatus('uninstalling', 'Deletion in progress (or silently failed)');
        record.release.info.deleted = recordTime();
        try {
          await session.runEvent(prePlan, keeper, { command: 'uninstall' });
        } catch (error) {
          // Failed or interrupted: helm leaves the release uninstalling, as its last write left it.
          await keeper.settle();
          throw error;
        }
        await keeper.flush();
      }
      const code = await session.helm.passthrough(['uninstall', name, ...flags, '--no-hooks']);
      if (opts.signal.aborted) throw new InterruptedError(`helm uninstall ${name} was running`);
      if (code !== 0) {
        throw new HelmError(`helm uninstall ${name} failed (exit code ${code}); post-delete hooks were not run`, {
          exitCode: code,
          helmArgs: [name, ...flags],
          stderr: '',
        });
      }
      // helm runs post-delete hooks before it removes the records; here they are already removed (or
      // uninstalled, with --keep-history), so their last runs are not recorded.
      await session.runEvent(postPlan, undefined, { command: 'uninstall' });
    }
    return 0;
  } finally {
    await session.close();
  }
}
