/**
 * The conformance cases, as data: a chart (test/conformance/charts, or the values-driven e2e chart), the
 * commands in order, and what may differ. Each case runs three times per helm release, in its own
 * namespace each: plain helm, the plugin at --hook-parallelism 1 and at 8; run.ts compares them.
 *
 * In step arguments: REL is the release name, NS the run's namespace, OTHER a second namespace of the run,
 * CHART the case's chart (a copy, with __RUN__ replaced by the run's token), E2ECHART the e2e test chart.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CHART as E2E_CHART, kube, kubeconfig } from '../e2e/harness.js';
import type { Kinds } from './snapshot.js';

export interface RunContext {
  /** Placeholders a case's setup defines for its step arguments and environment (e.g. KCFG). */
  vars: Record<string, string>;
  ns: string;
  other: string;
  token: string;
  release: string;
  /** Registers something to undo when the run ends (a server the case started). */
  onCleanup(fn: () => void): void;
  /** Runs helm (plain) with the run's home and environment; for setting things up and checking. */
  helm(args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }>;
}

export interface Step {
  args: string[];
  /**
   * Flags the plugin run puts before the command word (`helm parallel-hooks --timeout 60s upgrade ...`);
   * plain helm gets them after it, where helm takes them.
   */
  flagsFirst?: string[];
  stdin?: string;
  env?: Record<string, string>;
  /** Runs beside the command (e.g. deletes a hook while it is waited for). */
  during?: (ctx: RunContext) => Promise<void>;
}

export interface Case {
  name: string;
  /** A folder of test/conformance/charts, or "e2e" for the values-driven chart of the e2e suite. */
  chart: string;
  steps: Step[];
  setup?: (ctx: RunContext) => Promise<void>;
  /** Only for these helm versions (e.g. a helm 4 flag). */
  versions?: (version: string) => boolean;
  kinds?: Partial<Kinds>;
  maskHooks?: RegExp[];
  /** At N=8, snapshot paths allowed to differ from plain helm (the documented siblings of a failed hook). */
  n8Differs?: RegExp[];
  /** Properties every run must have, whatever plain helm did (messages; empty = fine). */
  check?: (ctx: RunContext) => Promise<string[]>;
  /** Compare the N=1 creation order of hooks (default true). */
  order?: boolean;
  /** The release lives in OTHER, not NS. */
  releaseInOther?: boolean;
  /** helm names the release (--generate-name): the snapshot finds it with `helm list`. */
  generatedName?: boolean;
}

const job = (name: string, extra: Record<string, unknown> = {}) => ({ name, kind: 'Job', runFor: '200ms', ...extra });
const values = (hooks: unknown[]) => ['--set-json', `hooks=${JSON.stringify(hooks)}`];

async function createConfigMap(ns: string, name: string, data: Record<string, string>): Promise<void> {
  await kube().core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name }, data } });
}

async function deleteJobWhenRunning(ctx: RunContext, name: string): Promise<void> {
  const { batch } = kube();
  for (let i = 0; i < 200; i++) {
    try {
      const j = await batch.readNamespacedJob({ name, namespace: ctx.ns });
      if (j.status?.active) {
        // Both tools must be waiting on the Job when it goes: helm 4 reports a Job deleted before its watch
        // listed it as "status: Unknown" and one deleted while watched as "status: NotFound" (seen in CI on
        // 4.3.1, where the pod ran within the window before helm's watch started).
        await new Promise((r) => setTimeout(r, 2000));
        await batch.deleteNamespacedJob({ name, namespace: ctx.ns, propagationPolicy: 'Background' });
        return;
      }
    } catch {
      // not created yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

type Rule = { apiGroups: string[]; resources: string[]; verbs: string[] };

/** A ServiceAccount in a namespace bound to a Role of exactly these rules (both named `name`). */
async function serviceAccountWithRole(namespace: string, name: string, rules: Rule[]): Promise<void> {
  const { core, kc } = kube();
  const rb = kc.makeApiClient((await import('@kubernetes/client-node')).RbacAuthorizationV1Api);
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } });
  await rb.createNamespacedRole({ namespace, body: { metadata: { name }, rules } });
  await rb.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    },
  });
}

