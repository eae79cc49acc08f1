/**
 * The plugin's own rules, through commands/ against the fake API server and the fake helm: concurrency per
 * tier and its limits (--hook-parallelism, the serial annotation, the chart's cap), refusals before anything
 * runs (exit 2, nothing written), --dry-run, and helm's per-version reading of a Job deleted while waited
 * for (docs/HELM-SEMANTICS.md §3 step 4).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Write } from './fake-cluster.js';
import { configMap, eachHelm, job, NS, type World } from './harness.js';

const SOME = (v: string) => v === 'v3.18.0' || v === 'v4.3.1';

/** Holds every Job; releases them all once `count` are running at once (or after 2 s without a new one). */
function releaseWhenRunning(w: World, count: number): { most: () => number } {
  let running: string[] = [];
  let most = 0;
  let idle: NodeJS.Timeout | undefined;
  const releaseAll = () => {
    const names = running;
    running = [];
    for (const name of names) w.cluster.finishJob(NS, name);
  };
  w.cluster.onWrite = (write: Write) => {
    if (write.resource !== 'jobs' || write.by !== 'plugin' || write.verb === 'delete') return;
    w.cluster.jobs.set(write.name, 'hold');
    running.push(write.name);
    most = Math.max(most, running.length);
    clearTimeout(idle);
    if (running.length >= count) setImmediate(releaseAll);
    else idle = setTimeout(releaseAll, 2000);
  };
  return { most: () => most };
}

/** The order Jobs were created and finished in, from the writes: "+a" created, "-a" finished. */
function jobTimeline(w: World): string[] {
  return w.cluster.writes
    .filter((x) => x.resource === 'jobs' && x.verb !== 'delete')
    .map((x) => (x.by === 'plugin' ? `+${x.name}` : `-${x.name}`));
}

/** No Job was created while another was still running. */
function oneAtATime(timeline: string[]): boolean {
  let running = 0;
  for (const step of timeline) {
    running += step.startsWith('+') ? 1 : -1;
    if (running > 1) return false;
  }
  return true;
}

eachHelm(
  test,
  '--hook-parallelism 4: the Jobs of one weight run at once',
  async (w) => {
    for (const n of ['a', 'b', 'c']) w.cluster.jobs.set(n, 'hold');
    const chart = w.helm.chart({ name: 'app', hooks: ['a', 'b', 'c'].map((n) => job(n, ['pre-install'])) });
    const probe = releaseWhenRunning(w, 3);
    const r = await w.run('install', ['rel', chart, '-n', NS], { parallelism: 4 });
    assert.is(r.code, 0, String(r.error));
    assert.is(probe.most(), 3);
    assert.equal(w.phases('rel', 1), { a: 'Succeeded', b: 'Succeeded', c: 'Succeeded' });
  },
  SOME,
);

eachHelm(
  test,
  "--hook-parallelism 1 (the plugin's default; the harness's is 4) is helm: one hook at a time, in helm's order",
  async (w) => {
    const chart = w.helm.chart({
      name: 'app',
      hooks: [job('c', ['pre-install']), job('a', ['pre-install']), job('b', ['pre-install'], { weight: -1 })],
    });
    const r = await w.run('install', ['rel', chart, '-n', NS], { parallelism: 1 });
    assert.is(r.code, 0, String(r.error));
    const timeline = jobTimeline(w);
    assert.ok(oneAtATime(timeline), timeline.join(' '));
    assert.equal(r.reporter.started, ['b', 'a', 'c'], 'weight, then name');
  },
  SOME,
);

eachHelm(
  test,
  'a hook marked serial runs alone, in its place; the others of its weight still together',
  async (w) => {
    const chart = w.helm.chart({
      name: 'app',
      hooks: [
        job('a', ['pre-install']),
        job('b', ['pre-install'], { annotations: { 'helm-parallel-hooks.io/serial': 'true' } }),
        job('c', ['pre-install']),
        job('d', ['pre-install']),
      ],
    });
    const r = await w.run('install', ['rel', chart, '-n', NS], { parallelism: 8 });
    assert.is(r.code, 0, String(r.error));
    const timeline = jobTimeline(w);
    const b = timeline.indexOf('+b');
    // b starts only when a has finished and before c and d start; it ends before they start.
    assert.ok(
      timeline.indexOf('-a') < b && b < timeline.indexOf('+c') && timeline.indexOf('-b') < timeline.indexOf('+c'),
      timeline.join(' '),
    );
  },
  SOME,
);

