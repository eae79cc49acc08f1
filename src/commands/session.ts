/**
 * One command's shared parts: helm, and the cluster client with its shared watches. The client's modules
 * load while helm renders (warmUp); the client itself is made only once an event has hooks to run.
 */
import { UsageError } from '../errors.js';
import { Helm, type HelmVersion } from '../helm/client.js';
import { helmSettingsFromEnv, type HelmSettings } from '../helm/env.js';
import type { HelmArgs } from '../helm/args.js';
import { CHART_CAP_ANNOTATION, type LifecycleEvent } from '../hooks/model.js';
import { hooksFromRelease, type ReleaseJson } from '../hooks/parse.js';
import { planEvent, type EventPlan } from '../hooks/plan.js';
import type { Cluster } from '../kube/cluster.js';
import type { WatchHub } from '../kube/watch-hub.js';
import { planLines } from '../output/format.js';
import type { Reporter } from '../output/reporter.js';
import { flavourOf, type RunContext } from '../run/context.js';
import { runEvent, type EventSummary } from '../run/event.js';
import { parseGoDuration } from '../util/duration.js';

export type CommandName = 'install' | 'upgrade' | 'rollback' | 'uninstall';

export interface CommandOptions {
  command: CommandName;
  /** helm's arguments, verbatim, without the plugin's own options. */
  helmArgs: string[];
  /** --hook-parallelism (already validated; <= 1 means serial). */
  parallelism: number;
  reporter: Reporter;
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;

export class Session {
  readonly settings: HelmSettings;
  readonly helm: Helm;
  readonly timeoutMs: number;
  private version: Promise<HelmVersion> | undefined;
  private kube: Promise<{ cluster: Cluster; hub: WatchHub }> | undefined;
  private modules:
    | Promise<[typeof import('../kube/config.js'), typeof import('../kube/cluster.js'), typeof import('../kube/watch-hub.js')]>
    | undefined;

  /** helm will not change the cluster (--dry-run): no hook runs, so nothing is warmed up. */
  readonly dryRun: boolean;

  constructor(readonly opts: CommandOptions, args: HelmArgs) {
    this.dryRun = args.isDryRun();
    this.settings = helmSettingsFromEnv(opts.env);
    this.helm = new Helm(this.settings);
    const timeout = args.value('timeout');
    try {
      this.timeoutMs = timeout === undefined ? DEFAULT_TIMEOUT_MS : parseGoDuration(timeout);
    } catch (error) {
      throw new UsageError(`--timeout: ${(error as Error).message}`);
    }
  }

  helmVersion(): Promise<HelmVersion> {
    return (this.version ??= this.helm.version());
  }

  /** Plans one event from a release's hooks, with the chart's cap on parallelism. */
  plan(event: LifecycleEvent, release: ReleaseJson): EventPlan {
    return planEvent(event, hooksFromRelease(release), {
      parallelism: this.opts.parallelism,
      chartCap: this.chartCap(release),
    });
  }

  private chartCap(release: ReleaseJson): number | undefined {
    const raw = release.chart?.metadata?.annotations?.[CHART_CAP_ANNOTATION];
    if (raw === undefined) return undefined;
    if (!/^\s*\d+\s*$/.test(raw)) {
      this.opts.reporter.note(`ignoring ${CHART_CAP_ANNOTATION}: "${raw}" in Chart.yaml is not a whole number`);
      return undefined;
    }
    return Number(raw);
  }

  /**
   * Starts what running hooks will need (loading the cluster client's modules, asking helm its version)
   * while helm renders in its own process: call it right after starting that helm call. Failures surface
   * later, where the result is used.
   */
  warmUp(): void {
    if (this.dryRun) return;
    this.kubeModules().catch(() => undefined);
    this.helmVersion().catch(() => undefined);
  }

  private kubeModules() {
    return (this.modules ??= Promise.all([
      import('../kube/config.js'),
      import('../kube/cluster.js'),
      import('../kube/watch-hub.js'),
    ]));
  }

  private async cluster(): Promise<{ cluster: Cluster; hub: WatchHub }> {
    this.kube ??= (async () => {
      const [{ kubeConfigFor }, { Cluster }, { WatchHub }] = await this.kubeModules();
      const cluster = new Cluster(kubeConfigFor(this.settings));
      return { cluster, hub: new WatchHub(cluster) };
    })();
    return this.kube;
  }

  /**
   * Sets a stored revision's status as helm would have left it (secret and configmap drivers; with another
   * driver it says it could not).
   */
  async setStatus(release: { name: string; namespace: string; version: number }, status: string, description?: string): Promise<void> {
    const { setReleaseStatus } = await import('../kube/release-record.js');
    const driver = this.opts.env.HELM_DRIVER;
    const result = await setReleaseStatus((await this.cluster()).cluster, driver, release, status, description);
    if (result !== 'marked') {
      this.opts.reporter.note(`could not set release ${release.name} revision ${release.version} to ${status} (${result}, HELM_DRIVER=${driver ?? 'secret'})`);
    }
  }

  /** --dry-run: the plan (events, tiers, hooks as kind/name), and that nothing ran. */
  printPlan(plans: EventPlan[]): void {
    for (const line of planLines(plans)) this.opts.reporter.note(line);
    this.opts.reporter.note('dry run: no hook was run');
  }

  async ensureNamespace(name: string): Promise<void> {
    await (await this.cluster()).cluster.ensureNamespace(name);
  }

  /** Runs an event's plan (nothing at all when it has no hooks). Throws HookFailureError on failure. */
  async runEvent(plan: EventPlan, release: ReleaseJson): Promise<EventSummary | undefined> {
    if (plan.hooks.length === 0) return undefined;
    const [{ cluster, hub }, version] = await Promise.all([this.cluster(), this.helmVersion()]);
    const flavour = flavourOf(version);
    if (release.apply_method === 'csa') flavour.applyHooks = false;
    const ctx: RunContext = {
      cluster,
      hub,
      flavour,
      timeoutMs: this.timeoutMs,
      signal: this.opts.signal,
      reporter: this.opts.reporter,
    };
    // Start the shared watches before the first create, so nothing is missed and no time is lost later.
    const watched = new Map<string, [string, 'Job' | 'Pod']>();
    for (const h of plan.hooks) if (h.kind === 'Job' || h.kind === 'Pod') watched.set(`${h.namespace}/${h.kind}`, [h.namespace, h.kind]);
    await Promise.all([...watched.values()].map(([ns, kind]) => hub.prime(ns, kind)));
    return runEvent(plan, ctx);
  }

  /** Stops shared watches; writes API statistics when HELM_PARALLEL_HOOKS_STATS names a file. */
  async close(): Promise<void> {
    const kube = this.kube ? await this.kube.catch(() => undefined) : undefined;
    kube?.hub.close();
    const statsFile = this.opts.env.HELM_PARALLEL_HOOKS_STATS;
    if (statsFile) {
      const { writeFileSync } = await import('node:fs');
      const stats = kube?.cluster.stats ?? { requests: 0, watchConnections: 0, watchesByKey: {} };
      writeFileSync(statsFile, JSON.stringify({ ...stats, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
    }
  }
}