/** A ServiceAccount "limited" in the run's namespace with exactly these rules (used through --kube-as-user). */
function limitedIdentity(rules: Rule[]) {
  return (ctx: RunContext): Promise<void> => serviceAccountWithRole(ctx.ns, 'limited', rules);
}

/**
 * A kubeconfig of its own for an identity that may do everything helm needs in the namespace but create or
 * delete Jobs, first in KUBECONFIG: helm uses it (client-go: the first file's current-context wins), so the
 * plugin must too. Also in the list: a missing file and the same file twice.
 */
async function restrictedKubeconfig(ctx: RunContext): Promise<void> {
  await serviceAccountWithRole(ctx.ns, 'restricted', [
    { apiGroups: [''], resources: ['configmaps', 'secrets', 'serviceaccounts', 'pods', 'pods/log'], verbs: ['*'] },
    { apiGroups: ['batch'], resources: ['jobs'], verbs: ['get', 'list', 'watch'] },
  ]);
  const { core } = kube();
  const token = await core.createNamespacedServiceAccountToken({
    name: 'restricted',
    namespace: ctx.ns,
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  });
  const admin = parse(readFileSync(kubeconfig(), 'utf8')) as { clusters: Array<{ cluster: unknown }> };
  const dir = mkdtempSync(join(tmpdir(), 'hph-kcfg-'));
  const restricted = join(dir, 'restricted.yaml');
  writeFileSync(
    restricted,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'restricted',
      clusters: [{ name: 'local', cluster: admin.clusters[0]?.cluster }],
      users: [{ name: 'restricted', user: { token: token.status?.token } }],
      contexts: [{ name: 'restricted', context: { cluster: 'local', user: 'restricted', namespace: ctx.ns } }],
    }),
  );
  ctx.vars.KCFG = [restricted, join(dir, 'missing.yaml'), kubeconfig(), restricted].join(':');
}

/**
 * A chart repository on 127.0.0.1 that publishes version 0.2.0 of the chart right after the first time its
 * index is read: a client that reads the index twice (once for the hooks, once for the install) would mix
 * two versions; helm reads it once.
 */
async function movingRepository(ctx: RunContext): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hph-repo-'));
  for (const sub of ['first', 'all']) mkdirSync(join(dir, sub), { recursive: true });
  await ctx.helm(['package', E2E_CHART, '--version', '0.1.0', '-d', join(dir, 'first')]);
  await ctx.helm(['package', E2E_CHART, '--version', '0.1.0', '-d', join(dir, 'all')]);
  await ctx.helm(['package', E2E_CHART, '--version', '0.2.0', '-d', join(dir, 'all')]);
  const server = spawn('python3', ['-c', REPO_SERVER, dir], { stdio: ['ignore', 'pipe', 'ignore'] });
  ctx.onCleanup(() => server.kill());
  const port = await new Promise<string>((resolve) =>
    server.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())),
  );
  const url = `http://127.0.0.1:${port}`;
  for (const sub of ['first', 'all']) await ctx.helm(['repo', 'index', join(dir, sub), '--url', url]);
  ctx.vars.REPOURL = url;
}

const REPO_SERVER = `
import http.server, os, sys
root = sys.argv[1]
reads = {'n': 0}
class H(http.server.SimpleHTTPRequestHandler):
    def translate_path(self, path):
        name = os.path.basename(path.split('?')[0])
        if name == 'index.yaml':
            reads['n'] += 1
            return os.path.join(root, 'first' if reads['n'] == 1 else 'all', name)
        return os.path.join(root, 'all', name)
    def log_message(self, *a):
        pass
s = http.server.ThreadingHTTPServer(('127.0.0.1', 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
`;

