/**
 * The command line through real helm: help texts, and bad input rejected with a clear message, exit code 2
 * and nothing applied.
 */

import { join } from 'node:path';
import { execa } from 'execa';
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

for (const major of MAJORS) {
  const s = suite(`command line, helm ${major}`);

  s('helm parallel-hooks --help and upgrade --help describe the options and the passthrough', async () => {
    const top = await helm(major, ['parallel-hooks', '--help']);
    assert.is(top.exitCode, 0, top.stderr);
    for (const word of [
      'install',
      'upgrade',
      'rollback',
      'uninstall',
      '--hook-parallelism',
      'passed to helm',
      'Exit codes',
    ]) {
      assert.ok(top.stdout.includes(word), `top-level help mentions ${word}`);
    }
    const upgrade = await helm(major, ['parallel-hooks', 'upgrade', '--help']);
    assert.is(upgrade.exitCode, 0, upgrade.stderr);
    assert.match(upgrade.stdout, /--hook-parallelism/);
    assert.match(upgrade.stdout, /HELM_PARALLEL_HOOKS_PARALLELISM/);
    assert.match(upgrade.stdout, /Every other flag and argument is passed to helm verbatim/);
  });

  s('bad input: clear message, exit code 2, nothing applied', async () => {
    const ns = await namespace(`usage${major}`);
    const cases: Array<[string[], RegExp]> = [
      [['install', 'bad', CHART, '--hook-parallelism', 'abc'], /--hook-parallelism must be a whole number.*"abc"/],
      [['install', 'bad', CHART, '--hook-parallelism=-1.5'], /--hook-parallelism must be a whole number.*"-1\.5"/],
      [['frobnicate', 'bad', CHART], /unknown command "frobnicate"/],
      [['install', CHART], /install needs a release name and a chart/],
      [['upgrade', '--install', CHART], /upgrade needs a release name and a chart/],
      [['rollback'], /rollback needs a release name/],
      [['uninstall'], /uninstall needs at least one release name/],
      [['install', 'bad', CHART, '--timeout', 'soon'], /--timeout: invalid duration "soon"/],
    ];
    for (const [args, message] of cases) {
      const r = await helm(major, ['parallel-hooks', ...args, '-n', ns]);
      assert.is(r.exitCode, 2, `${args.join(' ')}: exit code (stderr: ${r.stderr})`);
      assert.match(r.stderr, message, args.join(' '));
    }
    // helm opens its storage before it starts a plugin: with an unreachable sql driver helm itself refuses;
    // the memory driver reaches the plugin, which cannot keep a release record there.
    // (helm 4 wants a data file for its memory driver, even an empty one.)
    const memory = await helm(major, ['parallel-hooks', 'install', 'bad', CHART, '-n', ns], {
      HELM_DRIVER: 'memory',
      HELM_MEMORY_DRIVER_DATA: valuesFile([]),
    });
    assert.is(memory.exitCode, 2, memory.stderr);
    assert.match(memory.stderr, /HELM_DRIVER=memory is not supported/);
    assert.is(await releaseState(major, 'bad', ns), undefined, 'no release');
    assert.equal(await objectsIn(ns), [], 'nothing applied');
    await dropNamespace(ns);
  });

  s('a very large parallelism is accepted and capped by the tier', async () => {
    const ns = await namespace(`big${major}`);
    const r = await helm(major, [
      'parallel-hooks',
      'install',
      'big',
      CHART,
      '-n',
      ns,
      '--hook-parallelism',
      '99999999999999',
    ]);
    assert.is(r.exitCode, 0, r.stderr);
    assert.equal((await releaseState(major, 'big', ns))?.status, 'deployed');
    await dropNamespace(ns);
  });

  s('SIGINT while hooks run: exit code 130, nothing new starts, a clear message', async () => {
    const ns = await namespace(`int${major}`);
    const { bin, env } = await helmSetup(major);
    const values = valuesFile({
      hooks: [
        { name: 'slow', kind: 'Job', events: 'pre-install', weight: '0', runFor: '1h' },
        { name: 'after', kind: 'Job', events: 'pre-install', weight: '1', runFor: '1s' },
      ],
    });
    // The plugin's CLI as helm runs it: helm's settings in the environment, helm's arguments verbatim.
    const child = execa(
      'node',
      [join(REPO, 'dist/cli.cjs'), 'install', 'int', CHART, '-f', values, '--hook-parallelism', '4'],
      {
        env: { ...env, HELM_BIN: bin, HELM_NAMESPACE: ns },
        reject: false,
      },
    );
    for (let i = 0; i < 100; i++) {
      const jobs = await kube().batch.listNamespacedJob({ namespace: ns });
      if (jobs.items.some((j) => j.metadata?.name === 'slow')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGINT');
    const r = await child;
    assert.is(r.exitCode, 130, String(r.stderr));
    assert.match(String(r.stderr), /interrupted while waiting for Job\/slow/);
    assert.match(String(r.stderr), /received SIGINT: stopping/);
    assert.match(
      String(r.stderr),
      /pre-install: interrupted; hooks created and left as they were: Job\/slow \(/,
      'it says what it left',
    );
    const objects = await objectsIn(ns);
    assert.ok(objects.includes('Job/slow') && !objects.includes('Job/after'), objects.join(', '));
    const state = await releaseState(major, 'int', ns);
    assert.equal(
      state?.history,
      [{ revision: 1, status: 'failed' }],
      'as helm after a signal: the release is failed, helm main never ran',
    );
    assert.not.ok(objects.includes('ConfigMap/int-main'), 'no normal resource was applied');
    await dropNamespace(ns);
  });

  s.run();
}
