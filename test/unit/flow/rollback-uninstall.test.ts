/**
 * rollback and uninstall through commands/ against the fake API server and the fake helm: which revision's
 * hooks run, what the records say meanwhile and after (docs/HELM-SEMANTICS.md §4), and when helm is left
 * to do it all as typed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { eachHelm, job, NS } from './harness.js';

eachHelm(
  test,
  "rollback: the target revision's hooks, the new revision pending-rollback meanwhile, deployed after",
  async (w) => {
    await w.installed(
      'rel',
      w.helm.chart({ name: 'app', hooks: [job('pre-rb', ['pre-rollback']), job('post-rb', ['post-rollback'])] }),
    );
    assert.is(
      (
        await w.run('upgrade', [
          'rel',
          w.helm.chart({ name: 'app', hooks: [job('other', ['pre-rollback'])] }),
          '-n',
          NS,
        ])
      ).code,
      0,
      'set-up upgrade',
    );
    w.forget();
    const seen: string[] = [];
    w.cluster.onWrite = (write) => {
      if (write.resource === 'jobs' && write.by === 'plugin' && write.verb !== 'delete')
        seen.push(`${write.name} ${w.statuses('rel')}`);
    };
    const r = await w.run('rollback', ['rel', '1', '-n', NS]);
    assert.is(r.code, 0, String(r.error));
    assert.equal(seen, [
      'pre-rb 1:superseded 2:deployed 3:pending-rollback',
      'post-rb 1:superseded 2:deployed 3:pending-rollback',
    ]);
    assert.is(w.statuses('rel'), '1:superseded 2:superseded 3:deployed');
    assert.is(w.cluster.history('rel', NS)[2]?.description, 'Rollback to 1');
    assert.equal(w.phases('rel', 3), { 'pre-rb': 'Succeeded', 'post-rb': 'Succeeded' });
    assert.equal(w.helm.mainCalls(), [['rollback', 'rel', '1', '-n', NS, '--no-hooks']]);
  },
);

eachHelm(
  test,
  'rollback: a failed pre-rollback hook leaves the new revision pending-rollback, its hook Running; helm then refuses an upgrade',
  async (w) => {
    const chart = w.helm.chart({ name: 'app', hooks: [job('prerb', ['pre-rollback'])] });
    await w.installed('rel', chart);
    assert.is((await w.run('upgrade', ['rel', chart, '-n', NS])).code, 0, 'set-up upgrade');
    w.cluster.jobs.set('prerb', 'fail');
    const r = await w.run('rollback', ['rel', '1', '-n', NS]);
    assert.is(r.code, 3);
    assert.is(w.statuses('rel'), '1:superseded 2:deployed 3:pending-rollback');
    assert.equal(w.phases('rel', 3), { prerb: 'Running' });
    const next = await w.run('upgrade', ['rel', chart, '-n', NS]);
    assert.is(next.code, 1, 'another operation is in progress');
    assert.is(w.statuses('rel'), '1:superseded 2:deployed 3:pending-rollback');
  },
);

eachHelm(
  test,
  'rollback to a revision without rollback hooks, and rollback --no-hooks: helm alone, as typed',
  async (w) => {
    await w.installed('rel', w.helm.chart({ name: 'app', hooks: [job('post', ['post-install'])] }));
    assert.is(
      (await w.run('upgrade', ['rel', w.helm.chart({ name: 'app', hooks: [job('rb', ['pre-rollback'])] }), '-n', NS]))
        .code,
      0,
      'set-up upgrade',
    );
    w.forget();
    assert.is((await w.run('rollback', ['rel', '1', '-n', NS])).code, 0);
    assert.is((await w.run('rollback', ['rel', '2', '-n', NS, '--no-hooks'])).code, 0);
    assert.equal(w.helm.mainCalls(), [
      ['rollback', 'rel', '1', '-n', NS],
      ['rollback', 'rel', '2', '-n', NS, '--no-hooks'],
    ]);
    assert.equal(w.names('jobs'), ['post']);
    assert.equal(
      w.recordTrail('rel').filter((e) => e.startsWith('p ')),
      [],
      'the plugin wrote no record',
    );
  },
);

eachHelm(
  test,
  'uninstall: pre-delete while the release is uninstalling, helm removes it, then post-delete',
  async (w) => {
    await w.installed(
      'rel',
      w.helm.chart({ name: 'app', hooks: [job('predel', ['pre-delete']), job('postdel', ['post-delete'])] }),
    );
    const seen: string[] = [];
    w.cluster.onWrite = (write) => {
      if (write.resource === 'jobs' && write.by === 'plugin' && write.verb !== 'delete')
        seen.push(`${write.name} ${w.statuses('rel')}`);
    };
    const r = await w.run('uninstall', ['rel', '-n', NS]);
    assert.is(r.code, 0, String(r.error));
    assert.equal(seen, ['predel 1:uninstalling', 'postdel ']);
    assert.is(w.statuses('rel'), '');
    assert.equal(w.helm.mainCalls(), [['uninstall', 'rel', '-n', NS, '--no-hooks']]);
  },
);

eachHelm(test, 'uninstall --keep-history: the record ends uninstalled; a second uninstall runs no hook', async (w) => {
  await w.installed('rel', w.helm.chart({ name: 'app', hooks: [job('predel', ['pre-delete'])] }));
  assert.is((await w.run('uninstall', ['rel', '-n', NS, '--keep-history'])).code, 0);
  assert.is(w.statuses('rel'), '1:uninstalled');
  assert.equal(w.phases('rel', 1), { predel: 'Succeeded' });
  w.forget();
  assert.is((await w.run('uninstall', ['rel', '-n', NS])).code, 0);
  assert.is(w.statuses('rel'), '', 'the kept history purged');
  assert.equal(
    w.cluster.writes.filter((x) => x.resource === 'jobs'),
    [],
    'no hook ran for a release already uninstalled',
  );
  assert.equal(w.helm.mainCalls(), [['uninstall', 'rel', '-n', NS]]);
});

eachHelm(
  test,
  'uninstall: a failed pre-delete hook leaves the release uninstalling and nothing deleted, exit 3',
  async (w) => {
    await w.installed('rel', w.helm.chart({ name: 'app', hooks: [job('predel', ['pre-delete'])] }));
    w.cluster.jobs.set('predel', 'fail');
    const r = await w.run('uninstall', ['rel', '-n', NS]);
    assert.is(r.code, 3);
    assert.is(w.statuses('rel'), '1:uninstalling');
    assert.is(w.cluster.history('rel', NS)[0]?.description, 'Deletion in progress (or silently failed)');
    assert.ok(w.names('configmaps').includes('rel-main'), "the release's resources are still there");
    assert.equal(w.helm.mainCalls(), []);
  },
);

eachHelm(
  test,
  'uninstall: a failed post-delete hook: the uninstall is done, the failure reported, exit 3',
  async (w) => {
    await w.installed('rel', w.helm.chart({ name: 'app', hooks: [job('postdel', ['post-delete'])] }));
    w.cluster.jobs.set('postdel', 'fail');
    const r = await w.run('uninstall', ['rel', '-n', NS]);
    assert.is(r.code, 3);
    assert.is(w.statuses('rel'), '');
    assert.ok(!w.names('configmaps').includes('rel-main'));
    assert.match(String(r.error), /post-delete hooks failed: 1 hook did not succeed/);
    assert.equal(
      r.reporter.finished.map((f) => `${f.hook.name} ${f.ok ? 'ok' : `failed at ${f.stage}`}`),
      ['postdel failed at wait'],
      'the failed hook reported',
    );
  },
);

eachHelm(
  test,
  'uninstall of a release without delete hooks, or of several: helm alone for those, hooks for the others',
  async (w) => {
    await w.installed('plain', w.helm.chart({ name: 'a', hooks: [job('post', ['post-install'])] }));
    await w.installed('hooked', w.helm.chart({ name: 'b', hooks: [job('predel', ['pre-delete'])] }));
    const r = await w.run('uninstall', ['plain', 'hooked', '-n', NS]);
    assert.is(r.code, 0, String(r.error));
    assert.equal(w.helm.mainCalls(), [
      ['uninstall', 'plain', '-n', NS],
      ['uninstall', 'hooked', '-n', NS, '--no-hooks'],
    ]);
    assert.equal(w.statuses('plain') + w.statuses('hooked'), '');
  },
);

test.run();