export const CASES: Case[] = [
  {
    name: 'yaml11-scalars',
    chart: 'yaml11',
    steps: [{ args: ['install', 'REL', 'CHART', '-n', 'NS'] }, { args: ['upgrade', 'REL', 'CHART', '-n', 'NS'] }],
  },
  {
    name: 'crds-folder',
    chart: 'crds',
    kinds: {
      namespaced: [
        ['__RUN__.conformance.example/v1', 'Widget'],
        ['__RUN__.conformance.example/v1', 'Gizmo'],
      ],
    },
    steps: [{ args: ['install', 'REL', 'CHART', '-n', 'NS'] }, { args: ['upgrade', 'REL', 'CHART', '-n', 'NS'] }],
  },
  {
    name: 'crds-skip-crds',
    chart: 'crds',
    steps: [{ args: ['install', 'REL', 'CHART', '-n', 'NS', '--skip-crds'] }],
  },
  {
    name: 'random-secret-hook',
    chart: 'random',
    maskHooks: [/password: "[A-Za-z0-9]{24}"/g],
    steps: [{ args: ['install', 'REL', 'CHART', '-n', 'NS'] }],
    check: async (ctx) => {
      const secret = await kube().core.readNamespacedSecret({ name: 'db-password', namespace: ctx.ns });
      const inCluster = Buffer.from(secret.data?.password ?? '', 'base64').toString();
      const hooks = (await ctx.helm(['get', 'hooks', ctx.release, '-n', ctx.ns])).stdout;
      return hooks.includes(`password: "${inCluster}"`)
        ? []
        : ['the Secret in the cluster is not the one `helm get hooks` shows'];
    },
  },
  {
    name: 'admission-webhook-one-tier',
    chart: 'webhook',
    steps: [{ args: ['install', 'REL', 'CHART', '-n', 'NS'] }, { args: ['upgrade', 'REL', 'CHART', '-n', 'NS'] }],
  },
  {
    name: 'admission-webhook-rbac-first',
    chart: 'webhook',
    steps: [{ args: ['install', 'REL', 'CHART', '-n', 'NS', '--set', 'rbacWeight=-1'] }],
  },
  {
    name: 'post-deployments-tiers',
    chart: 'postdeploy',
    steps: [{ args: ['install', 'REL', 'CHART', '-n', 'NS'] }, { args: ['upgrade', 'REL', 'CHART', '-n', 'NS'] }],
  },
  {
    name: 'subchart-hooks-rollback-uninstall',
    chart: 'parent',
    steps: [
      { args: ['install', 'REL', 'CHART', '-n', 'NS'] },
      { args: ['upgrade', 'REL', 'CHART', '-n', 'NS'] },
      { args: ['rollback', 'REL', '1', '-n', 'NS'] },
      { args: ['uninstall', 'REL', '-n', 'NS', '--keep-history'] },
      { args: ['uninstall', 'REL', '-n', 'NS'] },
    ],
  },
  {
    name: 'oddities-lookup-weights-namespace',
    chart: 'oddities',
    setup: async (ctx) => {
      await createConfigMap(ctx.ns, 'preexisting', { color: 'teal' });
      await kube().core.createNamespace({ body: { metadata: { name: ctx.other } } });
    },
    steps: [{ args: ['install', 'REL', 'CHART', '-n', 'NS', '--set', 'otherNamespace=OTHER'] }],
  },
  {
    name: 'unknown-kind-hook',
    chart: 'oddities',
    steps: [{ args: ['install', 'REL', 'CHART', '-n', 'NS', '--set', 'unknownKind=true'] }],
  },
  {
    name: 'install-name-in-use',
    chart: 'e2e',
    steps: [
      { args: ['install', 'REL', 'CHART', '-n', 'NS', ...values([job('first')])] },
      { args: ['install', 'REL', 'CHART', '-n', 'NS', ...values([job('migrate-again', { events: 'pre-install' })])] },
    ],
  },
  {
    name: 'upgrade-install-new-then-existing',
    chart: 'e2e',
    steps: [
      {
        args: [
          'upgrade',
          '--install',
          'REL',
          'CHART',
          '-n',
          'NS',
          ...values([
            job('pre', { events: 'pre-install,pre-upgrade' }),
            job('post', { events: 'post-install,post-upgrade' }),
          ]),
        ],
      },
      {
        args: [
          'upgrade',
          '--install',
          'REL',
          'CHART',
          '-n',
          'NS',
          ...values([
            job('pre', { events: 'pre-install,pre-upgrade' }),
            job('post', { events: 'post-install,post-upgrade' }),
          ]),
        ],
      },
    ],
  },
  {
    name: 'rollback-to-revision-without-hooks',
    chart: 'e2e',
    steps: [
      { args: ['install', 'REL', 'CHART', '-n', 'NS'] },
      {
        args: ['upgrade', 'REL', 'CHART', '-n', 'NS', ...values([job('rb', { events: 'pre-rollback,post-rollback' })])],
      },
      { args: ['rollback', 'REL', '1', '-n', 'NS'] },
      { args: ['rollback', 'REL', '2', '-n', 'NS'] },
    ],
  },
  {
    name: 'pre-install-fails-waiting',
    chart: 'e2e',
    // At N=8, ok-b (bad's sibling in weight 1) ran beside it; helm never starts it.
    n8Differs: [/^objects\.Job\/NS\/ok-b[.:]/, /^hookPhases\.Job\/ok-b:/],
    steps: [
      {
        args: [
          'install',
          'REL',
          'CHART',
          '-n',
          'NS',
          ...values([
            job('ok-a', { events: 'pre-install', deletePolicy: 'hook-succeeded' }),
            job('bad', { events: 'pre-install', weight: '1', exitCode: 3, deletePolicy: 'hook-failed' }),
            job('ok-b', { events: 'pre-install', weight: '1', runFor: '2s' }),
            job('later', { events: 'pre-install', weight: '2' }),
          ]),
        ],
      },
    ],
  },
  {
    name: 'pre-upgrade-fails-at-create',
    chart: 'e2e',
    // helm 3 creates hooks: an object left over without before-hook-creation fails at create; helm 4 applies it.
    steps: [
      {
        args: [
          'install',
          'REL',
          'CHART',
          '-n',
          'NS',
          ...values([{ name: 'kept', kind: 'ConfigMap', events: 'pre-upgrade', deletePolicy: 'hook-failed' }]),
        ],
      },
      {
        args: [
          'upgrade',
          'REL',
          'CHART',
          '-n',
          'NS',
          ...values([
            job('first', { events: 'pre-upgrade', deletePolicy: 'hook-succeeded' }),
            { name: 'kept', kind: 'ConfigMap', events: 'pre-upgrade', weight: '1', deletePolicy: 'hook-failed' },
          ]),
        ],
      },
      {
        args: [
          'upgrade',
          'REL',
          'CHART',
          '-n',
          'NS',
          ...values([
            job('first', { events: 'pre-upgrade', deletePolicy: 'hook-succeeded' }),
            { name: 'kept', kind: 'ConfigMap', events: 'pre-upgrade', weight: '1', deletePolicy: 'hook-failed' },
          ]),
        ],
      },
    ],
  },
  {
    name: 'post-upgrade-fails-atomic',
    chart: 'e2e',
    steps: [
      { args: ['install', 'REL', 'CHART', '-n', 'NS', ...values([job('rb', { events: 'pre-rollback' })])] },
      {
        args: [
          'upgrade',
          'REL',
          'CHART',
          '-n',
          'NS',
          '--atomic',
          '--wait-for-jobs',
          '--timeout',
          '60s',
          ...values([job('post-bad', { events: 'post-upgrade', exitCode: 2 }), job('rb', { events: 'pre-rollback' })]),
        ],
      },
    ],
    versions: (v) => v.startsWith('3.'),
  },
  {
    name: 'post-upgrade-fails-rollback-on-failure',
    chart: 'e2e',
    steps: [
      { args: ['install', 'REL', 'CHART', '-n', 'NS', ...values([job('rb', { events: 'pre-rollback' })])] },
      {
        args: [
          'upgrade',
          'REL',
          'CHART',
          '-n',
          'NS',
          '--rollback-on-failure',
          '--wait-for-jobs',
          '--server-side=true',
          '--force-conflicts',
          '--timeout',
          '60s',
          ...values([job('post-bad', { events: 'post-upgrade', exitCode: 2 }), job('rb', { events: 'pre-rollback' })]),
        ],
      },
    ],
    versions: (v) => v.startsWith('4.'),
  },
  {
    name: 'post-install-fails',
    chart: 'e2e',
    steps: [
      {
        args: [
          'install',
          'REL',
          'CHART',
          '-n',
          'NS',
          ...values([job('post-bad', { events: 'post-install', exitCode: 4, deletePolicy: 'hook-failed' })]),
        ],
      },
    ],
  },
  {
    name: 'post-install-fails-at-create',
    chart: 'e2e',
    // A leftover object of a post hook without before-hook-creation: helm 3's create fails, helm 4 applies it.
    setup: async (ctx) => createConfigMap(ctx.ns, 'leftover', { a: '1' }),
    steps: [
      {
        args: [
          'install',
          'REL',
          'CHART',
          '-n',
          'NS',
          ...values([
            job('ok', { events: 'post-install', deletePolicy: 'hook-succeeded' }),
            { name: 'leftover', kind: 'ConfigMap', events: 'post-install', weight: '1', deletePolicy: 'hook-failed' },
          ]),
        ],
      },
    ],
  },
  {
    name: 'hook-succeeded-delete-forbidden',
    chart: 'e2e',
    // An identity that may create ConfigMaps but not delete them: the hook-succeeded clean-up fails the event.
    setup: limitedIdentity([
      { apiGroups: [''], resources: ['secrets'], verbs: ['*'] },
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch'] },
    ]),
    steps: [
      {
        args: [
          'install',
          'REL',
          'CHART',
          '-n',
          'NS',
          '--kube-as-user',
          'system:serviceaccount:NS:limited',
          ...values([{ name: 'once', kind: 'ConfigMap', events: 'pre-install', deletePolicy: 'hook-succeeded' }]),
        ],
      },
    ],
  },
  {
    name: 'pre-delete-fails',
    chart: 'e2e',
    steps: [
      {
        args: [
          'install',
          'REL',
          'CHART',
          '-n',
          'NS',
          ...values([job('predel', { events: 'pre-delete', exitCode: 1 })]),
        ],
      },
      { args: ['uninstall', 'REL', '-n', 'NS'] },
    ],
  },
  {
    name: 'pre-rollback-fails',
    chart: 'e2e',
    steps: [
      {
        args: [
          'install',
          'REL',
          'CHART',
          '-n',
          'NS',
          ...values([job('prerb', { events: 'pre-rollback', exitCode: 1 })]),
        ],
      },
      { args: ['upgrade', 'REL', 'CHART', '-n', 'NS'] },
      { args: ['rollback', 'REL', '1', '-n', 'NS'] },
      { args: ['upgrade', 'REL', 'CHART', '-n', 'NS'] },
    ],
  },
  {
    name: 'timeout-zero-and-negative',
    chart: 'e2e',
    steps: [
      {
        args: [
          'install',
          'REL',
          'CHART',
          '-n',
          'NS',
          '--timeout',
          '0s',
          ...values([job('quick', { events: 'pre-install,pre-upgrade', runFor: '1s' })]),
        ],
      },
      {
        args: [
          'upgrade',
          'REL',
          'CHART',
          '-n',
          'NS',
          '--timeout=-5s',
          ...values([job('quick', { events: 'pre-install,pre-upgrade', runFor: '1s' })]),
        ],
      },
    ],
  },
  {
    name: 'hook-job-deleted-mid-wait',
    chart: 'e2e',
    steps: [
      {
        args: [
          'install',
          'REL',
          'CHART',
          '-n',
          'NS',
          '--timeout',
          '8s',
          ...values([job('vanishing', { events: 'pre-install', runFor: '30s' })]),
        ],
        during: (ctx) => deleteJobWhenRunning(ctx, 'vanishing'),
      },
    ],
  },
  {
    name: 'values-from-stdin-and-set-file',
    chart: 'e2e',
    steps: [
      {
        args: ['install', 'REL', 'CHART', '-n', 'NS', '-f', '-', '--set-file', 'configmap.data=/dev/stdin'],
        stdin: JSON.stringify({ hooks: [{ name: 'from-stdin', kind: 'ConfigMap', events: 'pre-install' }] }),
      },
    ],
  },
  {
    name: 'attached-namespace-and-flag-first',
    chart: 'e2e',
    steps: [
      { args: ['install', 'REL', 'CHART', '-nNS', ...values([job('a', { events: 'pre-install,pre-upgrade' })])] },
      {
        flagsFirst: ['--timeout', '60s'],
        args: [
          'upgrade',
          'REL',
          'CHART',
          '--namespace=NS',
          ...values([job('a', { events: 'pre-install,pre-upgrade' })]),
        ],
      },
    ],
  },
  {
    name: 'kubeconfig-several-files-first-restricted',
    chart: 'e2e',
    setup: restrictedKubeconfig,
    steps: [
      {
        args: [
          'install',
          'REL',
          'CHART',
          '-n',
          'NS',
          ...values([
            { name: 'cm', kind: 'ConfigMap', events: 'pre-install' },
            job('needs-jobs', { events: 'pre-install', weight: '1' }),
          ]),
        ],
        env: { KUBECONFIG: 'KCFG' },
      },
    ],
  },
  {
    name: 'impersonation-kube-as-user-and-group',
    chart: 'e2e',
    setup: restrictedKubeconfig,
    steps: [
      {
        args: [
          'install',
          'REL',
          'CHART',
          '-n',
          'NS',
          '--kube-as-user',
          'system:serviceaccount:NS:restricted',
          '--kube-as-group',
          'system:authenticated',
          '--kube-as-group',
          'system:serviceaccounts',
          ...values([
            { name: 'cm', kind: 'ConfigMap', events: 'pre-install' },
            job('needs-jobs', { events: 'pre-install', weight: '1' }),
          ]),
        ],
        env: { HELM_QPS: '20', HELM_BURST_LIMIT: '5' },
      },
    ],
  },
  {
    name: 'repository-chart-version-range-resolved-once',
    chart: 'e2e',
    setup: movingRepository,
    steps: [
      {
        args: [
          'install',
          'REL',
          'hooks',
          '--repo',
          'REPOURL',
          '--version',
          '>=0.1.0',
          '-n',
          'NS',
          ...values([job('pre', { events: 'pre-install' })]),
        ],
      },
    ],
  },
  {
    name: 'dry-run-client-offline',
    chart: 'e2e',
    setup: async (ctx) => {
      const dir = mkdtempSync(join(tmpdir(), 'hph-offline-'));
      const file = join(dir, 'offline.yaml');
      writeFileSync(
        file,
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'Config',
          'current-context': 'gone',
          clusters: [{ name: 'gone', cluster: { server: 'https://127.0.0.1:9' } }],
          users: [{ name: 'u', user: {} }],
          contexts: [{ name: 'gone', context: { cluster: 'gone', user: 'u' } }],
        }),
      );
      ctx.vars.OFFLINE = file;
    },
    steps: [
      {
        args: [
          'install',
          'REL',
          'CHART',
          '-n',
          'NS',
          '--dry-run=client',
          ...values([job('a', { events: 'pre-install' })]),
        ],
        env: { KUBECONFIG: 'OFFLINE' },
      },
    ],
    order: false,
  },
  {
    name: 'cleanup-on-fail-and-huge-timeout',
    chart: 'e2e',
    steps: [
      { args: ['install', 'REL', 'CHART', '-n', 'NS'] },
      {
        args: [
          'upgrade',
          'REL',
          'CHART',
          '-n',
          'NS',
          '--cleanup-on-fail',
          '--timeout',
          '8760h',
          '--set',
          'deployment.enabled=true',
          '--set',
          'deployment.readyAfter=0s',
          ...values([job('post-bad', { events: 'post-upgrade', exitCode: 5 })]),
        ],
      },
    ],
  },
  {
    name: 'generate-name',
    chart: 'e2e',
    generatedName: true,
    steps: [
      {
        args: [
          'install',
          'CHART',
          '--generate-name',
          '-n',
          'NS',
          ...values([job('first', { events: 'pre-install' }), job('after', { events: 'post-install' })]),
        ],
      },
    ],
    // The generated name is in the main ConfigMap's name; objects are compared by kind and count.
    order: false,
  },
  {
    name: 'create-namespace-and-name-template',
    chart: 'e2e',
    releaseInOther: true,
    steps: [
      {
        args: [
          'install',
          'CHART',
          '--name-template',
          'REL',
          '-n',
          'OTHER',
          '--create-namespace',
          ...values([job('first', { events: 'pre-install' })]),
        ],
      },
    ],
  },
];
