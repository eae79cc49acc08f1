/**
 * Where helm releases run hooks differently, decided in one place from (helm version, command, the user's
 * arguments, the release): create or server-side apply, the clean-up of succeeded hooks on failure, the
 * wait after a delete, the waiter, the error wording, and what `--timeout` of 0 or less means for a hook's
 * wait and for a delete's. The facts are docs/HELM-SEMANTICS.md §3; test/unit/flavour.test.ts has each rule.
 */
import type { HelmArgs, HelmCommand } from '../helm/args.js';
import type { Hook } from '../hooks/model.js';
import type { ReleaseJson } from '../hooks/release-json.js';

/** How the running helm release runs a hook, where helm versions differ. */
export interface HelmFlavour {
  /** Created (helm 3) or server-side applied (helm 4, per command: appliesHooks below). */
  applyHooks: boolean;
  /** Helm >= 3.19 and 4 delete an event's earlier hook-succeeded hooks when a later hook fails while waited for. */
  deleteSucceededOnFailure: boolean;
  /**
   * After a before-hook-creation or policy delete: helm 3 polls until the object is gone (bounded by
   * --timeout; with a timeout <= 0 it checks once); helm 4's default wait strategy (hookOnly) does not wait;
   * helm 4 with --wait=watcher|legacy waits.
   */
  deleteWait: 'poll' | 'none' | 'wait';
  /**
   * Waiting for a Job or Pod: helm 3 and helm 4's legacy waiter count an object deleted while watched as done;
   * helm 4's status watcher (kstatus) keeps waiting for it, and fails at the timeout.
   */
  waiter: 'watch' | 'kstatus';
  /** Error texts as this helm major words them (recorded in the release description). */
  messages: 3 | 4;
}

/** Whose hooks run: the command, and the release they come from (a deploy's render, a rollback's target). */
export interface HookSource {
  /** install for `upgrade --install` of a new release too (helm runs the install events then). */
  command: HelmCommand;
  release?: ReleaseJson;
}

/** The flavour of this helm release for one command's hooks. */
export function flavourFor(version: { major: number; minor: number }, args: HelmArgs, source: HookSource): HelmFlavour {
  const flavour = flavourOf(version, waitStrategy(args.value('wait'), args.has('wait')));
  if (version.major >= 4) flavour.applyHooks = appliesHooks(args, source);
  return flavour;
}

/**
 * helm 4's apply rule per command (§3 step 3): install hooks per --server-side (a flag, default on); upgrade hooks
 * the way the release is applied (`apply_method`, server-side unless it says otherwise); rollback hooks per
 * --server-side true/false, `auto` (the default) following the target revision's method; delete hooks always.
 */
function appliesHooks(args: HelmArgs, { command, release }: HookSource): boolean {
  switch (command) {
    case 'install':
      return !args.has('server-side') || args.bool('server-side');
    case 'upgrade':
      return release?.apply_method === undefined || release.apply_method === 'ssa';
    case 'rollback': {
      const flag = (args.value('server-side') ?? 'auto').toLowerCase();
      return flag === 'true' || (flag !== 'false' && release?.apply_method === 'ssa');
    }
    case 'uninstall':
      return true;
  }
}

/** helm 4's wait strategy from --wait (no flag: hookOnly; bare --wait or true: watcher). */
export function waitStrategy(wait: string | undefined, present: boolean): 'hookOnly' | 'watcher' | 'legacy' {
  if (!present) return 'hookOnly';
  const v = (wait ?? 'watcher').trim().toLowerCase();
  if (v === 'legacy') return 'legacy';
  if (v === 'hookonly' || v === 'false') return 'hookOnly';
  return 'watcher';
}

/** The flavour by version and wait strategy alone (helm 4 applying, as for install and delete hooks). */
export function flavourOf(
  version: { major: number; minor: number },
  strategy: 'hookOnly' | 'watcher' | 'legacy' = 'hookOnly',
): HelmFlavour {
  const four = version.major >= 4;
  return {
    applyHooks: four,
    deleteSucceededOnFailure: four || (version.major === 3 && version.minor >= 19),
    deleteWait: !four ? 'poll' : strategy === 'hookOnly' ? 'none' : 'wait',
    waiter: four && strategy !== 'legacy' ? 'kstatus' : 'watch',
    messages: four ? 4 : 3,
  };
}

/**
 * The limit of one hook's wait (§3 step 4): the hook's own helm-parallel-hooks.io/timeout, else --timeout.
 * For 0 or less helm 3 and helm 4's legacy waiter wait without limit; helm 4's status watcher uses 30 s for 0
 * and no limit below 0.
 */
export function hookWaitMs(ctx: { flavour: HelmFlavour; timeoutMs: number }, hook?: Pick<Hook, 'timeoutMs'>): number {
  const timeoutMs = hook?.timeoutMs ?? ctx.timeoutMs;
  if (timeoutMs > 0) return timeoutMs;
  if (ctx.flavour.waiter === 'kstatus' && timeoutMs === 0) return 30_000;
  return Number.POSITIVE_INFINITY;
}

/**
 * The limit of the wait after a delete (§3 step 2), when the flavour waits at all: helm 3 polls within
 * --timeout as given (0 or less: its deadline has passed before it looks, so it looks once: a limit <= 0);
 * helm 4's status watcher uses 30 s for 0 and no limit below 0; its legacy waiter has no limit for either.
 */
export function deleteWaitMs(ctx: { flavour: HelmFlavour; timeoutMs: number }): number {
  if (ctx.flavour.deleteWait === 'poll' || ctx.timeoutMs > 0) return ctx.timeoutMs;
  if (ctx.flavour.waiter === 'kstatus' && ctx.timeoutMs === 0) return 30_000;
  return Number.POSITIVE_INFINITY;
}
