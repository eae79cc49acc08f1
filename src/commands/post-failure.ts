/**
 * What helm does when a post-install or post-upgrade hook fails, after its main work succeeded: mark the
 * release `failed` with helm's description, and leave the revision an upgrade replaced as it was (helm
 * supersedes it only after post-upgrade hooks succeed; `helm upgrade --no-hooks` already did); with
 * --atomic (helm 3) / --rollback-on-failure (helm 4), uninstall a new release or roll an upgrade back to
 * the last successful revision, hooks included.
 */
import { HookFailureError } from '../errors.js';
import type { HelmArgs } from '../helm/args.js';
import type { HistoryEntry } from '../helm/client.js';
import type { ReleaseJson } from '../hooks/parse.js';
import type { CommandOptions, Session } from './session.js';

export async function handlePostFailure(
  error: HookFailureError,
  ctx: {
    session: Session;
    args: HelmArgs;
    opts: CommandOptions;
    release: ReleaseJson;
    installing: boolean;
    /** The history before helm's main command (upgrades only). */
    historyBefore: Promise<HistoryEntry[]> | undefined;
  },
): Promise<never> {
  const { session, args, opts, release, installing } = ctx;
  const reason = error.failures.join('; ');
  await session.setStatus(
    release,
    'failed',
    installing
      ? `Release "${release.name}" failed: failed post-install: ${reason}`
      : `Upgrade "${release.name}" failed: post-upgrade hooks failed: ${reason}`,
  );
  if (ctx.historyBefore) {
    const before = await ctx.historyBefore;
    const now = await session.helm.history(release.name, release.namespace);
    for (const old of before) {
      const after = now.find((r) => r.revision === old.revision);
      if (after && after.status !== old.status) await session.setStatus({ ...release, version: old.revision }, old.status);
    }
  }
  if (!args.bool('atomic') && !args.bool('rollback-on-failure')) throw error;

  const common = ['--namespace', release.namespace];
  const timeout = args.value('timeout');
  if (timeout !== undefined) common.push('--timeout', timeout);
  if (installing) {
    opts.reporter.note(`${release.name}: post-install hooks failed; uninstalling it (atomic)`);
    const { runUninstall } = await import('./uninstall.js');
    await runUninstall({ ...opts, command: 'uninstall', helmArgs: [release.name, ...common] });
    throw new HookFailureError(error.event, error.failures, `release ${release.name} failed, and has been uninstalled due to atomic being set`);
  }
  const history = await session.helm.history(release.name, release.namespace);
  const last = history
    .filter((r) => r.revision < release.version && (r.status === 'deployed' || r.status === 'superseded'))
    .sort((a, b) => b.revision - a.revision)[0];
  if (!last) throw error;
  opts.reporter.note(`${release.name}: post-upgrade hooks failed; rolling back to revision ${last.revision} (atomic)`);
  const { runRollback } = await import('./rollback.js');
  await runRollback({ ...opts, command: 'rollback', helmArgs: [release.name, String(last.revision), '--wait', ...common] });
  throw new HookFailureError(error.event, error.failures, `release ${release.name} failed, and has been rolled back due to atomic being set`);
}
