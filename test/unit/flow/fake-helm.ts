/**
 * A fake helm for the command-flow tests, as helm-diff's tests fake helm: HELM_BIN is a two-line sh script
 * that sends its argv to this process (curl) and runs the answer, so each "helm" call costs a curl, not a
 * Go binary or a cluster. The answer is keyed on argv and does what helm does to the release record for
 * the few commands the plugin sends: `version`, the render (`--dry-run=server -o json`), `show crds`, and
 * install / upgrade / rollback / uninstall with `--no-hooks` (records written into the FakeCluster in
 * helm's storage format). Anything else, or a lifecycle command that would run hooks (no `--no-hooks` where
 * the release has hooks for it), answers exit 99: the plugin must never hand helm a hook to run.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { HelmArgs, type HelmCommand } from '../../../src/helm/args.js';
import type { RecordHookJson, RecordJson } from '../../../src/hooks/release-json.js';
import { encode } from '../../../src/kube/release-store.js';
import type { FakeCluster } from './fake-cluster.js';

/** One hook of a fake chart. */
export interface HookDef {
  name: string;
  kind: string;
  /** Default: batch/v1 for a Job, else v1. */
  apiVersion?: string;
  events: string[];
  outputLogPolicies?: string[];
  /** Rendered differently on every helm call (as randAlphaNum in a template). */
  random?: boolean;
  weight?: number;
  deletePolicies?: string[];
  /** Extra annotations on the manifest (the plugin's own: serial, timeout). */
  annotations?: Record<string, string>;
}

/** A fake chart: a folder with a template naming every hook (the plugin reads the text), and its hooks. */
export interface ChartDef {
  name: string;
  hooks: HookDef[];
  annotations?: Record<string, string>;
  /** ConfigMaps of the release's manifest besides <release>-main (helm's main command creates them). */
  resources?: string[];
}

export interface Call {
  argv: string[];
  exitCode: number;
}

export class FakeHelm {
  private server!: Server;
  readonly calls: Call[] = [];
  private readonly charts = new Map<string, ChartDef>();
  /** Exit code of the next main command (install/upgrade/rollback/uninstall with --no-hooks); 0: succeed. */
  failMain = 0;
  /** Called once, right after the next render was answered (another client acting between two steps). */
  afterRender: ((release: RecordJson) => void) | undefined;
  bin = '';

  constructor(
    private readonly cluster: FakeCluster,
    readonly version: string,
    private readonly dir: string,
  ) {}

