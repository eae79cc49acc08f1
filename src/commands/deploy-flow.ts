/**
 * install and upgrade (with or without --install) of a chart that may have hooks, step for step where helm
 * takes them:
 *
 *   name check, CRDs (install) -> render (helm's dry run) -> revision stored pending-install/pending-upgrade
 *   -> pre hooks -> helm --no-hooks (helm stores the revision itself) -> revision set back to pending, with
 *   the hooks that ran and their last runs -> post hooks -> deployed (and the replaced revision superseded)
 *
 * so `helm status` / `helm history` and helm's "another operation is in progress" lock see what plain helm
 * would show. The one window where they differ: between removing the plugin's pending revision and helm
 * storing its own (helm's start-up and render, well under a second), and from helm's final write to the
 * plugin's rewrite when there are post hooks (one request).
 */
import { CHART_LOCATING_FLAGS } from '../chart/location.js';
import { HelmError, HookFailureError, InterruptedError } from '../errors.js';
import type { HelmArgs } from '../helm/args.js';
import type { Helm } from '../helm/client.js';
import { type HookText, mayHookAt } from '../hooks/hook-text.js';
import type { LifecycleEvent } from '../hooks/model.js';
import type { RecordJson } from '../hooks/release-json.js';
import type { RevisionInfo } from '../kube/release-store.js';
import type { HookSource } from '../run/helm-behaviour.js';
import { type Around, keepHookRuns, runPostHooks, runPreHooks } from './around-helm.js';
import { installCrds, nameInUse, splitCrds } from './install-checks.js';
import {
  atomicRequested,
  canceledDescription,
  cleanUpCreated,
  type DeployKind,
  hookFailedDescription,
  pendingStatus,
  undoOnFailure,
} from './outcome.js';
import { type CommandOptions, Session } from './session.js';

export interface DeployInput {
  opts: CommandOptions & { command: 'install' | 'upgrade' };
  helm: Helm;
  /** The user's arguments, with a fetched chart replaced by its local archive. */
  args: HelmArgs;
  /** undefined with --generate-name or --name-template: helm makes the name. */
  releaseName: string | undefined;
  chart: string;
  /** What the chart's text says of its hooks; undefined when it could not be read. */
  hookText: HookText | undefined;
}

