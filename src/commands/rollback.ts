/**
 * rollback NAME [REVISION]: the hooks stored in the TARGET revision (the one rolled back to) run as
 * pre-rollback, helm rolls back with --no-hooks, then the new revision's post-rollback hooks run.
 */
import { HelmError, UsageError } from '../errors.js';
import { HelmArgs } from '../helm/args.js';
import { Session, type CommandOptions } from './session.js';

export async function runRollback(opts: CommandOptions): Promise<number> {
  const args = new HelmArgs(opts.helmArgs, 'rollback');
  const [name, revisionText, ...extra] = args.positionals();
  if (!name) throw new UsageError('rollback needs a release name: helm parallel-hooks rollback RELEASE [REVISION]');
  if (extra.length > 0) throw new UsageError(`rollback takes a release name and an optional revision; got extra argument(s): ${extra.join(' ')}`);
  if (revisionText !== undefined && !/^\d+$/.test(revisionText)) {
    throw new UsageError(`rollback: revision "${revisionText}" is not a revision number (0 or more)`);
  }
  const session = new Session(opts, args);
  if (args.bool('no-hooks')) return session.helm.passthrough(['rollback', ...opts.helmArgs]);

  try {
    let current, target;
    try {
      const reading = session.helm.metadata(name);
      session.warmUp();
      current = await reading;
      // helm: revision 0 or none means the one before the latest
      const targetRevision = revisionText && Number(revisionText) > 0 ? Number(revisionText) : current.revision - 1;
      target = await session.helm.storedRelease(name, targetRevision, current.namespace);
    } catch (error) {
      // No such release or revision: helm says so in its own words and with its own exit code.
      if (error instanceof HelmError) return await session.helm.passthrough(['rollback', ...opts.helmArgs]);
      throw error;
    }
    const prePlan = session.plan('pre-rollback', target);
    const postPreview = session.plan('post-rollback', target);
    if (session.dryRun) {
      session.printPlan([prePlan, postPreview]);
      return await session.helm.passthrough(['rollback', ...opts.helmArgs]);
    }

    await session.runEvent(prePlan, target);
    const code = await session.helm.passthrough(['rollback', ...opts.helmArgs, '--no-hooks']);
    if (code !== 0) {
      throw new HelmError(`helm rollback failed (exit code ${code}); post-rollback hooks were not run`, {
        exitCode: code,
        helmArgs: opts.helmArgs,
        stderr: '',
      });
    }
    if (postPreview.hooks.length > 0) {
      const stored = await session.helm.storedRelease(name, undefined, current.namespace);
      await session.runEvent(session.plan('post-rollback', stored), stored);
    }
    return 0;
  } finally {
    await session.close();
  }
}
