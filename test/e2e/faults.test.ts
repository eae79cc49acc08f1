/**
 * Faults on the real control plane, each with plain helm beside the plugin where helm can meet the same
 * fault: the API server or etcd killed for 10 s and restarted (mid-wait, mid-create), SIGTERM to the helm
 * process that started the plugin and SIGINT to the plugin in each phase, two runs on one release at once,
 * and an identity that may create but not delete Jobs. Every test checks the release history, the objects
 * left and that no process is left behind.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { execa, type ResultPromise } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CHART,
  dropNamespace,
  helm,
  helmSetup,
  kube,
  MAJORS,
  namespace,
  objectsIn,
  REPO,
  releaseState,
  valuesFile,
} from './harness.js';

const cluster = (...args: string[]) =>
  execFileSync(join(REPO, 'scripts/local-cluster'), args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

async function until(what: string, test: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      if (await test()) return;
    } catch {
      // the API server may be down
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting until ${what}`);
}

const jobExists = (ns: string, name: string) => async () =>
  (await kube().batch.listNamespacedJob({ namespace: ns })).items.some((j) => j.metadata?.name === name);
const configMapExists = (ns: string, name: string) => async () =>
  (await kube().core.listNamespacedConfigMap({ namespace: ns })).items.some((c) => c.metadata?.name === name);

/** No process of this test is left: neither the plugin nor a helm child naming the namespace. */
function leftoverProcesses(ns: string): string[] {
  try {
    return execFileSync('pgrep', ['-af', ns], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.includes('pgrep'));
  } catch {
    return [];
  }
}

const history = async (major: 3 | 4, name: string, ns: string) => (await releaseState(major, name, ns))?.history ?? [];

