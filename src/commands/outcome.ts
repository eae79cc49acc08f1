/**
 * helm's words and actions when an install or upgrade does not go through: the release description it
 * records for a failed hook or a cancellation, and --atomic (helm 3) / --rollback-on-failure (helm 4),
 * which uninstall a new release or roll an upgrade back to the last successful revision, hooks included,
 * carrying the flags helm carries into that rollback.
 */
import { HookFailureError, type PluginError } from '../errors.js';
import type { HelmArgs } from '../helm/args.js';
import { parseYaml11Documents } from '../hooks/yaml11.js';
import type { RevisionInfo } from '../kube/release-store.js';
import type { CommandOptions, Session } from './session.js';

export type DeployKind = 'install' | 'upgrade';

export function pendingStatus(kind: DeployKind): { status: string; description: string } {
  return kind === 'install'
    ? { status: 'pending-install', description: 'Initial install underway' }
    : { status: 'pending-upgrade', description: 'Preparing upgrade' };
}

/** `Release "x" failed: failed pre-install: ...` / `Upgrade "x" failed: pre-upgrade hooks failed: ...` */
export function hookFailedDescription(kind: DeployKind, name: string, phase: 'pre' | 'post', message: string): string {
  return kind === 'install'
    ? `Release "${name}" failed: failed ${phase}-install: ${message}`
    : `Upgrade "${name}" failed: ${phase}-upgrade hooks failed: ${message}`;
}

/** What helm records when SIGINT/SIGTERM cancels an install or upgrade. */
export function canceledDescription(kind: DeployKind, name: string): string {
  return kind === 'install'
    ? `Release "${name}" failed: context canceled`
    : `Upgrade "${name}" failed: context canceled`;
}

export function atomicRequested(args: HelmArgs): boolean {
  return args.bool('atomic') || args.bool('rollback-on-failure');
}

/** The flags helm carries from a failed upgrade into its --atomic rollback (per major). */
export function rollbackFlags(args: HelmArgs, major: number, namespace: string): string[] {
  const out = ['--namespace', namespace];
  const timeout = args.value('timeout');
  if (timeout !== undefined) out.push('--timeout', timeout);
  if (args.bool('wait-for-jobs')) out.push('--wait-for-jobs');
  if (major >= 4) {
    // helm 4 turns its default wait strategy into the watcher when rolling back on failure.
    const wait = args.value('wait');
    out.push(`--wait=${wait && wait !== 'hookOnly' ? wait : 'watcher'}`);
    if (args.bool('force-replace') || args.bool('force')) out.push('--force-replace');
    if (args.bool('force-conflicts')) out.push('--force-conflicts');
    const ss = args.value('server-side');
    if (ss !== undefined) out.push(`--server-side=${ss}`);
  } else {
    out.push('--wait');
    if (args.bool('force')) out.push('--force');
    if (args.bool('recreate-pods')) out.push('--recreate-pods');
  }
  return out;
}

/** The revision an --atomic upgrade rolls back to: the newest deployed or superseded one before it. */
export function rollbackTarget(history: readonly RevisionInfo[], failedVersion: number): number | undefined {
  return history
    .filter((r) => r.version < failedVersion && (r.status === 'deployed' || r.status === 'superseded'))
    .sort((a, b) => b.version - a.version)[0]?.version;
}

/**
 * --atomic / --rollback-on-failure after a failed hook: uninstall (install) or roll back (upgrade), through
 * the plugin's own flows so their hooks run too; then throw the hook failure with helm's closing words.
 */
export async function undoOnFailure(
  error: HookFailureError,
  ctx: { session: Session; opts: CommandOptions; kind: DeployKind; name: string; namespace: string; version: number },
): Promise<never> {
  const { session, opts, kind, name, namespace } = ctx;
  const major = (await session.helmVersion()).major;
  const why = major >= 4 ? 'rollback-on-failure' : 'atomic';
  if (kind === 'install') {
    opts.reporter.note(`${name}: ${error.event} hooks failed; uninstalling it (${why})`);
    const { runUninstall } = await import('./uninstall.js');
    const timeout = session.args.value('timeout');
    await runUninstall({
      ...opts,
      command: 'uninstall',
      helmArgs: [name, '--namespace', namespace, ...(timeout ? ['--timeout', timeout] : [])],
    });
    throw withHint(error, `release ${name} failed, and has been uninstalled due to ${why} being set`);
  }
  const history = await (await session.store()).history(name, namespace);
  const target = rollbackTarget(history, ctx.version);
  if (target === undefined)
    throw withHint(error, 'unable to find a previously successful release when attempting to rollback');
  opts.reporter.note(`${name}: ${error.event} hooks failed; rolling back to revision ${target} (${why})`);
  const { runRollback } = await import('./rollback.js');
  await runRollback({
    ...opts,
    command: 'rollback',
    helmArgs: [name, String(target), ...rollbackFlags(session.args, major, namespace)],
  });
  throw withHint(error, `release ${name} failed, and has been rolled back due to ${why} being set`);
}

function withHint(error: HookFailureError, hint: string): PluginError {
  return new HookFailureError(error.event, error.failures, hint, error.helmMessage);
}

/**
 * --cleanup-on-fail after a failed upgrade: helm deletes the resources its upgrade created, i.e. those in
 * the new revision's manifest that the revision it replaced did not have.
 */
export async function cleanUpCreated(
  session: Session,
  name: string,
  namespace: string,
  version: number,
): Promise<void> {
  const store = await session.store();
  const revisions = await store.revisions(name, namespace);
  const previous = revisions.filter((r) => r.version < version && r.status === 'deployed').pop();
  const now = revisions.find((r) => r.version === version)?.record();
  if (!now) return;
  const before = previous?.record();
  const key = (o: ManifestObject) =>
    `${o.apiVersion.split('/').length > 1 ? o.apiVersion.split('/')[0] : ''}/${o.kind}/${o.namespace ?? namespace}/${o.name}`;
  const old = new Set(manifestObjects(String(before?.release.manifest ?? '')).map(key));
  const created = manifestObjects(String(now.release.manifest ?? '')).filter((o) => !old.has(key(o)));
  const cluster = await session.clusterClient();
  for (const o of created) {
    try {
      await cluster.delete({
        apiVersion: o.apiVersion,
        kind: o.kind,
        name: o.name,
        namespace: o.namespace ?? namespace,
      });
    } catch (error) {
      session.opts.reporter.note(
        `--cleanup-on-fail: could not delete ${o.kind}/${o.name}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  if (created.length > 0)
    session.opts.reporter.note(`--cleanup-on-fail: deleted ${created.length} resource(s) this upgrade created`);
}

interface ManifestObject {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string | undefined;
}

function manifestObjects(manifest: string): ManifestObject[] {
  const out: ManifestObject[] = [];
  for (const doc of parseYaml11Documents(manifest)) {
    const o = doc as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
    if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string' || typeof o.metadata?.name !== 'string')
      continue;
    out.push({
      apiVersion: o.apiVersion,
      kind: o.kind,
      name: o.metadata.name,
      namespace: typeof o.metadata.namespace === 'string' ? o.metadata.namespace : undefined,
    });
  }
  return out;
}
