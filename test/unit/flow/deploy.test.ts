/**
 * install and upgrade through commands/ against the fake API server and the fake helm: the release records
 * the plugin writes around helm's --no-hooks call (pending states, last runs, the restore of what helm
 * superseded while post hooks run, helm's failure descriptions, --atomic), for every pinned helm release.
 * The rules are docs/HELM-SEMANTICS.md §3 and §4; the conformance suite checks the same against real helm.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { configMap, eachHelm, job, NS } from './harness.js';

const atomicFlag = (major: number) => (major >= 4 ? '--rollback-on-failure' : '--atomic');

eachHelm(
  test,
  'install: pending-install for pre hooks, removed for helm, pending again for post hooks, deployed',
  async (w) => {
    const chart = w.helm.chart({
      name: 'app',
      hooks: [job('migrate', ['pre-install']), job('notify', ['post-install'])],
    });
    const r = await w.run('install', ['rel', chart, '-n', NS]);
    assert.is(r.code, 0, String(r.error));
    assert.equal(w.recordTrail('rel'), [
      'p v1:pending-install',
      'p v1:-',
      'h v1:deployed',
      'p v1:pending-install',
      'p v1:deployed',
    ]);
    assert.is(w.statuses('rel'), '1:deployed');
    assert.is(w.cluster.history('rel', NS)[0]?.description, 'Install complete');
    assert.equal(w.phases('rel', 1), { migrate: 'Succeeded', notify: 'Succeeded' });
    assert.equal(
      w.helm.mainCalls().map((a) => a.at(-1)),
      ['--no-hooks'],
      'helm installed once, without hooks',
    );
  },
);

eachHelm(test, 'upgrade: pre hooks while revision 2 is pending-upgrade and 1 deployed', async (w) => {
  const chart = w.helm.chart({ name: 'app', hooks: [job('a', ['pre-upgrade']), job('b', ['pre-upgrade'])] });
  await w.installed('rel', chart);
  let duringPre = '';
  w.cluster.onWrite = (write) => {
    if (write.resource === 'jobs' && write.by === 'plugin' && write.verb !== 'delete') duringPre ||= w.statuses('rel');
  };
  const r = await w.run('upgrade', ['rel', chart, '-n', NS]);
  assert.is(r.code, 0, String(r.error));
  assert.is(duringPre, '1:deployed 2:pending-upgrade');
  assert.is(w.statuses('rel'), '1:superseded 2:deployed');
  assert.equal(w.phases('rel', 2), { a: 'Succeeded', b: 'Succeeded' });
});

eachHelm(test, 'upgrade: the replaced revision is deployed again while post hooks run, superseded after', async (w) => {
  const chart = w.helm.chart({ name: 'app', hooks: [job('post', ['post-upgrade'])] });
  await w.installed('rel', chart);
  let duringPost = '';
  w.cluster.onWrite = (write) => {
    if (write.resource === 'jobs' && write.by === 'plugin' && write.verb !== 'delete') duringPost ||= w.statuses('rel');
  };
  const r = await w.run('upgrade', ['rel', chart, '-n', NS]);
  assert.is(r.code, 0, String(r.error));
  assert.is(duringPost, '1:deployed 2:pending-upgrade');
  assert.equal(w.recordTrail('rel'), [
    'h v1:superseded',
    'h v2:deployed',
    'p v1:deployed',
    'p v2:pending-upgrade',
    'p v2:deployed',
    'p v1:superseded',
  ]);
  assert.equal(w.phases('rel', 2), { post: 'Succeeded' });
});

eachHelm(
  test,
  'upgrade --install of a new release runs the install events; of an existing one the upgrade events',
  async (w) => {
    const chart = w.helm.chart({
      name: 'app',
      hooks: [job('pre', ['pre-install', 'pre-upgrade']), job('post', ['post-install', 'post-upgrade'])],
    });
    const first = await w.run('upgrade', ['--install', 'rel', chart, '-n', NS]);
    assert.is(first.code, 0, String(first.error));
    assert.is(w.recordTrail('rel')[0], 'p v1:pending-install');
    w.forget();
    const second = await w.run('upgrade', ['--install', 'rel', chart, '-n', NS]);
    assert.is(second.code, 0, String(second.error));
    assert.is(w.recordTrail('rel')[0], 'p v2:pending-upgrade');
    assert.is(w.statuses('rel'), '1:superseded 2:deployed');
  },
);

eachHelm(
  test,
  'a chart rendering a hook differently on each call: the stored hooks are the ones that ran',
  async (w) => {
    const chart = w.helm.chart({ name: 'app', hooks: [configMap('secret-like', ['pre-install'], { random: true })] });
    const r = await w.run('install', ['rel', chart, '-n', NS]);
    assert.is(r.code, 0, String(r.error));
    const created = w.cluster.get('v1', 'configmaps', NS, 'secret-like');
    const stored = w.cluster.records('rel', NS)[0]?.hooks?.[0]?.manifest ?? '';
    const value = created?.metadata.annotations?.['fake/random'];
    assert.ok(value, 'the hook carries its random value');
    assert.ok(stored.includes(value as string), "helm get hooks shows the hook that ran, not helm main call's render");
  },
);

eachHelm(test, 'install: a pre-install hook fails while waited for: failed, helm never runs, exit 3', async (w) => {
  const chart = w.helm.chart({ name: 'app', hooks: [job('bad', ['pre-install']), job('post', ['post-install'])] });
  w.cluster.jobs.set('bad', 'fail');
  const r = await w.run('install', ['rel', chart, '-n', NS]);
  assert.is(r.code, 3, String(r.error));
  assert.is(w.statuses('rel'), '1:failed');
  assert.match(w.cluster.history('rel', NS)[0]?.description ?? '', /^Release "rel" failed: failed pre-install: /);
  assert.equal(w.phases('rel', 1), { bad: 'Failed', post: '' });
  assert.equal(w.helm.mainCalls(), [], 'helm was not asked to install');
});

eachHelm(
  test,
  'install: a failure in a tier: later tiers never start; hook-failed deleted; earlier hook-succeeded deleted from 3.19',
  async (w) => {
    const chart = w.helm.chart({
      name: 'app',
      hooks: [
        job('ok-a', ['pre-install'], { deletePolicies: ['hook-succeeded'] }),
        job('bad', ['pre-install'], { weight: 1, deletePolicies: ['hook-failed'] }),
        job('later', ['pre-install'], { weight: 2 }),
      ],
    });
    w.cluster.jobs.set('bad', 'fail');
    const r = await w.run('install', ['rel', chart, '-n', NS]);
    assert.is(r.code, 3);
    assert.equal(w.phases('rel', 1), { 'ok-a': 'Succeeded', bad: 'Failed', later: '' });
    const cleansUp = w.helmVersion !== 'v3.18.0';
    assert.equal(w.names('jobs'), cleansUp ? [] : ['ok-a']);
  },
);

eachHelm(test, 'upgrade: a pre-upgrade hook fails: the new revision failed, the old one stays deployed', async (w) => {
  const chart = w.helm.chart({ name: 'app', hooks: [job('bad', ['pre-upgrade'])] });
  await w.installed('rel', chart);
  w.cluster.jobs.set('bad', 'fail');
  const r = await w.run('upgrade', ['rel', chart, '-n', NS]);
  assert.is(r.code, 3);
  assert.is(w.statuses('rel'), '1:deployed 2:failed');
  assert.match(w.cluster.history('rel', NS)[1]?.description ?? '', /^Upgrade "rel" failed: pre-upgrade hooks failed: /);
  assert.equal(w.helm.mainCalls(), []);
});

eachHelm(
  test,
  'upgrade: a post-upgrade hook fails: the new revision failed, the replaced one still deployed',
  async (w) => {
    const chart = w.helm.chart({ name: 'app', hooks: [job('bad', ['post-upgrade'])] });
    await w.installed('rel', chart);
    w.cluster.jobs.set('bad', 'fail');
    const r = await w.run('upgrade', ['rel', chart, '-n', NS]);
    assert.is(r.code, 3);
    // helm supersedes the replaced revision only after the post hooks succeed.
    assert.is(w.statuses('rel'), '1:deployed 2:failed');
    assert.match(
      w.cluster.history('rel', NS)[1]?.description ?? '',
      /^Upgrade "rel" failed: post-upgrade hooks failed: /,
    );
    assert.equal(w.phases('rel', 2), { bad: 'Failed' });
  },
);

eachHelm(
  test,
  'helm main command fails: its exit code, post hooks not run, the pre hooks that ran kept in its record',
  async (w) => {
    const chart = w.helm.chart({ name: 'app', hooks: [job('pre', ['pre-upgrade']), job('post', ['post-upgrade'])] });
    await w.installed('rel', chart);
    w.helm.failMain = 1;
    const r = await w.run('upgrade', ['rel', chart, '-n', NS]);
    assert.is(r.code, 1);
    assert.is(w.statuses('rel'), '1:deployed 2:failed');
    assert.equal(w.phases('rel', 2), { pre: 'Succeeded', post: '' });
    assert.equal(w.names('jobs'), ['pre']);
  },
);

eachHelm(
  test,
  'install: a hook the API server refuses at create: failed at once, without the failure clean-up',
  async (w) => {
    const chart = w.helm.chart({
      name: 'app',
      hooks: [
        configMap('kept', ['pre-install'], { deletePolicies: ['hook-succeeded'] }),
        configMap('refused', ['pre-install'], { weight: 1, deletePolicies: ['hook-failed'] }),
      ],
    });
    w.cluster.refuseCreate.add('refused');
    const r = await w.run('install', ['rel', chart, '-n', NS]);
    assert.is(r.code, 3);
    assert.is(w.statuses('rel'), '1:failed');
    // helm records Running before it creates, then Failed when the create fails.
    assert.equal(w.phases('rel', 1), { kept: 'Succeeded', refused: 'Failed' });
    // A failure at creation returns at once: the earlier hook-succeeded hook is not cleaned up.
    assert.equal(w.names('configmaps'), ['kept']);
  },
);

eachHelm(
  test,
  'a hook object left over without before-hook-creation: helm 3 fails to create it, helm 4 applies it',
  async (w) => {
    w.cluster.put('v1', 'configmaps', { metadata: { name: 'leftover', namespace: NS }, data: { a: '1' } }, 'helm');
    const chart = w.helm.chart({
      name: 'app',
      hooks: [configMap('leftover', ['post-install'], { deletePolicies: ['hook-failed'] })],
    });
    const r = await w.run('install', ['rel', chart, '-n', NS]);
    if (w.major >= 4) {
      assert.is(r.code, 0, String(r.error));
      assert.is(w.statuses('rel'), '1:deployed');
    } else {
      assert.is(r.code, 3);
      assert.is(w.statuses('rel'), '1:failed');
      assert.match(
        w.cluster.history('rel', NS)[0]?.description ?? '',
        /failed post-install: [\s\S]*configmaps "leftover" already exists/,
      );
    }
  },
);

eachHelm(test, 'a hook-succeeded delete the API server refuses fails the event', async (w) => {
  const chart = w.helm.chart({
    name: 'app',
    hooks: [configMap('once', ['pre-install'], { deletePolicies: ['hook-succeeded'] })],
  });
  w.cluster.refuseDelete.add('once');
  const r = await w.run('install', ['rel', chart, '-n', NS]);
  assert.is(r.code, 3);
  assert.is(w.statuses('rel'), '1:failed');
  assert.equal(w.helm.mainCalls(), []);
});

eachHelm(
  test,
  'a hook of a kind the cluster does not serve: fails before any delete, no last run recorded',
  async (w) => {
    const chart = w.helm.chart({
      name: 'app',
      hooks: [{ name: 'widget', kind: 'Widget', apiVersion: 'example.com/v1', events: ['pre-install'] }],
    });
    const r = await w.run('install', ['rel', chart, '-n', NS]);
    assert.is(r.code, 3);
    assert.is(w.statuses('rel'), '1:failed');
    assert.equal(w.phases('rel', 1), { widget: '' });
    assert.ok(!w.cluster.writes.some((x) => x.verb === 'delete' && x.name === 'widget'));
  },
);

eachHelm(
  test,
  'install: interrupted while a pre hook is waited for: failed, "context canceled", exit 130',
  async (w) => {
    const chart = w.helm.chart({ name: 'app', hooks: [job('slow', ['pre-install'])] });
    w.cluster.jobs.set('slow', 'hang');
    const abort = new AbortController();
    w.cluster.onWrite = (write) => {
      if (write.resource === 'pods' && write.by === 'controller') abort.abort();
    };
    const r = await w.run('install', ['rel', chart, '-n', NS], { signal: abort.signal });
    assert.is(r.code, 130);
    assert.is(w.statuses('rel'), '1:failed');
    assert.is(w.cluster.history('rel', NS)[0]?.description, 'Release "rel" failed: context canceled');
    assert.equal(w.helm.mainCalls(), []);
  },
);

eachHelm(test, 'upgrade: interrupted during post hooks: the new revision failed, "context canceled"', async (w) => {
  const chart = w.helm.chart({ name: 'app', hooks: [job('slow', ['post-upgrade'])] });
  await w.installed('rel', chart);
  w.cluster.jobs.set('slow', 'hang');
  const abort = new AbortController();
  w.cluster.onWrite = (write) => {
    if (write.resource === 'pods' && write.by === 'controller') abort.abort();
  };
  const r = await w.run('upgrade', ['rel', chart, '-n', NS], { signal: abort.signal });
  assert.is(r.code, 130);
  assert.is(w.cluster.history('rel', NS)[1]?.description, 'Upgrade "rel" failed: context canceled');
  assert.is(w.statuses('rel').split(' ')[1], '2:failed');
});

eachHelm(
  test,
  "upgrade --atomic / --rollback-on-failure: a failed post hook rolls back, the target revision's rollback hooks included",
  async (w) => {
    const v1 = w.helm.chart({ name: 'app', hooks: [job('rb', ['pre-rollback'])] });
    await w.installed('rel', v1);
    const v2 = w.helm.chart({ name: 'app', hooks: [job('bad', ['post-upgrade']), job('rb', ['pre-rollback'])] });
    w.cluster.jobs.set('bad', 'fail');
    const r = await w.run('upgrade', ['rel', v2, '-n', NS, atomicFlag(w.major), '--timeout', '60s', '--wait-for-jobs']);
    assert.is(r.code, 3);
    assert.match(
      String((r.error as { hint?: string }).hint),
      /has been rolled back due to (atomic|rollback-on-failure) being set/,
    );
    assert.is(w.statuses('rel'), '1:superseded 2:failed 3:deployed');
    assert.is(w.cluster.history('rel', NS)[2]?.description, 'Rollback to 1');
    assert.equal(w.phases('rel', 3), { rb: 'Succeeded' });
    const rollback = w.helm.mainCalls().find((a) => a[0] === 'rollback') ?? [];
    assert.equal(rollback.slice(0, 3), ['rollback', 'rel', '1']);
    assert.ok(rollback.includes('--no-hooks'));
    // helm carries --timeout and --wait-for-jobs into the rollback, and waits (helm 4: the watcher).
    assert.ok(rollback.includes('--wait-for-jobs') && rollback.includes('60s'), rollback.join(' '));
    assert.ok(rollback.includes(w.major >= 4 ? '--wait=watcher' : '--wait'), rollback.join(' '));
  },
);

eachHelm(test, 'install --atomic / --rollback-on-failure: a failed post hook uninstalls the release', async (w) => {
  const chart = w.helm.chart({ name: 'app', hooks: [job('bad', ['post-install'])] });
  w.cluster.jobs.set('bad', 'fail');
  const r = await w.run('install', ['rel', chart, '-n', NS, atomicFlag(w.major)]);
  assert.is(r.code, 3);
  assert.match(String((r.error as { hint?: string }).hint), /has been uninstalled/);
  assert.is(w.statuses('rel'), '', 'no record left');
  assert.equal(w.names('configmaps'), []);
});

eachHelm(test, '--cleanup-on-fail: a failed post-upgrade hook deletes what the upgrade created', async (w) => {
  await w.installed('rel', w.helm.chart({ name: 'app', hooks: [], resources: ['old'] }));
  const v2 = w.helm.chart({ name: 'app', hooks: [job('bad', ['post-upgrade'])], resources: ['old', 'new'] });
  w.cluster.jobs.set('bad', 'fail');
  const r = await w.run('upgrade', ['rel', v2, '-n', NS, '--cleanup-on-fail']);
  assert.is(r.code, 3);
  assert.equal(w.names('configmaps'), ['old', 'rel-main']);
});

eachHelm(test, 'install of a name in use: helm refuses in its own words, no hook runs, nothing written', async (w) => {
  await w.installed('rel', w.helm.chart({ name: 'app', hooks: [job('first', ['post-install'])] }));
  const again = w.helm.chart({ name: 'app', hooks: [job('again', ['pre-install'])] });
  const r = await w.run('install', ['rel', again, '-n', NS]);
  assert.is(r.code, 1);
  assert.equal(w.names('jobs'), ['first']);
  assert.equal(w.recordTrail('rel'), []);
});

eachHelm(
  test,
  'another run stores the revision between the render and the plugin: refused, no hook runs',
  async (w) => {
    const chart = w.helm.chart({ name: 'app', hooks: [job('pre', ['pre-upgrade'])] });
    await w.installed('rel', chart);
    w.helm.afterRender = (release) =>
      w.helm.storeRecord({ ...release, info: { ...release.info, status: 'pending-upgrade' } });
    const r = await w.run('upgrade', ['rel', chart, '-n', NS]);
    assert.is(r.code, 1);
    assert.match(String((r.error as Error).message), /another operation \(install\/upgrade\/rollback\) is in progress/);
    assert.equal(w.names('jobs'), [], 'no hook ran');
    assert.equal(w.helm.mainCalls(), []);
  },
);

eachHelm(
  test,
  "--generate-name: the hooks run under the name of helm's render, and helm installs that name",
  async (w) => {
    const chart = w.helm.chart({ name: 'app', hooks: [job('pre', ['pre-install'])] });
    const r = await w.run('install', [chart, '--generate-name', '-n', NS]);
    assert.is(r.code, 0, String(r.error));
    const [main] = w.helm.mainCalls();
    const name = main?.[1] ?? '';
    assert.match(name, /^app-\d+$/);
    assert.ok(!main?.includes('--generate-name'), 'helm is given the name, not asked for a new one');
    assert.is(w.statuses(name), '1:deployed');
    assert.equal(w.phases(name, 1), { pre: 'Succeeded' });
  },
);

eachHelm(test, '--create-namespace: the namespace exists before the first pre-install hook', async (w) => {
  const chart = w.helm.chart({ name: 'app', hooks: [configMap('pre', ['pre-install'])] });
  const r = await w.run('install', ['rel', chart, '-n', 'fresh', '--create-namespace']);
  assert.is(r.code, 0, String(r.error));
  const order = w.cluster.writes.filter((x) => x.by === 'plugin').map((x) => `${x.verb} ${x.resource}/${x.name}`);
  const ns = order.indexOf('create namespaces/fresh');
  const hook = order.findIndex((x) => x.endsWith('configmaps/pre') && !x.startsWith('delete'));
  assert.ok(ns >= 0 && ns < hook, order.join(', '));
});

test.run();