for (const major of MAJORS) {
  const s = suite(`faults, helm ${major}`);

  s('API server killed for 10 s mid-wait and mid-create: the plugin resumes and ends as helm does', async () => {
    const [nsHelm, nsPlugin] = [await namespace(`apik${major}h`), await namespace(`apik${major}p`)];
    const values = valuesFile({
      hooks: [
        // long enough that neither tool's Job has finished when the API server goes (the plugin starts later)
        { name: 'long', kind: 'Job', events: 'pre-install', runFor: '15s' },
        { name: 'next', kind: 'Job', events: 'pre-install', weight: '1', runFor: '500ms' },
        { name: 'cm', kind: 'ConfigMap', events: 'pre-install', weight: '1' },
      ],
    });
    const plain = helm(major, ['install', 'f', CHART, '-n', nsHelm, '-f', values, '--timeout', '90s']);
    const plugin = helm(major, [
      'parallel-hooks',
      'install',
      'f',
      CHART,
      '-n',
      nsPlugin,
      '-f',
      values,
      '--timeout',
      '90s',
      '--hook-parallelism',
      '4',
    ]);
    await until(
      'both long Jobs exist',
      async () => (await jobExists(nsHelm, 'long')()) && (await jobExists(nsPlugin, 'long')()),
    );
    cluster('kill-component', 'kube-apiserver');
    await new Promise((r) => setTimeout(r, 10_000));
    cluster('restart-component', 'kube-apiserver');
    const [h, p] = await Promise.all([plain, plugin]);
    assert.is(
      p.exitCode,
      h.exitCode === 0 ? 0 : 3,
      `plugin ${p.exitCode} (stderr: ${p.stderr}); helm ${h.exitCode} (${h.stderr})`,
    );
    assert.equal(
      await history(major, 'f', nsPlugin),
      await history(major, 'f', nsHelm),
      'same history as helm under the same fault',
    );
    assert.equal(await objectsIn(nsPlugin), await objectsIn(nsHelm), 'same objects left');
    assert.equal(leftoverProcesses(nsPlugin), []);
    await Promise.all([dropNamespace(nsHelm), dropNamespace(nsPlugin)]);
  });

  s('etcd killed for 10 s while hooks are waited for: the plugin resumes', async () => {
    const ns = await namespace(`etcd${major}`);
    const values = valuesFile({ hooks: [{ name: 'waits', kind: 'Job', events: 'pre-install', runFor: '3s' }] });
    const plugin = helm(major, [
      'parallel-hooks',
      'install',
      'e',
      CHART,
      '-n',
      ns,
      '-f',
      values,
      '--timeout',
      '120s',
      '--hook-parallelism',
      '2',
    ]);
    await until('the Job exists', jobExists(ns, 'waits'));
    cluster('kill-component', 'etcd');
    await new Promise((r) => setTimeout(r, 10_000));
    cluster('restart-component', 'etcd');
    const p = await plugin;
    assert.is(p.exitCode, 0, p.stderr);
    assert.equal(await history(major, 'e', ns), [{ revision: 1, status: 'deployed' }]);
    assert.ok((await objectsIn(ns)).includes('ConfigMap/e-main'), 'the release was installed');
    assert.equal(leftoverProcesses(ns), []);
    await dropNamespace(ns);
  });

  /** Starts helm (plain, or the plugin through helm) as a process of its own, to signal it. */
  function start(setup: { bin: string; env: Record<string, string> }, args: string[]): ResultPromise {
    return execa(setup.bin, args, { env: setup.env, reject: false, stdin: 'ignore' });
  }

  const phases: Array<{
    phase: string;
    values: unknown;
    extra: string[];
    ready: (ns: string) => () => Promise<boolean>;
  }> = [
    {
      phase: 'pre hooks',
      values: { hooks: [{ name: 'pre', kind: 'Job', events: 'pre-install', runFor: '1h' }] },
      extra: [],
      ready: (ns) => jobExists(ns, 'pre'),
    },
    {
      phase: "helm's --wait",
      values: {
        deployment: { enabled: true, readyAfter: '1h' },
        hooks: [{ name: 'post', kind: 'Job', events: 'post-install', runFor: '200ms' }],
      },
      extra: ['--wait'],
      ready: (ns) => configMapExists(ns, 'sig-main'),
    },
    {
      phase: 'post hooks',
      values: { hooks: [{ name: 'post', kind: 'Job', events: 'post-install', runFor: '1h' }] },
      extra: [],
      ready: (ns) => jobExists(ns, 'post'),
    },
  ];

  for (const { phase, values, extra, ready } of phases) {
    s(
      `SIGTERM to the helm that started the plugin, during ${phase}: the release ends failed as helm's own`,
      async () => {
        const [nsHelm, nsPlugin] = [await namespace(`term${major}h`), await namespace(`term${major}p`)];
        const file = valuesFile(values);
        const setup = await helmSetup(major);
        const plain = start(setup, ['install', 'sig', CHART, '-n', nsHelm, '-f', file, '--timeout', '5m', ...extra]);
        const plugin = start(setup, [
          'parallel-hooks',
          'install',
          'sig',
          CHART,
          '-n',
          nsPlugin,
          '-f',
          file,
          '--timeout',
          '5m',
          '--hook-parallelism',
          '4',
          ...extra,
        ]);
        await until(`both reached ${phase}`, async () => (await ready(nsHelm)()) && (await ready(nsPlugin)()));
        plain.kill('SIGTERM');
        plugin.kill('SIGTERM'); // helm, the plugin's parent: helm does not forward it
        await Promise.all([plain, plugin]);
        // The plugin is a grandchild; it notices its parent is gone and finishes on its own.
        await until(
          'the plugin has marked the release',
          async () => (await history(major, 'sig', nsPlugin)).some((h) => h.status === 'failed'),
          20_000,
        );
        await until('no plugin process is left', async () => leftoverProcesses(nsPlugin).length === 0, 20_000);
        const stateHelm = await releaseState(major, 'sig', nsHelm);
        const statePlugin = await releaseState(major, 'sig', nsPlugin);
        assert.equal(
          statePlugin?.history,
          stateHelm?.history,
          `same history as helm (helm: ${JSON.stringify(stateHelm)})`,
        );
        assert.equal(leftoverProcesses(nsPlugin), []);
        await Promise.all([dropNamespace(nsHelm), dropNamespace(nsPlugin)]);
      },
    );

    s(`SIGINT to the plugin during ${phase}: exit 130, the release failed as after helm's own interrupt`, async () => {
      const [nsHelm, nsPlugin] = [await namespace(`int${major}h`), await namespace(`int${major}p`)];
      const file = valuesFile(values);
      const { bin, env } = await helmSetup(major);
      const plain = execa(bin, ['install', 'sig', CHART, '-n', nsHelm, '-f', file, '--timeout', '5m', ...extra], {
        env,
        reject: false,
        stdin: 'ignore',
      });
      // The plugin's CLI as helm runs it, so the signal reaches the plugin itself.
      const plugin = execa(
        'node',
        [
          join(REPO, 'dist/cli.cjs'),
          'install',
          'sig',
          CHART,
          '-f',
          file,
          '--timeout',
          '5m',
          '--hook-parallelism',
          '4',
          ...extra,
        ],
        {
          env: { ...env, HELM_BIN: bin, HELM_NAMESPACE: nsPlugin },
          reject: false,
          stdin: 'ignore',
        },
      );
      await until(`both reached ${phase}`, async () => (await ready(nsHelm)()) && (await ready(nsPlugin)()));
      plain.kill('SIGINT');
      plugin.kill('SIGINT');
      const [h, p] = await Promise.all([plain, plugin]);
      assert.is(p.exitCode, 130, String(p.stderr));
      assert.is(h.exitCode, 1, String(h.stderr));
      assert.match(String(p.stderr), /received SIGINT: stopping/);
      assert.equal(
        (await releaseState(major, 'sig', nsPlugin))?.history,
        (await releaseState(major, 'sig', nsHelm))?.history,
        'same history as helm',
      );
      assert.equal(leftoverProcesses(nsPlugin), []);
      await Promise.all([dropNamespace(nsHelm), dropNamespace(nsPlugin)]);
    });
  }

  s("two plugin runs on one release at once: one upgrades, the other is refused with helm's message", async () => {
    const ns = await namespace(`twice${major}`);
    const values = valuesFile({ hooks: [{ name: 'pre', kind: 'Job', events: 'pre-upgrade', runFor: '2s' }] });
    assert.is((await helm(major, ['install', 'two', CHART, '-n', ns])).exitCode, 0);
    const run = () =>
      helm(major, ['parallel-hooks', 'upgrade', 'two', CHART, '-n', ns, '-f', values, '--hook-parallelism', '2']);
    const first = run();
    await until('the first run holds the release', async () =>
      (await history(major, 'two', ns)).some((h) => h.status === 'pending-upgrade'),
    );
    const second = await run();
    const done = await first;
    assert.is(done.exitCode, 0, done.stderr);
    assert.is(second.exitCode, 1, second.stderr);
    assert.match(second.stderr, /another operation \(install\/upgrade\/rollback\) is in progress/);
    assert.equal(await history(major, 'two', ns), [
      { revision: 1, status: 'superseded' },
      { revision: 2, status: 'deployed' },
    ]);
    assert.equal(leftoverProcesses(ns), []);
    await dropNamespace(ns);
  });

  s("an identity that may create but not delete Jobs: the hook fails at its delete, as helm's does", async () => {
    const [nsHelm, nsPlugin] = [await namespace(`rbac${major}h`), await namespace(`rbac${major}p`)];
    const { core, kc } = kube();
    const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
    const tokens: string[] = [];
    for (const ns of [nsHelm, nsPlugin]) {
      await core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: 'deployer' } } });
      await rbac.createNamespacedRole({
        namespace: ns,
        body: {
          metadata: { name: 'no-job-delete' },
          rules: [
            { apiGroups: [''], resources: ['configmaps', 'secrets', 'pods', 'pods/log'], verbs: ['*'] },
            { apiGroups: ['batch'], resources: ['jobs'], verbs: ['get', 'list', 'watch', 'create', 'patch'] },
          ],
        },
      });
      await rbac.createNamespacedRoleBinding({
        namespace: ns,
        body: {
          metadata: { name: 'no-job-delete' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'no-job-delete' },
          subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: ns }],
        },
      });
      const t = await core.createNamespacedServiceAccountToken({
        name: 'deployer',
        namespace: ns,
        body: { spec: { audiences: [], expirationSeconds: 3600 } },
      });
      tokens.push(t.status?.token ?? '');
    }
    const values = valuesFile({ hooks: [{ name: 'migrate', kind: 'Job', events: 'pre-install', runFor: '200ms' }] });
    const h = await helm(major, [
      'install',
      'r',
      CHART,
      '-n',
      nsHelm,
      '-f',
      values,
      '--kube-token',
      tokens[0] as string,
    ]);
    const p = await helm(major, [
      'parallel-hooks',
      'install',
      'r',
      CHART,
      '-n',
      nsPlugin,
      '-f',
      values,
      '--kube-token',
      tokens[1] as string,
    ]);
    assert.is(h.exitCode, 1, h.stderr);
    assert.is(p.exitCode, 3, p.stderr);
    assert.match(p.stderr, /forbidden/);
    const normalize = (hist: unknown, ns: string) => JSON.parse(JSON.stringify(hist).replaceAll(ns, 'NS'));
    const [sh, sp] = [await releaseState(major, 'r', nsHelm), await releaseState(major, 'r', nsPlugin)];
    assert.equal(normalize(sp?.history, nsPlugin), normalize(sh?.history, nsHelm));
    assert.equal(
      await objectsIn(nsPlugin),
      (await objectsIn(nsHelm)).map((o) => o),
      'same objects left',
    );
    assert.equal(leftoverProcesses(nsPlugin), []);
    await Promise.all([dropNamespace(nsHelm), dropNamespace(nsPlugin)]);
  });

  s.run();
}
