/**
 * Failures: one failing Job in a tier of 5 at N=5: the other four finish, no later tier starts, the main
 * helm command does not run, delete policies are applied as helm applies them, the message names the hook
 * and its exit code, and the exit code is the documented 3. A hook that never finishes fails at --timeout.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CHART,
  dropNamespace,
  find,
  helm,
  MAJORS,
  namespace,
  objectsIn,
  record,
  releaseState,
  valuesFile,
} from './harness.js';

const tier = ['ok-1', 'ok-2', 'bad-3', 'ok-4', 'ok-5'];
const values = valuesFile({
  hooks: [
    ...tier.map((name) => ({
      name,
      kind: 'Job',
      events: 'pre-install',
      weight: '0',
      runFor: '2s',
      ...(name === 'bad-3' ? { exitCode: 3, deletePolicy: 'hook-failed' } : { deletePolicy: 'hook-succeeded' }),
    })),
    { name: 'later', kind: 'Job', events: 'pre-install', weight: '1', runFor: '200ms' },
  ],
});

for (const major of MAJORS) {
  const s = suite(`failures, helm ${major}`);

  s('one failing job in a tier of 5 at N=5', async () => {
    const ns = await namespace(`fail${major}`);
    const rec = await record(ns);
    const r = await helm(major, [
      'parallel-hooks',
      'install',
      'fail',
      CHART,
      '-n',
      ns,
      '-f',
      values,
      '--hook-parallelism',
      '5',
    ]);
    const recs = await rec.stop();

    assert.is(r.exitCode, 3, `exit code for a hook failure (stderr: ${r.stderr})`);
    assert.match(
      r.stderr,
      /Job\/bad-3 \(.+\): job failed: .*container main exited 3/,
      'the message names the hook and its exit code',
    );
    for (const name of ['ok-1', 'ok-2', 'ok-4', 'ok-5']) {
      const [job] = find(recs, 'Job', name);
      assert.ok(job && job.finishedAt !== undefined && !job.failed, `${name} ran to completion`);
    }
    assert.is(find(recs, 'Job', 'later').length, 0, 'no later tier starts');
    const state = await releaseState(major, 'fail', ns);
    assert.equal(
      state?.history,
      [{ revision: 1, status: 'failed' }],
      'as helm: revision 1 recorded failed, the main command never ran',
    );
    const objects = await objectsIn(ns);
    assert.not.ok(objects.includes('ConfigMap/fail-main'), 'no normal resource was applied');
    assert.not.ok(objects.includes('Job/bad-3'), 'hook-failed policy deleted the failed hook');
    // helm >= 3.19 and 4 delete the event's succeeded hook-succeeded hooks after a failure; 3.18 keeps them.
    const kept = ['ok-1', 'ok-2', 'ok-4', 'ok-5'].filter((n) => objects.includes(`Job/${n}`));
    assert.equal(kept, major === 4 ? [] : ['ok-1', 'ok-2', 'ok-4', 'ok-5'], 'succeeded hooks per helm version');
    await dropNamespace(ns);
  });

  s('a hook that never finishes fails after --timeout', async () => {
    const ns = await namespace(`tmo${major}`);
    const stuck = valuesFile({ hooks: [{ name: 'stuck', kind: 'Job', events: 'pre-install', runFor: '1h' }] });
    const started = Date.now();
    const r = await helm(major, [
      'parallel-hooks',
      'install',
      'tmo',
      CHART,
      '-n',
      ns,
      '-f',
      stuck,
      '--timeout',
      '4s',
      '--hook-parallelism',
      '4',
    ]);
    const took = Date.now() - started;
    assert.is(r.exitCode, 3, r.stderr);
    assert.match(r.stderr, /Job\/stuck .*timed out/);
    assert.ok(took >= 4000, `failed after ${took}ms, before the 4s timeout`);
    assert.equal((await releaseState(major, 'tmo', ns))?.history, [{ revision: 1, status: 'failed' }]);
    await dropNamespace(ns);
  });

  const postHook = (exitCode: number) =>
    valuesFile({
      hooks: [{ name: 'post-check', kind: 'Job', events: 'post-install,post-upgrade', runFor: '200ms', exitCode }],
    });
  const good = postHook(0);
  const bad = postHook(2);
  const atomic = major === 3 ? '--atomic' : '--rollback-on-failure';

  /** The same step through plain helm and through the plugin (N=4), each in its own namespace. */
  async function both(nsHelm: string, nsPlugin: string, args: string[]) {
    const [plain, plugin] = await Promise.all([
      helm(major, [...args, '-n', nsHelm]),
      helm(major, ['parallel-hooks', ...args, '-n', nsPlugin, '--hook-parallelism', '4']),
    ]);
    return { plain, plugin };
  }
  async function description(ns: string): Promise<string> {
    const r = await helm(major, ['status', 'pf', '-n', ns, '-o', 'json']);
    // helm 4 names the hook's namespace in its error: compare with the namespace left out.
    return (JSON.parse(r.stdout) as { info: { description: string } }).info.description.replaceAll(ns, 'NS');
  }

  s('a failed post-hook marks the release failed, as helm does', async () => {
    const [nsHelm, nsPlugin] = await Promise.all([namespace(`pf${major}-helm`), namespace(`pf${major}-plugin`)]);
    let r = await both(nsHelm, nsPlugin, ['install', 'pf', CHART, '-f', bad]);
    assert.is(r.plain.exitCode, 1);
    assert.is(r.plugin.exitCode, 3, r.plugin.stderr);
    assert.equal(
      await releaseState(major, 'pf', nsPlugin),
      await releaseState(major, 'pf', nsHelm),
      'install: same history',
    );
    assert.match(await description(nsHelm), /^Release "pf" failed: failed post-install: /);
    assert.is(await description(nsPlugin), await description(nsHelm), "helm's own words, exactly");
    assert.match(r.plugin.stderr, /Job\/post-check .*exited 2/, "the plugin's output adds the exit code");

    r = await both(nsHelm, nsPlugin, ['upgrade', 'pf', CHART, '-f', bad]);
    assert.is(r.plugin.exitCode, 3, r.plugin.stderr);
    const state = await releaseState(major, 'pf', nsPlugin);
    assert.equal(state, await releaseState(major, 'pf', nsHelm), 'upgrade: same history');
    assert.equal(
      state?.history.map((h) => h.status),
      ['failed', 'failed'],
    );
    assert.is(await description(nsPlugin), await description(nsHelm));
    assert.match(await description(nsPlugin), /^Upgrade "pf" failed: post-upgrade hooks failed: /);
    await Promise.all([dropNamespace(nsHelm), dropNamespace(nsPlugin)]);
  });

  s(`${atomic}: a failed post-upgrade hook rolls back, a failed post-install hook uninstalls`, async () => {
    const [nsHelm, nsPlugin] = await Promise.all([namespace(`at${major}-helm`), namespace(`at${major}-plugin`)]);
    let r = await both(nsHelm, nsPlugin, ['install', 'pf', CHART, '-f', good]);
    assert.is(r.plugin.exitCode, 0, r.plugin.stderr);
    r = await both(nsHelm, nsPlugin, ['upgrade', 'pf', CHART, '-f', bad, atomic]);
    assert.is(r.plain.exitCode, 1);
    assert.is(r.plugin.exitCode, 3, r.plugin.stderr);
    assert.match(
      r.plugin.stderr,
      new RegExp(`has been rolled back due to ${major === 3 ? 'atomic' : 'rollback-on-failure'} being set`),
    );
    const state = await releaseState(major, 'pf', nsPlugin);
    assert.equal(state, await releaseState(major, 'pf', nsHelm), 'same history after the atomic rollback');
    assert.equal(
      state?.history.map((h) => h.status),
      ['superseded', 'failed', 'deployed'],
    );

    const [nsHelm2, nsPlugin2] = await Promise.all([namespace(`ai${major}-helm`), namespace(`ai${major}-plugin`)]);
    r = await both(nsHelm2, nsPlugin2, ['install', 'pf', CHART, '-f', bad, atomic]);
    assert.is(r.plain.exitCode, 1);
    assert.is(r.plugin.exitCode, 3, r.plugin.stderr);
    assert.match(
      r.plugin.stderr,
      new RegExp(`has been uninstalled due to ${major === 3 ? 'atomic' : 'rollback-on-failure'} being set`),
    );
    assert.is(await releaseState(major, 'pf', nsHelm2), undefined, 'helm uninstalled it');
    assert.is(await releaseState(major, 'pf', nsPlugin2), undefined, 'the plugin uninstalled it');
    await Promise.all([nsHelm, nsPlugin, nsHelm2, nsPlugin2].map(dropNamespace));
  });

  s(
    'a manifest helm refuses: the pre hook runs exactly when plain helm runs it (one validation per command)',
    async () => {
      const refused = valuesFile({
        configmap: { enabled: true, data: 'x', invalid: true },
        hooks: [{ name: 'migrate', kind: 'Job', events: 'pre-install', weight: '0', runFor: '200ms' }],
      });
      const outcome = async (tool: 'helm' | 'plugin') => {
        const ns = await namespace(`refused${major}${tool[0]}`);
        const rec = await record(ns);
        const args = ['install', 'refused', CHART, '-n', ns, '-f', refused];
        const r = await helm(major, tool === 'helm' ? args : ['parallel-hooks', ...args, '--hook-parallelism', '2']);
        const recs = await rec.stop();
        const state = await releaseState(major, 'refused', ns);
        const objects = await objectsIn(ns);
        await dropNamespace(ns);
        return {
          failed: r.exitCode !== 0,
          hookRan: find(recs, 'Job', 'migrate').length > 0,
          history: state?.history ?? 'no release',
          configMap: objects.includes('ConfigMap/refused-main'),
          stderr: r.stderr,
        };
      };
      const plain = await outcome('helm');
      const plugin = await outcome('plugin');
      assert.ok(plain.failed, `plain helm refuses the manifest (stderr: ${plain.stderr})`);
      assert.ok(plugin.failed, `the plugin fails too (stderr: ${plugin.stderr})`);
      assert.match(plugin.stderr, /count|string/, "helm's own refusal is shown");
      assert.is(plugin.hookRan, plain.hookRan, `the pre-install hook ran with plain helm: ${plain.hookRan}`);
      assert.equal(plugin.history, plain.history, 'the same release record');
      assert.is(plugin.configMap, plain.configMap, 'the same objects applied');
    },
  );

  s.run();
}
