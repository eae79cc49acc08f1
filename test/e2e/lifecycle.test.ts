/**
 * Lifecycle through the plugin at N=8: hooks run at the points where helm runs them, for install, upgrade,
 * upgrade --install of a new release, rollback (the target revision's hooks), uninstall, --create-namespace,
 * --dry-run (nothing runs) and --wait (post hooks only once the workload is ready).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CHART,
  dropNamespace,
  find,
  helm,
  kube,
  MAJORS,
  namespace,
  objectsIn,
  type Recorded,
  record,
  releaseState,
  valuesFile,
} from './harness.js';

/** Hooks named after their revision (tag), so a rollback shows whose hooks ran. */
function lifecycleValues(tag: string, data: string, extra: object = {}) {
  const job = (name: string, events: string, weight = '0') => ({
    name: `${name}-${tag}`,
    kind: 'Job',
    events,
    weight,
    runFor: '500ms',
  });
  return valuesFile({
    configmap: { data },
    hooks: [
      job('pre-i', 'pre-install'),
      job('post-i', 'post-install'),
      job('pre-u', 'pre-upgrade'),
      job('post-u', 'post-upgrade'),
      job('pre-rb', 'pre-rollback'),
      job('post-rb', 'post-rollback'),
      job('pre-d', 'pre-delete'),
      job('post-d', 'post-delete'),
      { name: `cm-pre-${tag}`, kind: 'ConfigMap', events: 'pre-install,pre-upgrade', weight: '0' },
    ],
    ...extra,
  });
}

function created(recs: Recorded[]): string[] {
  return recs.filter((r) => r.kind === 'Job' && !r.preexisting).map((r) => r.name);
}
function one(recs: Recorded[], kind: string, name: string): Recorded {
  const found = find(recs, kind, name);
  assert.is(found.length, 1, `${kind}/${name} recorded once`);
  return found[0] as Recorded;
}

const P = ['--hook-parallelism', '8'];