eachHelm(
  test,
  "the chart's max-parallelism caps --hook-parallelism",
  async (w) => {
    const chart = w.helm.chart({
      name: 'app',
      annotations: { 'helm-parallel-hooks.io/max-parallelism': '1' },
      hooks: ['a', 'b', 'c'].map((n) => job(n, ['pre-install'])),
    });
    const r = await w.run('install', ['rel', chart, '-n', NS], { parallelism: 8 });
    assert.is(r.code, 0, String(r.error));
    assert.ok(oneAtATime(jobTimeline(w)), jobTimeline(w).join(' '));
  },
  SOME,
);

eachHelm(
  test,
  'an invalid plugin annotation: exit 2 before anything runs, nothing written, helm not asked',
  async (w) => {
    const chart = w.helm.chart({
      name: 'app',
      hooks: [
        configMap('ok', ['pre-install']),
        job('x', ['post-install'], { annotations: { 'helm-parallel-hooks.io/timeout': 'soon' } }),
      ],
    });
    const r = await w.run('install', ['rel', chart, '-n', NS]);
    assert.is(r.code, 2);
    assert.match(String((r.error as Error).message), /helm-parallel-hooks\.io\/timeout/);
    assert.equal(w.cluster.writes, []);
    assert.equal(w.helm.mainCalls(), []);
  },
);

eachHelm(test, 'an invalid --timeout or HELM_DRIVER: exit 2, nothing written', async (w) => {
  const chart = w.helm.chart({ name: 'app', hooks: [configMap('ok', ['pre-install'])] });
  assert.is((await w.run('install', ['rel', chart, '-n', NS, '--timeout', 'soon'])).code, 2);
  assert.is((await w.run('install', ['rel', chart, '-n', NS], { env: { HELM_DRIVER: 'sql' } })).code, 2);
  assert.equal(w.cluster.writes, []);
  assert.equal(w.helm.mainCalls(), []);
});

eachHelm(test, '--dry-run: the plan is printed, no hook runs, helm runs the dry run itself', async (w) => {
  const chart = w.helm.chart({ name: 'app', hooks: [job('pre', ['pre-install'])] });
  const r = await w.run('install', ['rel', chart, '-n', NS, '--dry-run']);
  assert.is(r.code, 0, String(r.error));
  assert.ok(
    r.reporter.notes.some((n) => /Job\/pre/.test(n)),
    r.reporter.notes.join('\n'),
  );
  assert.ok(r.reporter.notes.includes('dry run: no hook was run'));
  assert.equal(w.cluster.writes, []);
});

eachHelm(
  test,
  'a hook Job deleted while waited for: helm 3 counts it done, helm 4 fails at the timeout (NotFound)',
  async (w) => {
    const chart = w.helm.chart({ name: 'app', hooks: [job('vanishing', ['pre-install'])] });
    w.cluster.jobs.set('vanishing', 'hang');
    w.cluster.onWrite = (write) => {
      // Deleted once the plugin is surely waiting on it (its watch has seen the running pod long before).
      if (write.resource === 'pods' && write.verb === 'status')
        setTimeout(() => w.cluster.remove('batch/v1', 'jobs', NS, 'vanishing', 'controller'), 300);
    };
    const r = await w.run('install', ['rel', chart, '-n', NS, '--timeout', '2s']);
    if (w.major >= 4) {
      assert.is(r.code, 3);
      assert.match(w.cluster.history('rel', NS)[0]?.description ?? '', /NotFound/);
    } else {
      assert.is(r.code, 0, String(r.error));
      assert.is(w.statuses('rel'), '1:deployed');
    }
  },
  SOME,
);

