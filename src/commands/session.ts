/**
 * One command's shared parts: helm, the cluster client with its shared watches, and helm's release records.
 * The client's modules load while helm works (warmUp); the client itself is made once it is needed.
 */
import { writeFileSync } from 'node:fs';
import { InterruptedError, UsageError } from '../errors.js';
import type { HelmArgs, HelmCommand } from '../helm/args.js';
import { Helm, type HelmVersion } from '../helm/client.js';
import { type HelmSettings, helmSettingsFromEnv } from '../helm/env.js';
import { chartCapAnnotation } from '../hooks/annotations.js';
import { CHART_CAP_ANNOTATION, type LifecycleEvent } from '../hooks/model.js';
import { hooksFromRelease } from '../hooks/parse.js';
import { type EventPlan, planEvent } from '../hooks/plan.js';
import type { ReleaseJson } from '../hooks/release-json.js';
import type { EventSummary } from '../hooks/results.js';
import type { Cluster } from '../kube/cluster.js';
import type { Driver, ReleaseRecord, ReleaseStore } from '../kube/release-store.js';
import { restConfigFromEnv } from '../kube/rest-config.js';
import { newStats } from '../kube/stats.js';
import type { WatchHub } from '../kube/watch-hub.js';
import { planLines } from '../output/format.js';
import type { Reporter } from '../output/reporter.js';
import type { RunContext } from '../run/context.js';
import { runEvent } from '../run/event.js';
import { flavourFor, type HookSource } from '../run/helm-behaviour.js';
import { parseGoDuration } from '../util/duration.js';
import { RecordKeeper } from './record-keeper.js';

export interface CommandOptions {
  command: HelmCommand;
  /** helm's arguments, verbatim, without the plugin's own options. */
  helmArgs: string[];
  /** --hook-parallelism (already validated; <= 1 means serial). */
  parallelism: number;
  reporter: Reporter;
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
  /** Reads the user's standard input once (for `-f -` and `--set-file k=/dev/stdin`). */
  readStdin?: () => Promise<Buffer>;
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;

interface Kube {
  cluster: Cluster;
  hub: WatchHub;
  store: ReleaseStore;
}

export class Session {
  readonly settings: HelmSettings;
  readonly helm: Helm;
  readonly timeoutMs: number;
  private readonly driver: Driver | { unsupported: string };
  private version: Promise<HelmVersion> | undefined;
  private kube: Promise<Kube> | undefined;
  private modules:
    | Promise<
        [
          typeof import('../kube/config.js'),
          typeof import('../kube/cluster.js'),
          typeof import('../kube/watch-hub.js'),
          typeof import('../kube/release-store.js'),
        ]
      >
    | undefined;

  /** How the plugin will authenticate (undefined under --dry-run). */
  private authType: string | undefined;

  /** helm will not change the cluster (--dry-run): no hook runs, so nothing is warmed up. */
  readonly dryRun: boolean;

  constructor(
    readonly opts: CommandOptions,
    readonly args: HelmArgs,
    helm?: Helm,
  ) {
    this.dryRun = args.isDryRun();
    this.settings = helm?.settings ?? helmSettingsFromEnv(opts.env);
    this.helm = helm ?? new Helm(this.settings, opts.signal);
    const timeout = args.value('timeout');
    try {
      this.timeoutMs = timeout === undefined ? DEFAULT_TIMEOUT_MS : parseGoDuration(timeout);
    } catch (error) {
      throw new UsageError(`--timeout: ${(error as Error).message}`);
    }
    this.driver = driverOf(opts.env.HELM_DRIVER);
    // What helm would refuse about the kubeconfig and its settings is refused before anything runs (a chart
    // with only post hooks would otherwise be installed first); nothing is sent, no credential plugin runs.
    if (!this.dryRun) this.authType = restConfigFromEnv(this.settings, opts.env).auth.type;
  }

  /** The release namespace, as helm resolves it (HelmArgs.releaseNamespace). */
  releaseNamespace(): string {
    return this.args.releaseNamespace(this.opts.env);
  }

  helmVersion(): Promise<HelmVersion> {
    this.version ??= this.helm.version();
    return this.version;
  }

  /** Plans one event from a release's hooks, with the chart's cap on parallelism. */
  plan(event: LifecycleEvent, release: ReleaseJson): EventPlan {
    return planEvent(event, hooksFromRelease(release), {
      parallelism: this.opts.parallelism,
      chartCap: this.chartCap(release),
    });
  }

  private chartCap(release: ReleaseJson): number | undefined {
    const chart = release.chart?.metadata;
    return chartCapAnnotation(chart?.annotations?.[CHART_CAP_ANNOTATION], chart?.name ?? 'the chart');
  }

  /**
   * Starts what running hooks will need (loading the cluster client's modules, asking helm its version)
   * while helm works in its own process. Failures surface later, where the result is used.
   */
  warmUp(): void {
    if (this.dryRun) return;
    this.kubeModules().catch(() => undefined);
    this.helmVersion().catch(() => undefined);
    // An exec credential plugin (0.3-1 s for a cloud token) runs beside helm's render instead of after it;
    // nothing is sent before the render, and a failure surfaces at the first request (docs/CREDENTIALS.md).
    if (this.authType === 'exec')
      this.cluster().then(
        (k) => k.cluster.prefetchCredentials(),
        () => undefined,
      );
  }

