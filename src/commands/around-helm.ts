/**
 * The release record around helm's `--no-hooks` call, shared by install, upgrade and rollback:
 *
 * - before: the new revision is stored as helm stores it before its pre hooks (pending-install,
 *   pending-upgrade, pending-rollback), so helm's lock refuses a concurrent operation; the pre hooks run
 *   with their last runs recorded; the revision is removed just before helm stores its own;
 * - after: helm has stored the revision as deployed (and superseded what it replaced); as plain helm shows it
 *   while post hooks run, the revision goes back to pending, with the hooks that ran, and the revisions
 *   helm changed (superseded) back to what they were; the post hooks run; then helm's final state.
 */
import { HookFailureError, InterruptedError, PluginError } from '../errors.js';
import type { LifecycleEvent } from '../hooks/model.js';
import type { EventPlan } from '../hooks/plan.js';
import type { RecordJson } from '../hooks/release-json.js';
import type { ReleaseRecord, RevisionInfo } from '../kube/release-store.js';
import type { HookSource } from '../run/helm-behaviour.js';
import type { RecordKeeper } from './record-keeper.js';
import type { Session } from './session.js';

export interface Around {
  session: Session;
  name: string;
  namespace: string;
  /** The revision's status while its hooks run. */
  pending: { status: string; description: string };
  /** Where the hooks come from (how this helm release runs them: run/helm-behaviour.ts). */
  source: HookSource;
  /** Records what helm records when the event fails (HookFailureError) or is interrupted; may throw instead. */
  onFailure: (keeper: RecordKeeper, error: unknown, phase: 'pre' | 'post') => Promise<void>;
}

/** Stores the pending revision, runs the pre hooks, then removes it for helm to store its own. */
export async function runPreHooks(
  around: Around & { phase: 'pre' },
  plan: EventPlan,
  release: RecordJson,
  labels: Record<string, string>,
): Promise<RecordJson> {
  const { session, name, namespace } = around;
  release.info.status = around.pending.status;
  release.info.description = around.pending.description;
  const record = { name, namespace, version: release.version, release, labels };
  const store = await session.store();
  if (!(await store.create(record))) {
    throw new PluginError('another operation (install/upgrade/rollback) is in progress', {
      hint: `Revision ${record.version} of ${name} was stored by another helm or plugin run meanwhile; nothing was run.`,
    });
  }
  const keeper = await session.keeper(record);
  await guarded(around, keeper, 'pre', () => session.runEvent(plan, keeper, around.source));
  await keeper.flush();
  await store.remove(name, namespace, record.version);
  return release;
}

/** After a failed main command: the hooks that ran, with their last runs, in the revision helm stored. */
export async function keepHookRuns(around: Around, version: number, ran: RecordJson): Promise<void> {
  const store = await around.session.store();
  const stored = await store.get(around.name, around.namespace, version);
  if (!stored) return;
  stored.release.hooks = ran.hooks;
  await store.update(stored);
}

export async function runPostHooks(
  around: Around & { phase: 'post' },
  event: LifecycleEvent,
  version: number,
  ran: RecordJson | undefined,
  before: readonly RevisionInfo[],
): Promise<void> {
  const { session, name, namespace } = around;
  const store = await session.store();
  const stored = await store.get(name, namespace, version);
  if (!stored) {
    session.opts.reporter.note(`helm stored no revision ${version} of ${name}; ${event} hooks were not run`);
    return;
  }
  // What ran is what `helm get hooks` shows: the pre hooks as rendered and run, with their last runs.
  if (ran) stored.release.hooks = ran.hooks;
  const plan = session.plan(event, stored.release);
  if (plan.hooks.length === 0) {
    if (ran) await store.update(stored);
    return;
  }
  const final = { status: stored.release.info.status, description: stored.release.info.description };
  const keeper = await session.keeper(stored);
  keeper.setStatus(around.pending.status, around.pending.description);
  // helm supersedes what it replaced only after the post hooks succeed: until then every older revision
  // keeps the status it had before helm's main command (one list to find those helm changed).
  const changed: Array<{ record: ReleaseRecord; after: string }> = [];
  const now = await store.revisions(name, namespace);
  for (const old of before) {
    const listed = now.find((r) => r.version === old.version);
    if (old.version === version || listed === undefined || listed.status === old.status) continue;
    const record = listed.record();
    record.release.info.status = old.status;
    await store.update(record);
    changed.push({ record, after: listed.status });
  }
  await keeper.flush();
  await guarded(around, keeper, 'post', () => session.runEvent(plan, keeper, around.source));
  keeper.setStatus(final.status, final.description);
  await keeper.flush();
  for (const { record, after } of changed) {
    record.release.info.status = after;
    await store.update(record);
  }
}

async function guarded(
  around: Around,
  keeper: RecordKeeper,
  phase: 'pre' | 'post',
  run: () => Promise<unknown>,
): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (error instanceof HookFailureError || error instanceof InterruptedError || around.session.opts.signal.aborted) {
      await around.onFailure(keeper, error, phase);
    }
    throw error;
  }
}