eachHelm(
  test,
  "a failed Job's pods are listed once, for the diagnosis, the explanation and helm's hook-failed logs",
  async (w) => {
    const chart = w.helm.chart({
      name: 'app',
      hooks: [job('bad', ['pre-install'], { outputLogPolicies: ['hook-failed'] })],
    });
    w.cluster.jobs.set('bad', 'fail');
    const logs: string[] = [];
    const r = await w.run('install', ['rel', chart, '-n', NS], {
      onLogBlock: (title, lines) => logs.push(title, ...lines),
    });
    assert.is(r.code, 3);
    assert.equal(
      w.cluster.lists.filter((l) => l === 'pods?job-name=bad'),
      ['pods?job-name=bad'],
    );
    assert.ok(
      logs.some((l) => /log of bad-/.test(l)),
      `helm's hook-failed logs printed: ${logs.join(' | ')}`,
    );
    const bad = r.reporter.finished.find((f) => f.hook.name === 'bad');
    assert.match(
      bad?.reason ?? '',
      /; pod bad-\S+ container main exited 1 \(Error\)/,
      'the explanation names the exit code',
    );
    assert.equal(bad?.failedPods?.[0]?.containers, ['main'], 'names only travel to the reporters');
  },
  SOME,
);

/** How the plugin wrote each hook Job since the last forget: "create" or "apply", per name. */
function hookWrites(w: World): string[] {
  return w.cluster.writes
    .filter((x) => x.resource === 'jobs' && x.by === 'plugin' && x.verb !== 'delete' && x.verb !== 'status')
    .map((x) => `${x.verb} ${x.name}`);
}

eachHelm(
  test,
  "helm 4 creates or applies hooks per command, as the release records say (install's --server-side, upgrade and rollback's auto, delete hooks always applied)",
  async (w) => {
    const chart = w.helm.chart({
      name: 'app',
      hooks: [job('h', ['pre-install', 'pre-upgrade', 'pre-rollback', 'pre-delete'])],
    });
    const step = async (command: 'install' | 'upgrade' | 'rollback' | 'uninstall', args: string[]) => {
      w.forget();
      const r = await w.run(command, args);
      assert.is(r.code, 0, `${command} ${args.join(' ')}: ${String(r.error)}`);
      return hookWrites(w);
    };
    assert.equal(
      await step('install', ['rel', chart, '-n', NS, '--server-side=false']),
      ['create h'],
      'install, client-side',
    );
    assert.equal(
      await step('upgrade', ['rel', chart, '-n', NS]),
      ['create h'],
      'upgrade auto after a client-side release',
    );
    assert.equal(
      await step('upgrade', ['rel', chart, '-n', NS, '--server-side', 'true']),
      ['apply h'],
      'upgrade --server-side true',
    );
    assert.equal(
      await step('upgrade', ['rel', chart, '-n', NS]),
      ['apply h'],
      'upgrade auto after a server-side release',
    );
    assert.equal(
      await step('rollback', ['rel', '1', '-n', NS]),
      ['create h'],
      'rollback auto to a client-side revision',
    );
    assert.equal(
      await step('rollback', ['rel', '3', '-n', NS]),
      ['apply h'],
      'rollback auto to a server-side revision',
    );
    assert.equal(
      await step('rollback', ['rel', '3', '-n', NS, '--server-side=false']),
      ['create h'],
      'rollback --server-side=false',
    );
    assert.equal(await step('uninstall', ['rel', '-n', NS]), ['apply h'], 'delete hooks: always applied');
    assert.equal(await step('install', ['other', chart, '-n', NS]), ['apply h'], 'install: server-side by default');
  },
  (v) => v.startsWith('v4.'),
);

eachHelm(
  test,
  'helm 3 creates every hook',
  async (w) => {
    const chart = w.helm.chart({ name: 'app', hooks: [job('h', ['pre-install', 'pre-upgrade', 'pre-delete'])] });
    await w.installed('rel', chart);
    for (const [command, args] of [
      ['upgrade', ['rel', chart, '-n', NS]],
      ['uninstall', ['rel', '-n', NS]],
    ] as const) {
      w.forget();
      const r = await w.run(command, [...args]);
      assert.is(r.code, 0, String(r.error));
      assert.equal(hookWrites(w), ['create h'], command);
    }
  },
  (v) => v.startsWith('v3.'),
);

test.run();
