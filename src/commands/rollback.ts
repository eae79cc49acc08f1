/**
 * rollback NAME [REVISION], where helm runs hooks: the TARGET revision's hooks (the one rolled back to) run
 * as pre-rollback while the new revision is stored pending-rollback; helm rolls back with --no-hooks; the
 * new revision's post-rollback hooks run while it is pending-rollback again. A failed rollback hook leaves
 * the revision pending-rollback, as helm leaves it.
 */
import { HelmError, InterruptedError, UsageError } from '../errors.js';
import { HelmArgs } from '../helm/args.js';
import type { RecordJson } from '../hooks/release-json.js';
import { recordTime, userLabelsOf } from '../kube/release-store.js';
import { type Around, keepHookRuns, runPostHooks, runPreHooks } from './around-helm.js';
import { type CommandOptions, Session } from './session.js';

export async function runRollback(opts: CommandOptions): Promise<number> {
  const args = new HelmArgs(opts.helmArgs, 'rollback');
  const [name, revisionText, ...extra] = args.positionals();
  if (!name) throw new UsageError('rollback needs a release name: helm parallel-hooks rollback RELEASE [REVISION]');
  if (extra.length > 0)
    throw new UsageError(
      `rollback takes a release name and an optional revision; got extra argument(s): ${extra.join(' ')}`,
    );
  if (revisionText !== undefined && !/^\d+$/.test(revisionText)) {
    throw new UsageError(`rollback: revision "${revisionText}" is not a revision number (0 or more)`);
  }
  const session = new Session(opts, args);
  if (args.bool('no-hooks')) return session.helm.passthrough(['rollback', ...opts.helmArgs]);

  try {
    const namespace = session.releaseNamespace();
    const store = await session.store();
    const revisions = await store.revisions(name, namespace);
    const current = revisions[revisions.length - 1];
    // helm: revision 0 or none means the one before the latest.
    const targetVersion = revisionText && Number(revisionText) > 0 ? Number(revisionText) : (current?.version ?? 1) - 1;
    const target = revisions.find((r) => r.version === targetVersion)?.record();
    // No such release or revision: helm says so in its own words and with its own exit code.
    if (!current || !target) return await session.helm.passthrough(['rollback', ...opts.helmArgs]);

    const targetJson = target.release;
    const prePlan = session.plan('pre-rollback', targetJson);
    const postPlan = session.plan('post-rollback', targetJson);
    if (session.dryRun) {
      session.printPlan([prePlan, postPlan]);
      return await session.helm.passthrough(['rollback', ...opts.helmArgs]);
    }
    // The target revision has no rollback hooks: helm does it all, exactly as typed.
    if (prePlan.hooks.length === 0 && postPlan.hooks.length === 0) {
      return await session.helm.passthrough(['rollback', ...opts.helmArgs]);
    }
    session.warmUp();
    const latest = current.record();
    const version = current.version + 1;
    const around: Around = {
      session,
      name,
      namespace,
      pending: { status: 'pending-rollback', description: `Rollback to ${targetVersion}` },
      source: { command: 'rollback', release: target.release },
      // helm records nothing more when a rollback hook fails or is interrupted: the revision stays pending,
      // its failing hook Running, as helm's last write left them.
      onFailure: async (keeper) => keeper.settle(),
    };

    let ran: RecordJson | undefined;
    if (prePlan.hooks.length > 0) {
      // The new revision as helm builds it: the target's chart, values, manifest and hooks.
      const release = structuredClone(target.release);
      release.version = version;
      release.info = {
        ...release.info,
        first_deployed: latest.release.info.first_deployed,
        last_deployed: recordTime(),
        ...('deleted' in release.info ? { deleted: '' } : {}),
      };
      for (const hook of release.hooks ?? [])
        if (hook.last_run)
          hook.last_run =
            'started_at' in hook.last_run ? { started_at: '', completed_at: '', phase: '' } : { phase: '' };
      ran = await runPreHooks(
        { ...around, phase: 'pre' },
        session.plan('pre-rollback', release),
        release,
        userLabelsOf(target.labels),
      );
    }

    const code = await session.helm.passthrough(['rollback', ...opts.helmArgs, '--no-hooks']);
    if (opts.signal.aborted) throw new InterruptedError('helm rollback was running');
    if (code !== 0) {
      if (ran) await keepHookRuns(around, version, ran).catch(() => undefined);
      throw new HelmError(`helm rollback failed (exit code ${code}); post-rollback hooks were not run`, {
        exitCode: code,
        helmArgs: opts.helmArgs,
        stderr: '',
      });
    }
    await runPostHooks({ ...around, phase: 'post' }, 'post-rollback', version, ran, revisions);
    return 0;
  } finally {
    await session.close();
  }
}
