/**
 * One command-flow test's world: a FakeCluster (the API server), a FakeHelm (HELM_BIN), a kubeconfig naming
 * the fake server, and the plugin's commands (commands/deploy.ts, rollback.ts, uninstall.ts) run in this
 * process against them, as cli.ts runs them. No cluster, no Go binary: a command takes milliseconds.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'uvu';
import { runDeploy } from '../../../src/commands/deploy.js';
import { runRollback } from '../../../src/commands/rollback.js';
import type { CommandOptions } from '../../../src/commands/session.js';
import { runUninstall } from '../../../src/commands/uninstall.js';
import { ExitCode, exitCodeFor } from '../../../src/errors.js';
import type { HelmCommand } from '../../../src/helm/args.js';
import type { Hook } from '../../../src/hooks/model.js';
import type { HookResult } from '../../../src/hooks/results.js';
import { SilentReporter } from '../../../src/output/reporter.js';
import { FakeCluster, type Write } from './fake-cluster.js';
import { FakeHelm, type HookDef } from './fake-helm.js';

export const NS = 'app';

/** A reporter that keeps the notes and the order hooks started in. */
class Notes extends SilentReporter {
  readonly notes: string[] = [];
  readonly started: string[] = [];
  readonly finished: HookResult[] = [];
  onLogBlock: (title: string, lines: readonly string[]) => void = () => undefined;
  override logBlock(title: string, lines: readonly string[]): void {
    this.onLogBlock(title, lines);
  }
  override note(line: string): void {
    this.notes.push(line);
  }
  override hookStarted(hook: Hook): void {
    this.started.push(hook.name);
  }
  override hookFinished(result: HookResult): void {
    this.finished.push(result);
  }
}

export interface Outcome {
  code: number;
  error?: unknown;
  reporter: Notes;
}

export class World {
  readonly dir = mkdtempSync(join(tmpdir(), 'hph-flow-'));
  readonly cluster = new FakeCluster();
  readonly helm: FakeHelm;
  private kubeconfig = '';

  constructor(readonly helmVersion: string) {
    this.helm = new FakeHelm(this.cluster, helmVersion, join(this.dir, 'helm'));
  }

  get major(): number {
    return this.helm.major;
  }

  async start(): Promise<this> {
    await Promise.all([this.cluster.start(), this.helm.start()]);
    this.kubeconfig = join(this.dir, 'kubeconfig');
    writeFileSync(
      this.kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        'current-context': 'fake',
        clusters: [{ name: 'fake', cluster: { server: this.cluster.url } }],
        users: [{ name: 'fake', user: { token: 'fake-token' } }],
        contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake', namespace: NS } }],
      }),
    );
    return this;
  }

  async stop(): Promise<void> {
    await Promise.all([this.cluster.stop(), this.helm.stop()]);
    rmSync(this.dir, { recursive: true, force: true });
  }

  /**
   * Runs one command as the CLI would (`helm parallel-hooks <command> <args>`), resolving to its exit code
   * (errors mapped as cli.ts maps them). `signal` interrupts it, as SIGINT does.
   */
  async run(
    command: HelmCommand,
    helmArgs: string[],
    opts: {
      parallelism?: number;
      signal?: AbortSignal;
      env?: Record<string, string>;
      onLogBlock?: (title: string, lines: readonly string[]) => void;
    } = {},
  ): Promise<Outcome> {
    const reporter = new Notes();
    if (opts.onLogBlock) reporter.onLogBlock = opts.onLogBlock;
    const signal = opts.signal ?? new AbortController().signal;
    const options: CommandOptions = {
      command,
      helmArgs,
      parallelism: opts.parallelism ?? 4,
      reporter,
      signal,
      env: {
        HELM_BIN: this.helm.bin,
        KUBECONFIG: this.kubeconfig,
        HOME: this.dir,
        PATH: process.env.PATH,
        ...opts.env,
      },
    };
    try {
      const code =
        command === 'install' || command === 'upgrade'
          ? await runDeploy({ ...options, command })
          : command === 'rollback'
            ? await runRollback(options)
            : await runUninstall(options);
      return { code, reporter };
    } catch (error) {
      return { code: signal.aborted ? ExitCode.interrupted : exitCodeFor(error), error, reporter };
    }
  }

  /** Statuses of every stored revision, oldest first: "1:superseded 2:deployed". */
  statuses(name: string): string {
    return this.cluster
      .history(name, NS)
      .map((r) => `${r.version}:${r.status}`)
      .join(' ');
  }

  /** The stored revision's hooks: name → last run phase ("" when never run). */
  phases(name: string, version: number): Record<string, string> {
    const record = this.cluster.records(name, NS).find((r) => r.version === version);
    return Object.fromEntries((record?.hooks ?? []).map((h) => [h.name, h.last_run?.phase ?? '']));
  }

  /**
   * The release record writes of one release, in order, as "v<revision>:<status>" (deletes: "v<revision>:-"),
   * each marked with who wrote it: the plugin (p) or helm (h).
   */
  recordTrail(name: string): string[] {
    const prefix = `sh.helm.release.v1.${name}.v`;
    const trail: string[] = [];
    for (const w of this.cluster.writes.filter((x: Write) => x.resource === 'secrets' && x.name.startsWith(prefix))) {
      const entry = `${w.by === 'helm' ? 'h' : 'p'} v${w.name.slice(prefix.length)}:${w.verb === 'delete' ? '-' : w.record?.status}`;
      if (trail[trail.length - 1] !== entry) trail.push(entry);
    }
    return trail;
  }

  /** Installs a chart with plain success expected, then forgets the calls and writes it made. */
  async installed(name: string, chart: string, extra: string[] = []): Promise<void> {
    const r = await this.run('install', [name, chart, '-n', NS, ...extra]);
    if (r.code !== 0) throw new Error(`install failed (${r.code}): ${String(r.error)}`);
    this.forget();
  }

  /** Forgets the helm calls and API writes so far (what a test then asserts is its own command's). */
  forget(): void {
    this.helm.calls.length = 0;
    this.cluster.writes.length = 0;
  }

  /** Objects of a kind in the namespace, by name (what a hook left behind). */
  names(resource: 'jobs' | 'configmaps' | 'pods'): string[] {
    return this.cluster
      .list(resource === 'jobs' ? 'batch/v1' : 'v1', resource, NS)
      .map((o) => o.metadata.name)
      .sort();
  }
}

/** The helm releases the suites pin (docs/HELM-SEMANTICS.md names where they differ). */
export const VERSIONS = ['v3.18.0', 'v3.22.0', 'v4.1.4', 'v4.3.1'] as const;

/** A Job hook of a fake chart. */
export function job(name: string, events: string[], extra: Partial<HookDef> = {}): HookDef {
  return { name, kind: 'Job', events, ...extra };
}

/** A ConfigMap hook of a fake chart. */
export function configMap(name: string, events: string[], extra: Partial<HookDef> = {}): HookDef {
  return { name, kind: 'ConfigMap', events, ...extra };
}

/**
 * Registers one uvu test per helm version (or those `only` keeps), each in a fresh world stopped afterwards.
 */
export function eachHelm(
  suite: Test,
  name: string,
  fn: (w: World) => Promise<void>,
  only: (version: string) => boolean = () => true,
): void {
  for (const version of VERSIONS.filter(only)) {
    suite(`${version}: ${name}`, async () => {
      const w = await new World(version).start();
      try {
        await fn(w);
      } finally {
        await w.stop();
      }
    });
  }
}