  private kubeModules() {
    this.modules ??= Promise.all([
      import('../kube/config.js'),
      import('../kube/cluster.js'),
      import('../kube/watch-hub.js'),
      import('../kube/release-store.js'),
    ]);
    return this.modules;
  }

  private async cluster(): Promise<Kube> {
    const driver = this.driver;
    // Every flow reads the release's history before it changes anything: an unsupported driver stops it there.
    if (typeof driver !== 'string') {
      throw new UsageError(
        `HELM_DRIVER=${driver.unsupported} is not supported: the plugin keeps helm's release record (pending states, hook runs, failures) in helm's secret or configmap storage; nothing was run`,
        "Use HELM_DRIVER=secret (helm's default) or configmap, or plain helm (or --no-hooks) for this release.",
      );
    }
    this.kube ??= (async () => {
      const [{ connectionFor }, { Cluster }, { WatchHub }, { ReleaseStore }] = await this.kubeModules();
      const connection = connectionFor(this.settings, this.opts.env, { stdinIsTerminal: Boolean(process.stdin.isTTY) });
      const cluster = new Cluster(connection, { qps: this.settings.qps, burst: this.settings.burst });
      return { cluster, hub: new WatchHub(cluster), store: new ReleaseStore(cluster, driver) };
    })();
    return this.kube;
  }

  async store(): Promise<ReleaseStore> {
    return (await this.cluster()).store;
  }

  async clusterClient(): Promise<Cluster> {
    return (await this.cluster()).cluster;
  }

  /** A keeper for a stored (or about to be stored) release record. */
  async keeper(record: ReleaseRecord): Promise<RecordKeeper> {
    return new RecordKeeper(await this.store(), record);
  }

  /** --dry-run: the plan (events, tiers, hooks as kind/name), and that nothing ran. */
  printPlan(plans: EventPlan[]): void {
    for (const line of planLines(plans)) this.opts.reporter.note(line);
    this.opts.reporter.note('dry run: no hook was run');
  }

  async ensureNamespace(name: string): Promise<void> {
    await (await this.cluster()).cluster.ensureNamespace(name);
  }

  /**
   * Runs an event's plan (nothing at all when it has no hooks), recording each hook's last run in the
   * keeper's record. `source` (the command and the release the hooks come from) picks how this helm release
   * runs them (run/helm-behaviour.ts).
   * Throws HookFailureError on failure, InterruptedError on a signal.
   */
  async runEvent(
    plan: EventPlan,
    keeper: RecordKeeper | undefined,
    source: HookSource,
  ): Promise<EventSummary | undefined> {
    if (plan.hooks.length === 0) return undefined;
    if (this.opts.signal.aborted) throw new InterruptedError(`starting ${plan.event} hooks`);
    const [{ cluster, hub }, version] = await Promise.all([this.cluster(), this.helmVersion()]);
    const flavour = flavourFor(version, this.args, source);
    this.opts.reporter.runContext({
      helmVersion: version.raw,
      ...(keeper ? { release: keeper.name } : {}),
      namespace: this.releaseNamespace(),
      timeoutMs: this.timeoutMs,
    });
    const ctx: RunContext = {
      cluster,
      hub,
      flavour,
      timeoutMs: this.timeoutMs,
      signal: this.opts.signal,
      reporter: this.opts.reporter,
      collectPods: this.opts.reporter.wantsPods,
      ...(keeper
        ? { onHookStarted: (h, at) => keeper.hookStarted(h, at), onHookFinished: (r) => keeper.hookFinished(r) }
        : {}),
    };
    // Start the shared watches before the first create, so nothing is missed and no time is lost later.
    const watched = new Map<string, [string, 'Job' | 'Pod']>();
    for (const h of plan.hooks)
      if (h.kind === 'Job' || h.kind === 'Pod') watched.set(`${h.namespace}/${h.kind}`, [h.namespace, h.kind]);
    await Promise.all([...watched.values()].map(([ns, kind]) => hub.prime(ns, kind)));
    return runEvent(plan, ctx);
  }

  /** Stops shared watches; writes API statistics when HELM_PARALLEL_HOOKS_STATS names a file. */
  async close(): Promise<void> {
    const kube = this.kube ? await this.kube.catch(() => undefined) : undefined;
    kube?.hub.close();
    kube?.cluster.close();
    const statsFile = this.opts.env.HELM_PARALLEL_HOOKS_STATS;
    if (statsFile) {
      const stats = kube?.cluster.stats ?? newStats();
      const execRuns = kube?.cluster.execRuns ?? 0;
      writeFileSync(statsFile, JSON.stringify({ ...stats, execRuns, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
    }
  }
}

/** The storage driver from HELM_DRIVER (kept here, without the client library, so it is checked up front). */
function driverOf(value: string | undefined): Driver | { unsupported: string } {
  const v = (value ?? '').trim().toLowerCase();
  if (v === '' || v === 'secret' || v === 'secrets') return 'secret';
  if (v === 'configmap' || v === 'configmaps') return 'configmap';
  return { unsupported: value ?? '' };
}
