/**
 * install and upgrade (with or without --install): render with helm, run the pre-event's hooks, run helm with
 * --no-hooks, then run the post-event's hooks as helm stored them.
 */
import { HelmError, HookFailureError, UsageError } from '../errors.js';
import { HelmArgs } from '../helm/args.js';
import type { LifecycleEvent } from '../hooks/model.js';
import { handlePostFailure } from './post-failure.js';
import { Session, type CommandOptions } from './session.js';

export async function runDeploy(opts: CommandOptions & { command: 'install' | 'upgrade' }): Promise<number> {
  const cmd = opts.command;
  const args = new HelmArgs(opts.helmArgs, cmd);
  const positionals = args.positionals();
  const generateName = cmd === 'install' && args.bool('generate-name');
  const needed = generateName ? 1 : 2;
  if (positionals.length < needed) {
    throw new UsageError(
      cmd === 'install'
        ? `install needs a release name and a chart (or --generate-name and a chart); got ${positionals.length} argument(s)`
        : `upgrade needs a release name and a chart; got ${positionals.length} argument(s)`,
    );
  }
  const session = new Session(opts, args);
  if (args.bool('no-hooks')) return session.helm.passthrough([cmd, ...opts.helmArgs]);

  try {
    // helm's own rendering, with the user's arguments; -o and --dry-run are the plugin's here.
    const rendering = session.helm.render(cmd, args.without('output', 'dry-run'));
    session.warmUp();
    const rendered = await rendering;
    const installing = rendered.info?.status === 'pending-install';
    const [pre, post]: [LifecycleEvent, LifecycleEvent] = installing
      ? ['pre-install', 'post-install']
      : ['pre-upgrade', 'post-upgrade'];
    const prePlan = session.plan(pre, rendered);
    const renderedPost = session.plan(post, rendered);

    if (session.dryRun) {
      session.printPlan([prePlan, renderedPost]);
      return await session.helm.passthrough([cmd, ...opts.helmArgs]);
    }

    // An upgrade whose post hooks fail must leave the replaced revision as it was: read history now,
    // beside the pre-hooks, only when there are post hooks.
    const historyBefore =
      !installing && renderedPost.hooks.length > 0 ? session.helm.history(rendered.name, rendered.namespace) : undefined;
    historyBefore?.catch(() => undefined);

    if (prePlan.hooks.length > 0) {
      // helm creates the namespace before the pre-install hooks
      if (installing && args.bool('create-namespace')) await session.ensureNamespace(rendered.namespace);
      await session.runEvent(prePlan, rendered);
    }

    // With --generate-name the name helm picked for the render is the one used from here on.
    const mainArgs = generateName ? [rendered.name, ...args.without('generate-name')] : [...opts.helmArgs];
    const code = await session.helm.passthrough([cmd, ...mainArgs, '--no-hooks']);
    if (code !== 0) {
      throw new HelmError(`helm ${cmd} failed (exit code ${code}); ${post} hooks were not run`, {
        exitCode: code,
        helmArgs: mainArgs,
        stderr: '',
      });
    }

    if (renderedPost.hooks.length > 0) {
      // The hooks exactly as helm recorded them in the release it just stored (the chart is the one rendered).
      const stored = await session.helm.status(rendered.name, undefined, rendered.namespace);
      stored.chart = rendered.chart;
      try {
        await session.runEvent(session.plan(post, stored), stored);
      } catch (error) {
        if (!(error instanceof HookFailureError)) throw error;
        await handlePostFailure(error, { session, args, opts, release: stored, installing, historyBefore });
      }
    }
    return 0;
  } finally {
    await session.close();
  }
}