for (const major of MAJORS) {
  const s = suite(`lifecycle, helm ${major}, N=8`);
  let ns = '';
  s.before(async () => {
    ns = await namespace(`life${major}`);
  });
  s.after(async () => dropNamespace(ns));

  s("install: pre-install hooks before the release's resources, post-install after", async () => {
    const rec = await record(ns);
    const r = await helm(major, [
      'parallel-hooks',
      'install',
      'life',
      CHART,
      '-n',
      ns,
      '-f',
      lifecycleValues('r1', 'v1'),
      ...P,
    ]);
    const recs = await rec.stop();
    assert.is(r.exitCode, 0, r.stderr);
    assert.equal(created(recs).sort(), ['post-i-r1', 'pre-i-r1']);
    const main = one(recs, 'ConfigMap', 'life-main');
    assert.ok(
      one(recs, 'Job', 'pre-i-r1').finishedRv! < main.createdRv,
      'pre-install finished before the chart was applied',
    );
    assert.ok(one(recs, 'Job', 'post-i-r1').createdRv > main.createdRv, 'post-install after the chart was applied');
    assert.equal((await releaseState(major, 'life', ns))?.status, 'deployed');
  });

  s('upgrade: pre-upgrade before the update, post-upgrade after; no install hooks', async () => {
    const rec = await record(ns);
    const r = await helm(major, [
      'parallel-hooks',
      'upgrade',
      'life',
      CHART,
      '-n',
      ns,
      '-f',
      lifecycleValues('r2', 'v2'),
      ...P,
    ]);
    const recs = await rec.stop();
    assert.is(r.exitCode, 0, r.stderr);
    assert.equal(created(recs).sort(), ['post-u-r2', 'pre-u-r2']);
    const update = Math.min(...one(recs, 'ConfigMap', 'life-main').modifiedRvs);
    assert.ok(one(recs, 'Job', 'pre-u-r2').finishedRv! < update, 'pre-upgrade finished before the update');
    assert.ok(one(recs, 'Job', 'post-u-r2').createdRv > update, 'post-upgrade after the update');
    const state = await releaseState(major, 'life', ns);
    assert.is(state?.revision, 2);
  });

  s("rollback to revision 1 runs revision 1's rollback hooks", async () => {
    const rec = await record(ns);
    const r = await helm(major, ['parallel-hooks', 'rollback', 'life', '1', '-n', ns, ...P]);
    const recs = await rec.stop();
    assert.is(r.exitCode, 0, r.stderr);
    assert.equal(
      created(recs).sort(),
      ['post-rb-r1', 'pre-rb-r1'],
      "the target revision's hooks, not the current one's",
    );
    const update = Math.min(...one(recs, 'ConfigMap', 'life-main').modifiedRvs);
    assert.ok(one(recs, 'Job', 'pre-rb-r1').finishedRv! < update && one(recs, 'Job', 'post-rb-r1').createdRv > update);
    const state = await releaseState(major, 'life', ns);
    assert.equal([state?.revision, state?.status], [3, 'deployed']);
  });

  s('uninstall: pre-delete before the resources go, post-delete after', async () => {
    const rec = await record(ns);
    const r = await helm(major, ['parallel-hooks', 'uninstall', 'life', '-n', ns, ...P]);
    const recs = await rec.stop();
    assert.is(r.exitCode, 0, r.stderr);
    // revision 3 is a copy of revision 1: its delete hooks are r1's
    assert.equal(created(recs).sort(), ['post-d-r1', 'pre-d-r1']);
    const gone = one(recs, 'ConfigMap', 'life-main').deletedRv!;
    assert.ok(one(recs, 'Job', 'pre-d-r1').finishedRv! < gone && one(recs, 'Job', 'post-d-r1').createdRv > gone);
    assert.is(await releaseState(major, 'life', ns), undefined, 'release gone');
  });

  s('upgrade --install of a new release runs the install hooks', async () => {
    const rec = await record(ns);
    const r = await helm(major, [
      'parallel-hooks',
      'upgrade',
      '--install',
      'fresh',
      CHART,
      '-n',
      ns,
      '-f',
      lifecycleValues('new', 'v1'),
      ...P,
    ]);
    const recs = await rec.stop();
    assert.is(r.exitCode, 0, r.stderr);
    assert.equal(created(recs).sort(), ['post-i-new', 'pre-i-new']);
  });

  s('--create-namespace: the namespace exists before the pre-install hooks', async () => {
    const target = await namespace(`newns${major}`, false);
    const r = await helm(major, [
      'parallel-hooks',
      'install',
      'cns',
      CHART,
      '-n',
      target,
      '--create-namespace',
      '-f',
      lifecycleValues('c', 'v1'),
      ...P,
    ]);
    assert.is(r.exitCode, 0, r.stderr);
    const objects = await objectsIn(target);
    assert.ok(objects.includes('Job/pre-i-c') && objects.includes('Job/post-i-c'), objects.join(', '));
    const nsObj = await kube().core.readNamespace({ name: target });
    assert.is(nsObj.metadata?.labels?.name, target, 'labelled name=<ns> as helm does');
    await dropNamespace(target);
  });

  s('--dry-run: the plan is printed and nothing runs', async () => {
    const target = await namespace(`dry${major}`);
    const rec = await record(target);
    const r = await helm(major, [
      'parallel-hooks',
      'install',
      'dry',
      CHART,
      '-n',
      target,
      '--dry-run=server',
      '-f',
      lifecycleValues('d', 'v1'),
      ...P,
    ]);
    const recs = await rec.stop();
    assert.is(r.exitCode, 0, r.stderr);
    assert.match(r.stderr, /pre-install: 2 hook\(s\), 1 tier\(s\), parallelism 8/);
    assert.match(r.stderr, /Job\/pre-i-d/);
    assert.equal(
      recs.filter((x) => !x.preexisting).map((x) => `${x.kind}/${x.name}`),
      [],
      'nothing was created',
    );
    assert.is(await releaseState(major, 'dry', target), undefined);
    await dropNamespace(target);
  });

  s('--wait: post-install hooks start only after the workload is ready', async () => {
    const target = await namespace(`wait${major}`);
    const rec = await record(target);
    const values = lifecycleValues('w', 'v1', { deployment: { enabled: true, readyAfter: '3s' } });
    const r = await helm(major, ['parallel-hooks', 'install', 'wt', CHART, '-n', target, '--wait', '-f', values, ...P]);
    const recs = await rec.stop();
    assert.is(r.exitCode, 0, r.stderr);
    const ready = one(recs, 'Deployment', 'wt-app').finishedRv;
    assert.ok(ready !== undefined, 'the Deployment became ready');
    assert.ok(one(recs, 'Job', 'post-i-w').createdRv > ready!, 'post-install created after the Deployment was ready');
    await dropNamespace(target);
  });

  s('control: without --wait, post-install hooks do not wait for the workload', async () => {
    const target = await namespace(`nowait${major}`);
    const rec = await record(target);
    const values = lifecycleValues('nw', 'v1', { deployment: { enabled: true, readyAfter: '3s' } });
    const r = await helm(major, ['parallel-hooks', 'install', 'nw', CHART, '-n', target, '-f', values, ...P]);
    const recs = await rec.stop();
    assert.is(r.exitCode, 0, r.stderr);
    const ready = one(recs, 'Deployment', 'nw-app').finishedRv ?? Number.POSITIVE_INFINITY;
    assert.ok(one(recs, 'Job', 'post-i-nw').createdRv < ready, 'post-install created before the Deployment was ready');
    await dropNamespace(target);
  });

  s.run();
}
