/**
 * Kind-first: a ServiceAccount and a Job that uses it, same weight, the Job sorted first by name. Serially
 * (helm, and the plugin at N=1) the Job waits for a ServiceAccount that is only created after it: it cannot
 * start and the hook times out. At N>1 the plugin creates the ServiceAccount first and succeeds.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CHART, dropNamespace, find, helm, MAJORS, namespace, record, valuesFile } from './harness.js';

const values = valuesFile({
  hooks: [
    { name: 'a-migrate', kind: 'Job', events: 'pre-install', weight: '0', runFor: '500ms', serviceAccount: 'z-runner' },
    { name: 'z-runner', kind: 'ServiceAccount', events: 'pre-install', weight: '0' },
  ],
});

for (const major of MAJORS) {
  const s = suite(`kind-first, helm ${major}`);

  s('N=4: the ServiceAccount is created before the Job that uses it', async () => {
    const ns = await namespace(`kf${major}`);
    const rec = await record(ns);
    const r = await helm(major, [
      'parallel-hooks',
      'install',
      'kf',
      CHART,
      '-n',
      ns,
      '-f',
      values,
      '--hook-parallelism',
      '4',
    ]);
    const recs = await rec.stop();
    assert.is(r.exitCode, 0, r.stderr);
    const [sa] = find(recs, 'ServiceAccount', 'z-runner');
    const [job] = find(recs, 'Job', 'a-migrate');
    assert.ok(sa && job && sa.createdRv < job.createdRv, 'ServiceAccount first');
    assert.ok(job?.finishedAt !== undefined && !job.failed, 'the Job ran');
    await dropNamespace(ns);
  });

  s(
    'serially, as helm: the Job comes first by name and cannot start (timeout), with plain helm and at N=1',
    async () => {
      const nsHelm = await namespace(`kf${major}-helm`);
      const nsPlugin = await namespace(`kf${major}-n1`);
      const [plain, serial] = await Promise.all([
        helm(major, ['install', 'kf', CHART, '-n', nsHelm, '-f', values, '--timeout', '6s']),
        helm(major, ['parallel-hooks', 'install', 'kf', CHART, '-n', nsPlugin, '-f', values, '--timeout', '6s']),
      ]);
      assert.is(plain.exitCode, 1, 'plain helm fails');
      assert.is(serial.exitCode, 3, 'the plugin at N=1 fails the same way, with its hook-failure exit code');
      assert.match(serial.stderr, /Job\/a-migrate .*timed out/);
      await Promise.all([dropNamespace(nsHelm), dropNamespace(nsPlugin)]);
    },
  );

  s.run();
}