  get major(): number {
    return Number(this.version.slice(1).split('.')[0]);
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const argv = Buffer.concat(chunks).toString('utf8').split('\0').slice(0, -1);
        let answer: Answer;
        try {
          answer = this.answer(argv);
        } catch (error) {
          answer = { code: 99, stderr: `fake helm: ${error instanceof Error ? error.stack : String(error)}` };
        }
        this.calls.push({ argv, exitCode: answer.code });
        res.end(script(answer));
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const port = (this.server.address() as AddressInfo).port;
    mkdirSync(this.dir, { recursive: true });
    this.bin = join(this.dir, 'helm');
    writeFileSync(
      this.bin,
      `#!/bin/sh\nanswer="$(printf '%s\\0' "$@" | curl -sS --data-binary @- http://127.0.0.1:${port}/)" || exit 98\neval "$answer"\n`,
    );
    chmodSync(this.bin, 0o755);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Writes a chart folder whose template names every hook (as literal annotations) and registers it. */
  chart(def: ChartDef): string {
    const dir = join(this.dir, `chart-${this.charts.size}-${def.name}`);
    mkdirSync(join(dir, 'templates'), { recursive: true });
    writeFileSync(join(dir, 'Chart.yaml'), `apiVersion: v2\nname: ${def.name}\nversion: 0.1.0\n`);
    writeFileSync(join(dir, 'templates', 'hooks.yaml'), def.hooks.map((h) => hookManifest(h, false)).join('---\n'));
    this.charts.set(dir, def);
    return dir;
  }

  /** The main commands helm was asked to run (with --no-hooks or passed through), argv as given. */
  mainCalls(): string[][] {
    return this.calls
      .map((c) => c.argv)
      .filter((a) => ['install', 'upgrade', 'rollback', 'uninstall'].includes(a[0] as string) && !isRender(a));
  }

  // ------------------------------------------------------------------ argv → what helm does

  private answer(argv: string[]): Answer {
    const [word, ...rest] = argv;
    if (word === 'version') return { code: 0, stdout: this.version };
    if (word === 'show' && rest[0] === 'crds') return { code: 0, stdout: '' };
    if (word !== 'install' && word !== 'upgrade' && word !== 'rollback' && word !== 'uninstall')
      return { code: 99, stderr: `fake helm: unexpected command: ${argv.join(' ')}` };
    const args = new HelmArgs(rest, word as HelmCommand);
    const namespace = args.value('namespace') ?? 'default';
    if (word === 'rollback') return this.rollback(args, namespace);
    if (word === 'uninstall') return this.uninstall(args, namespace);
    const generated = word === 'install' && args.bool('generate-name');
    const positionals = args.positionals();
    const chartDir = (generated ? positionals[0] : positionals[1]) as string;
    const name = generated
      ? `${this.charts.get(chartDir)?.name}-${this.calls.length + 1000}`
      : (positionals[0] as string);
    const chart = this.charts.get(chartDir);
    if (!chart) return { code: 99, stderr: `fake helm: unknown chart ${chartDir}` };
    const latest = this.cluster.records(name, namespace).at(-1);
    const live = latest && latest.info.status !== 'uninstalled' ? latest : undefined;
    if (word === 'install' && live)
      return { code: 1, stderr: 'Error: INSTALLATION FAILED: cannot re-use a name that is still in use' };
    if (latest?.info.status.startsWith('pending-'))
      return { code: 1, stderr: 'Error: another operation (install/upgrade/rollback) is in progress' };
    const installing = !live;
    const release = this.render(chart, chartDir, name, namespace, (latest?.version ?? 0) + 1, installing);
    if (this.major >= 4) release.apply_method = applyMethod(args, word, installing ? 'install' : 'upgrade', live);
    if (isRender(argv)) {
      // The plugin's render asks for JSON; a user's own --dry-run gets helm's text (the release, no hooks run).
      if (args.value('output') !== 'json')
        return { code: 0, stdout: `NAME: ${name}\nNAMESPACE: ${namespace}\nSTATUS: ${release.info.status}\n` };
      const out = JSON.stringify(release);
      this.afterRender?.(structuredClone(release));
      this.afterRender = undefined;
      return { code: 0, stdout: out };
    }
    this.refuseHooks(args, release, installing ? ['pre-install', 'post-install'] : ['pre-upgrade', 'post-upgrade']);
    const failed = this.failMain;
    this.failMain = 0;
    if (live && !failed) this.storeRecord({ ...live, info: { ...live.info, status: 'superseded' } });
    release.info.status = failed ? 'failed' : 'deployed';
    release.info.description = failed
      ? `${installing ? 'Release' : 'Upgrade'} "${name}" failed: fake failure`
      : installing
        ? 'Install complete'
        : 'Upgrade complete';
    this.storeRecord(release);
    for (const cm of [`${name}-main`, ...(chart.resources ?? [])])
      this.cluster.put(
        'v1',
        'configmaps',
        { metadata: { name: cm, namespace }, data: { revision: String(release.version) } },
        'helm',
      );
    return failed ? { code: failed, stderr: 'Error: fake failure' } : { code: 0, stdout: `Release "${name}" ok\n` };
  }

  private rollback(args: HelmArgs, namespace: string): Answer {
    const [name, revision] = args.positionals() as [string, string | undefined];
    const records = this.cluster.records(name, namespace);
    const latest = records.at(-1);
    if (!latest) return { code: 1, stderr: `Error: release: not found` };
    const to = revision && Number(revision) > 0 ? Number(revision) : latest.version - 1;
    const target = records.find((r) => r.version === to);
    if (!target) return { code: 1, stderr: `Error: release has no ${to} version` };
    this.refuseHooks(args, target, ['pre-rollback', 'post-rollback']);
    const failed = this.failMain;
    this.failMain = 0;
    for (const r of records)
      if (r.info.status === 'deployed') this.storeRecord({ ...r, info: { ...r.info, status: 'superseded' } });
    const release: RecordJson = structuredClone(target);
    release.version = latest.version + 1;
    if (this.major >= 4) release.apply_method = applyMethod(args, 'rollback', 'rollback', target);
    release.info = { ...release.info, status: failed ? 'failed' : 'deployed', description: `Rollback to ${to}` };
    for (const h of release.hooks ?? []) h.last_run = emptyRun(this.major);
    this.storeRecord(release);
    return failed ? { code: failed, stderr: 'Error: fake failure' } : { code: 0, stdout: 'Rollback was a success!\n' };
  }

  private uninstall(args: HelmArgs, namespace: string): Answer {
    const [name] = args.positionals() as [string];
    const records = this.cluster.records(name, namespace);
    const latest = records.at(-1);
    if (!latest) return { code: 1, stderr: `Error: uninstall: Release not loaded: ${name}: release: not found` };
    const purge = () => {
      for (const r of records)
        this.cluster.remove('v1', 'secrets', namespace, `sh.helm.release.v1.${name}.v${r.version}`, 'helm');
    };
    if (latest.info.status === 'uninstalled') {
      // helm (pkg/action/uninstall.go at v4.3.1, the same in v3): no hooks for a release already uninstalled;
      // its kept history is purged, or with --keep-history refused.
      if (args.bool('keep-history'))
        return { code: 1, stderr: `Error: the release named "${name}" is already deleted` };
      purge();
      return { code: 0, stdout: `release "${name}" uninstalled\n` };
    }
    this.refuseHooks(args, latest, ['pre-delete', 'post-delete']);
    if (args.bool('keep-history'))
      this.storeRecord({
        ...latest,
        info: { ...latest.info, status: 'uninstalled', description: 'Uninstallation complete' },
      });
    else purge();
    this.cluster.remove('v1', 'configmaps', namespace, `${name}-main`, 'helm');
    return { code: 0, stdout: `release "${name}" uninstalled\n` };
  }

  /** helm would run these hooks itself: the plugin must have said --no-hooks. */
  private refuseHooks(args: HelmArgs, release: RecordJson, events: string[]): void {
    if (args.bool('no-hooks')) return;
    const hooks = (release.hooks ?? []).filter((h) => h.events?.some((e) => events.includes(e)));
    if (hooks.length > 0)
      throw new Error(`asked to run ${events.join('/')} hooks itself (${hooks.map((h) => h.name).join(', ')})`);
  }

  private render(
    chart: ChartDef,
    dir: string,
    name: string,
    namespace: string,
    version: number,
    installing: boolean,
  ): RecordJson {
    const now = new Date().toISOString();
    return {
      name,
      namespace,
      version,
      info: {
        first_deployed: now,
        last_deployed: now,
        deleted: '',
        description: 'Dry run complete',
        status: installing ? 'pending-install' : 'pending-upgrade',
      },
      chart: {
        metadata: {
          name: chart.name,
          version: '0.1.0',
          ...(chart.annotations ? { annotations: chart.annotations } : {}),
        },
      },
      config: {},
      manifest: [`${name}-main`, ...(chart.resources ?? [])]
        .map(
          (cm) =>
            `---\n# Source: ${chart.name}/templates/main.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${cm}\n`,
        )
        .join(''),
      hooks: chart.hooks.map((h) => this.hookJson(h, dir)),
    };
  }

  private hookJson(h: HookDef, dir: string): RecordHookJson {
    return {
      name: h.name,
      kind: h.kind,
      path: `${dir.split('/').pop()}/templates/hooks.yaml`,
      manifest: hookManifest(h, true),
      events: h.events,
      last_run: emptyRun(this.major),
      ...(h.weight ? { weight: h.weight } : {}),
      ...(h.deletePolicies ? { delete_policies: h.deletePolicies } : {}),
      ...(h.outputLogPolicies ? { output_log_policies: h.outputLogPolicies } : {}),
    };
  }

  /** Stores a revision as helm's secret driver does. */
  storeRecord(release: RecordJson): void {
    this.cluster.put(
      'v1',
      'secrets',
      {
        metadata: {
          name: `sh.helm.release.v1.${release.name}.v${release.version}`,
          namespace: release.namespace,
          labels: { name: release.name, owner: 'helm', status: release.info.status, version: String(release.version) },
        },
        type: 'helm.sh/release.v1',
        data: { release: Buffer.from(encode(release), 'utf8').toString('base64') },
      },
      'helm',
    );
  }
}

interface Answer {
  code: number;
  stdout?: string;
  stderr?: string;
}

/**
 * The apply method helm 4 records (pkg/action install.go, upgrade.go, rollback.go at v4.3.1): install's
 * --server-side is a flag, on by default (`upgrade --install` of a new release: on unless "false"); upgrade's
 * and rollback's is true / false / auto (the default), auto meaning server-side only if the previous release
 * (upgrade) or the target revision (rollback) was applied so.
 */
function applyMethod(
  args: HelmArgs,
  command: string,
  action: 'install' | 'upgrade' | 'rollback',
  before?: RecordJson,
): 'ssa' | 'csa' {
  const flag = args.value('server-side');
  if (action === 'install') {
    if (command === 'install') return !args.has('server-side') || args.bool('server-side') ? 'ssa' : 'csa';
    return flag?.toLowerCase() === 'false' ? 'csa' : 'ssa';
  }
  const v = (flag ?? 'auto').toLowerCase();
  if (v === 'true') return 'ssa';
  if (v === 'false') return 'csa';
  return before?.apply_method === 'ssa' ? 'ssa' : 'csa';
}

function isRender(argv: readonly string[]): boolean {
  return argv.some((a) => a.startsWith('--dry-run'));
}

/** helm 3 writes a hook's zero times as "", helm 4 leaves them out. */
function emptyRun(major: number): RecordHookJson['last_run'] {
  return major >= 4 ? { phase: '' } : { started_at: '', completed_at: '', phase: '' };
}

/** A hook's manifest; `rendered` false: the chart's template text (where a random value is not yet drawn). */
function hookManifest(h: HookDef, rendered: boolean): string {
  const annotations = {
    'helm.sh/hook': h.events.join(','),
    ...(h.weight ? { 'helm.sh/hook-weight': String(h.weight) } : {}),
    ...(h.deletePolicies ? { 'helm.sh/hook-delete-policy': h.deletePolicies.join(',') } : {}),
    ...h.annotations,
    ...(h.random && rendered ? { 'fake/random': Math.random().toString(36).slice(2) } : {}),
  };
  const meta = [
    `  name: ${h.name}`,
    '  annotations:',
    ...Object.entries(annotations).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`),
  ];
  const apiVersion = h.apiVersion ?? (h.kind === 'Job' ? 'batch/v1' : 'v1');
  const spec =
    h.kind === 'Job'
      ? [
          'spec:',
          '  template:',
          '    spec:',
          '      restartPolicy: Never',
          '      containers:',
          '        - name: main',
          '          image: busybox',
        ]
      : h.kind === 'Pod'
        ? ['spec:', '  restartPolicy: Never', '  containers:', '    - name: main', '      image: busybox']
        : ['data:', '  k: v'];
  return `apiVersion: ${apiVersion}\nkind: ${h.kind}\nmetadata:\n${meta.join('\n')}\n${spec.join('\n')}\n`;
}

/** The answer as sh: stdout and stderr printed verbatim (single-quoted), then the exit code. */
function script(a: Answer): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return [
    a.stdout ? `printf '%s' ${q(a.stdout)}` : '',
    a.stderr ? `printf '%s\\n' ${q(a.stderr)} >&2` : '',
    `exit ${a.code}`,
  ]
    .filter(Boolean)
    .join('\n');
}