export async function runDeployFlow(input: DeployInput): Promise<number> {
  const { opts, args, releaseName, chart, hookText } = input;
  const cmd = opts.command;
  const session = new Session(opts, args, input.helm);
  try {
    const helmArgs = [...args.args];
    const namespace = session.releaseNamespace();

    // helm's own rendering, with the user's arguments (-o and --dry-run are the plugin's here), started at
    // once; beside it, what helm checks and does before it renders an install, which its dry run skips: the
    // name check and the chart's CRDs. Only a chart with CRDs to install is rendered again after them.
    // A user's --dry-run=client renders offline, as helm does; every other render asks the cluster.
    const mode = session.dryRun && /^(client|true)?$/i.test(args.value('dry-run') ?? '') ? 'client' : 'server';
    // The hooks are the same without OpenAPI validation, which costs helm most of a render. A command validates
    // once: in this render when a pre hook may run (what helm's validation refuses before its hooks is then
    // refused before any hook runs), else in helm's main command. e2e: failures ("a manifest helm refuses").
    const preEvents: LifecycleEvent[] = cmd === 'install' ? ['pre-install'] : ['pre-upgrade', 'pre-install'];
    const validate = hookText === undefined || mayHookAt(hookText, preEvents);
    const renderArgs = [...args.without('output', 'dry-run'), ...(validate ? [] : ['--disable-openapi-validation'])];
    const render = () => session.helm.render(cmd, renderArgs, mode);
    let rendering = render();
    rendering.catch(() => undefined);
    session.warmUp();
    const mayInstall = !session.dryRun && (cmd === 'install' || args.bool('install')) && !args.bool('skip-crds');
    const crdText = mayInstall
      ? session.helm.showCrds([chart, ...args.pick(...CHART_LOCATING_FLAGS)]).catch(() => '')
      : Promise.resolve('');
    const historyOf = async (name: string) => (session.dryRun ? [] : (await session.store()).history(name, namespace));
    // The plugin's first request waits for helm's render: where helm refuses the cluster or the credentials
    // (a CA that did not sign the server, a credential plugin that cannot run), it refuses first and the
    // plugin sends nothing. A render that failed only for CRDs not yet installed is made again after them.
    const first = await rendering.then(
      (r) => ({ ok: true as const, r }),
      (e: unknown) => ({ ok: false as const, e }),
    );
    if (!first.ok && !(mayInstall && (await crdText) !== '')) throw first.e;
    // A name helm makes is known only from the render.
    const history: RevisionInfo[] = await historyOf(releaseName ?? (await rendering).name);
    const last = history[history.length - 1];
    const installing = cmd === 'install' || (args.bool('install') && (!last || last.status === 'uninstalled'));
    if (cmd === 'install' && !session.dryRun && nameInUse(history, args.bool('replace'))) {
      // helm refuses in its own words before doing anything; no hook may run.
      return await session.helm.passthrough([cmd, ...helmArgs, '--no-hooks']);
    }
    if (installing && (await installChartCrds(session, await crdText)) > 0) {
      rendering = render();
    }
    const rendered = await rendering;
    const kind: DeployKind = rendered.info?.status === 'pending-install' ? 'install' : 'upgrade';
    const [pre, post]: [LifecycleEvent, LifecycleEvent] =
      kind === 'install' ? ['pre-install', 'post-install'] : ['pre-upgrade', 'post-upgrade'];
    const prePlan = session.plan(pre, rendered);
    if (session.dryRun) {
      session.printPlan([prePlan, session.plan(post, rendered)]);
      return await session.helm.passthrough([cmd, ...helmArgs]);
    }
    const name = rendered.name;
    const flow = {
      session,
      opts,
      args,
      kind,
      name,
      namespace: rendered.namespace,
      source: { command: kind, release: rendered },
    };
    if (kind === 'install' && args.bool('replace') && last) rendered.version = last.version + 1;

    // pre hooks, with the new revision stored as pending-install / pending-upgrade meanwhile.
    const around = {
      session,
      name,
      namespace: flow.namespace,
      pending: pendingStatus(kind),
      source: flow.source,
      onFailure: failed(flow),
    };
    let ran: RecordJson | undefined;
    if (prePlan.hooks.length > 0) {
      if (kind === 'install' && args.bool('create-namespace')) await session.ensureNamespace(rendered.namespace);
      ran = await runPreHooks({ ...around, phase: 'pre' }, prePlan, rendered, userLabels(args));
    }

    // helm's main work, without hooks; with --generate-name or --name-template, the name of the render.
    // Validated by the render already (the same chart, values and cluster): not validated twice.
    const mainArgs = [
      ...(releaseName === undefined ? [name, ...args.without('generate-name', 'name-template')] : helmArgs),
      ...(validate && !args.bool('disable-openapi-validation') ? ['--disable-openapi-validation'] : []),
    ];
    const code = await session.helm.passthrough([cmd, ...mainArgs, '--no-hooks']);
    if (opts.signal.aborted)
      throw new InterruptedError(`helm ${cmd} was running (helm marked the release failed: context canceled)`);
    if (code !== 0) {
      if (ran) await keepHookRuns(around, rendered.version, ran).catch(() => undefined);
      throw new HelmError(`helm ${cmd} failed (exit code ${code}); ${post} hooks were not run`, {
        exitCode: code,
        helmArgs: mainArgs,
        stderr: '',
      });
    }
    await runPostHooks({ ...around, phase: 'post' }, post, rendered.version, ran, history);
    return 0;
  } finally {
    await session.close();
  }
}

/** What helm records when a deploy's hooks fail or are interrupted, then --atomic. */
function failed(flow: Flow): Around['onFailure'] {
  return async (keeper, error, phase) => {
    if (error instanceof HookFailureError) {
      keeper.setStatus('failed', hookFailedDescription(flow.kind, flow.name, phase, error.helmMessage));
      await keeper.flush();
      if (flow.kind === 'upgrade' && phase === 'post' && flow.args.bool('cleanup-on-fail')) {
        await cleanUpCreated(flow.session, flow.name, flow.namespace, keeper.version);
      }
      if (atomicRequested(flow.args)) await undoOnFailure(error, { ...flow, version: keeper.version });
    } else {
      keeper.setStatus('failed', canceledDescription(flow.kind, flow.name));
      await keeper.flush().catch(() => undefined);
    }
  };
}

interface Flow {
  session: Session;
  opts: CommandOptions;
  args: HelmArgs;
  kind: DeployKind;
  name: string;
  namespace: string;
  /** Whose hooks run: install or upgrade, from the render (helm 4 applies them per run/helm-behaviour.ts). */
  source: HookSource;
}

/** Installs the chart's CRDs (`helm show crds` output) as helm does; resolves to how many were created. */
async function installChartCrds(session: Session, text: string): Promise<number> {
  const docs = splitCrds(text);
  if (docs.length === 0) return 0;
  const created = await installCrds(await session.clusterClient(), docs, session.opts.signal);
  if (created > 0)
    session.opts.reporter.note(
      `installed ${created} CRD(s) from the chart's crds/ folders, as helm does before rendering`,
    );
  return created;
}

/** --labels k=v,k2=v2: helm keeps them on the storage object of the revision. */
function userLabels(args: HelmArgs): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const value of args.values('labels')) {
    for (const pair of value.split(',')) {
      const eq = pair.indexOf('=');
      if (eq > 0) labels[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
    }
  }
  return labels;
}
