/** The planner: helm's order, tiers, steps and the parallelism in force (docs/HELM-SEMANTICS.md §2 and §7). */
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type Hook, LIFECYCLE_EVENTS } from '../../src/hooks/model.js';
import { hooksFromRelease } from '../../src/hooks/parse.js';
import { effectiveParallelism, helmOrder, planEvent, type Step } from '../../src/hooks/plan.js';
import type { ReleaseJson } from '../../src/hooks/release-json.js';
import { makeHook } from './hook-factory.js';

const hook = (name: string, over: Parameters<typeof makeHook>[1] = {}): Hook => makeHook(name, over);

const names = (hooks: readonly Hook[]) => hooks.map((h) => h.name);
const labels = (hooks: readonly Hook[]) => hooks.map((h) => `${h.kind}/${h.name}`);
/** A step as a short string: "serial:Job/a", "create:ServiceAccount/s,ConfigMap/c", "parallel:Job/x,Pod/y". */
function show(step: Step): string {
  return step.type === 'serial'
    ? `serial:${step.hook.kind}/${step.hook.name}`
    : `${step.type}:${labels(step.hooks).join(',')}`;
}

function fixtureHooks(version: string): Hook[] {
  const rel = JSON.parse(
    readFileSync(new URL(`../fixtures/helm/${version}/render-install.json`, import.meta.url), 'utf8'),
  ) as ReleaseJson;
  return hooksFromRelease(rel);
}

// ---- helmOrder

test('helmOrder: weight ascending, then name, whatever order the hooks come in', () => {
  const hooks = [
    hook('b', { weight: 0, kind: 'ConfigMap' }),
    hook('a', { weight: 0 }),
    hook('c', { weight: -1 }),
    hook('z', { weight: -10 }),
    hook('d', { weight: 2, kind: 'Secret' }),
  ];
  const expected = ['z', 'c', 'a', 'b', 'd'];
  assert.equal(names(helmOrder(hooks)), expected);
  assert.equal(names(helmOrder([...hooks].reverse())), expected);
  assert.equal(names(hooks), ['b', 'a', 'c', 'z', 'd'], 'the input is not sorted in place');
});

test("helmOrder: equal names keep render order (helm's kind order), never the order of the input array", () => {
  // helm renders a ServiceAccount before a Job; both are named "dup" and have weight 0.
  const sa = hook('dup', { kind: 'ServiceAccount' });
  const job = hook('dup', { kind: 'Job' });
  const cm = hook('dup', { kind: 'ConfigMap', weight: 1 });
  assert.equal(labels(helmOrder([job, cm, sa])), ['ServiceAccount/dup', 'Job/dup', 'ConfigMap/dup']);
  assert.equal(labels(helmOrder([sa, job, cm])), ['ServiceAccount/dup', 'Job/dup', 'ConfigMap/dup']);
  // If render order says otherwise, render order wins (the kind is not re-sorted by the plugin).
  const podFirst = hook('same', { kind: 'Pod', renderIndex: 100 });
  const secretLater = hook('same', { kind: 'Secret', renderIndex: 101 });
  assert.equal(labels(helmOrder([secretLater, podFirst])), ['Pod/same', 'Secret/same']);
});

test("helmOrder: names compare as bytes (helm's Go string <), not by locale", () => {
  const hooks = [hook('b'), hook('B'), hook('a-2'), hook('a-10'), hook('a')];
  assert.equal(names(helmOrder(hooks)), ['B', 'a', 'a-10', 'a-2', 'b']);
});

// ---- planEvent

test("planEvent on the recorded release: pre-install at N=1 is helm's order, one serial step per hook", () => {
  for (const version of ['3.18.0', '4.1.4']) {
    const plan = planEvent('pre-install', fixtureHooks(version), { parallelism: 1 });
    // pre-install hooks: sa-runner 0, sec 5, z-cm 0, a-job 0, neg -3 -> by weight, then name.
    assert.equal(names(plan.hooks), ['neg', 'a-job', 'sa-runner', 'z-cm', 'sec']);
    assert.equal(
      plan.tiers.map((t) => t.weight),
      [-3n, 0n, 5n],
    );
    assert.equal(
      plan.tiers.map((t) => names(t.hooks)),
      [['neg'], ['a-job', 'sa-runner', 'z-cm'], ['sec']],
    );
    assert.equal(
      plan.tiers.flatMap((t) => t.steps.map(show)),
      [
        'serial:Job/neg',
        'serial:Job/a-job',
        'serial:ServiceAccount/sa-runner',
        'serial:ConfigMap/z-cm',
        'serial:Secret/sec',
      ],
    );
    assert.is(plan.parallelism, 1);
    assert.is(plan.event, 'pre-install');
  }
});

test('planEvent on the recorded release: pre-install at N=4 creates the ServiceAccount and ConfigMap before the Job', () => {
  const plan = planEvent('pre-install', fixtureHooks('3.18.0'), { parallelism: 4 });
  assert.equal(
    plan.tiers.map((t) => t.steps.map(show)),
    [
      ['serial:Job/neg'],
      // ServiceAccount before ConfigMap (kind install order), then the tier's only Job: a single waited hook
      ['create:ServiceAccount/sa-runner,ConfigMap/z-cm', 'serial:Job/a-job'],
      ['create:Secret/sec'],
    ],
  );
  // The event's hook list (used for clean-up order) is still helm's order.
  assert.equal(names(plan.hooks), ['neg', 'a-job', 'sa-runner', 'z-cm', 'sec']);
  assert.is(plan.parallelism, 4);
});

test('planEvent on the recorded release: post-install, pre-upgrade and events without hooks', () => {
  const hooks = fixtureHooks('4.1.4');
  assert.equal(names(planEvent('post-install', hooks, { parallelism: 1 }).hooks), ['neg', 'bad-weight']);
  assert.equal(names(planEvent('pre-upgrade', hooks, { parallelism: 1 }).hooks), ['sa-runner']);
  for (const event of ['post-upgrade', 'pre-rollback', 'post-rollback', 'pre-delete', 'post-delete'] as const) {
    const plan = planEvent(event, hooks, { parallelism: 8 });
    assert.equal(plan.hooks, [], event);
    assert.equal(plan.tiers, [], event);
  }
});

test('planEvent: only the hooks of the event; test hooks never in any lifecycle event', () => {
  const hooks = [
    hook('t1', { events: ['test'], kind: 'Pod' }),
    hook('t2', { events: ['test-success'], kind: 'Pod' }),
    hook('both', { events: ['pre-upgrade', 'post-upgrade'] }),
    hook('pre', { events: ['pre-upgrade'] }),
    hook('del', { events: ['pre-delete'] }),
  ];
  for (const event of LIFECYCLE_EVENTS) {
    for (const parallelism of [1, 4]) {
      const plan = planEvent(event, hooks, { parallelism });
      const planned = [...names(plan.hooks), ...plan.tiers.flatMap((t) => names(t.hooks))];
      assert.not.ok(planned.includes('t1') || planned.includes('t2'), `${event} N=${parallelism}`);
      for (const h of plan.hooks) assert.ok(h.events.includes(event), `${h.name} in ${event}`);
    }
  }
  assert.equal(names(planEvent('pre-upgrade', hooks, { parallelism: 1 }).hooks), ['both', 'pre']);
  assert.equal(names(planEvent('post-upgrade', hooks, { parallelism: 1 }).hooks), ['both']);
  assert.equal(names(planEvent('pre-delete', hooks, { parallelism: 1 }).hooks), ['del']);
});

test('planEvent: tiers are runs of equal weight, in ascending weight, each with its hooks in helm order', () => {
  const hooks = [
    hook('w5-b', { weight: 5 }),
    hook('w0-b', { weight: 0 }),
    hook('wm1', { weight: -1 }),
    hook('w5-a', { weight: 5 }),
    hook('w0-a', { weight: 0 }),
  ];
  const plan = planEvent('pre-install', hooks, { parallelism: 3 });
  assert.equal(
    plan.tiers.map((t) => t.weight),
    [-1n, 0n, 5n],
  );
  assert.equal(
    plan.tiers.map((t) => names(t.hooks)),
    [['wm1'], ['w0-a', 'w0-b'], ['w5-a', 'w5-b']],
  );
  // Every hook is in exactly one step of its own tier.
  for (const tier of plan.tiers) {
    const inSteps = tier.steps.flatMap((s) => (s.type === 'serial' ? [s.hook] : s.hooks));
    assert.equal([...names(inSteps)].sort(), [...names(tier.hooks)].sort());
    for (const h of inSteps) assert.is(h.weight, tier.weight);
  }
});

test('planEvent: N<=1 is one serial step per hook in helm order, whatever the kinds and annotations', () => {
  const hooks = [
    hook('j2'),
    hook('cm', { kind: 'ConfigMap' }),
    hook('j1', { serial: true }),
    hook('sa', { kind: 'ServiceAccount' }),
    hook('p', { kind: 'Pod', weight: 1 }),
  ];
  for (const parallelism of [1, 0, -3, 0.5]) {
    const plan = planEvent('pre-install', hooks, { parallelism });
    assert.is(plan.parallelism, 1);
    assert.equal(
      plan.tiers.flatMap((t) => t.steps.map(show)),
      ['serial:ConfigMap/cm', 'serial:Job/j1', 'serial:Job/j2', 'serial:ServiceAccount/sa', 'serial:Pod/p'],
    );
  }
  // A chart cap of 1 makes it serial too.
  const capped = planEvent('pre-install', hooks, { parallelism: 8, chartCap: 1 });
  assert.ok(capped.tiers.every((t) => t.steps.every((s) => s.type === 'serial')));
  assert.is(capped.parallelism, 1);
});

test('planEvent: N>1 gives a create step (install order of kinds) then a parallel step of Jobs and Pods', () => {
  const hooks = [
    hook('a-job'),
    hook('b-cm', { kind: 'ConfigMap' }),
    hook('c-pod', { kind: 'Pod' }),
    hook('d-crd', { kind: 'FooBar' }),
    hook('e-role', { kind: 'Role' }),
    hook('f-sa', { kind: 'ServiceAccount' }),
    hook('g-cm', { kind: 'ConfigMap' }),
    hook('h-job'),
    hook('i-ns', { kind: 'Namespace' }),
    hook('j-alpha', { kind: 'Alpha' }),
  ];
  const plan = planEvent('pre-install', hooks, { parallelism: 2 });
  assert.equal(plan.tiers.length, 1);
  assert.equal(plan.tiers[0]?.steps.map(show), [
    // Namespace < ServiceAccount < ConfigMap < Role < unknown kinds alphabetically (Alpha < FooBar);
    // the two ConfigMaps keep helm's order (b-cm before g-cm).
    'create:Namespace/i-ns,ServiceAccount/f-sa,ConfigMap/b-cm,ConfigMap/g-cm,Role/e-role,Alpha/j-alpha,FooBar/d-crd',
    // Jobs and Pods in helm's order
    'parallel:Job/a-job,Pod/c-pod,Job/h-job',
  ]);
});

test('planEvent: N>1 with one waited hook is a serial step; no create step without created kinds', () => {
  const only = planEvent('pre-install', [hook('cm', { kind: 'ConfigMap' }), hook('job')], { parallelism: 5 });
  assert.equal(only.tiers[0]?.steps.map(show), ['create:ConfigMap/cm', 'serial:Job/job']);
  const jobs = planEvent('pre-install', [hook('j1'), hook('j2', { kind: 'Pod' })], { parallelism: 5 });
  assert.equal(jobs.tiers[0]?.steps.map(show), ['parallel:Job/j1,Pod/j2']);
  const created = planEvent('pre-install', [hook('s', { kind: 'Secret' }), hook('c', { kind: 'ConfigMap' })], {
    parallelism: 5,
  });
  assert.equal(created.tiers[0]?.steps.map(show), ['create:Secret/s,ConfigMap/c']);
});

test('planEvent: a serial-annotated hook is a step alone at its place; the tier is cut around it', () => {
  const hooks = [
    hook('a', { kind: 'ConfigMap' }),
    hook('b'),
    hook('c', { serial: true }),
    hook('d', { kind: 'ServiceAccount' }),
    hook('e'),
    hook('f', { kind: 'Pod' }),
    hook('g', { kind: 'Secret', serial: true }),
    hook('h', { kind: 'Pod' }),
    hook('x', { weight: 1 }),
    hook('y', { weight: 1, serial: true }),
  ];
  const plan = planEvent('pre-install', hooks, { parallelism: 3 });
  assert.equal(
    plan.tiers.map((t) => t.steps.map(show)),
    [
      [
        'create:ConfigMap/a',
        'serial:Job/b',
        'serial:Job/c',
        'create:ServiceAccount/d',
        'parallel:Job/e,Pod/f',
        'serial:Secret/g',
        'serial:Pod/h',
      ],
      ['serial:Job/x', 'serial:Job/y'],
    ],
  );
  // Nothing is scheduled before a serial hook that comes after it in helm's order.
  const steps = plan.tiers[0]?.steps ?? [];
  const at = steps.findIndex((s) => s.type === 'serial' && s.hook.name === 'c');
  const before = steps.slice(0, at).flatMap((s) => (s.type === 'serial' ? [s.hook] : s.hooks));
  assert.equal(names(before).sort(), ['a', 'b']);
});

test('planEvent: a huge N is fine (one parallel step with every Job)', () => {
  const hooks = Array.from({ length: 50 }, (_, i) => hook(`gen-${String(i).padStart(3, '0')}`));
  const plan = planEvent(
    'pre-upgrade',
    hooks.map((h) => ({ ...h, events: ['pre-upgrade'] })),
    { parallelism: 1_000_000 },
  );
  assert.is(plan.parallelism, 1_000_000);
  assert.is(plan.tiers.length, 1);
  const steps = plan.tiers[0]?.steps ?? [];
  assert.is(steps.length, 1);
  assert.is(steps[0]?.type, 'parallel');
  assert.equal(names(steps[0]?.type === 'parallel' ? steps[0].hooks : []), names(hooks));
});

// ---- effectiveParallelism

test('effectiveParallelism: the chart cap lowers N, never raises it; <=1 is serial', () => {
  assert.is(effectiveParallelism({ parallelism: 8 }), 8);
  assert.is(effectiveParallelism({ parallelism: 8, chartCap: 2 }), 2);
  assert.is(effectiveParallelism({ parallelism: 2, chartCap: 8 }), 2);
  assert.is(effectiveParallelism({ parallelism: 1, chartCap: 8 }), 1);
  assert.is(effectiveParallelism({ parallelism: 8, chartCap: 1 }), 1);
  assert.is(effectiveParallelism({ parallelism: 8, chartCap: 0 }), 1);
  assert.is(effectiveParallelism({ parallelism: 8, chartCap: -4 }), 1);
  assert.is(effectiveParallelism({ parallelism: 0 }), 1);
  assert.is(effectiveParallelism({ parallelism: -7 }), 1);
  assert.is(effectiveParallelism({ parallelism: 8, chartCap: undefined }), 8);
  assert.is(effectiveParallelism({ parallelism: 1_000_000 }), 1_000_000);
  assert.is(effectiveParallelism({ parallelism: 1_000_000, chartCap: 3 }), 3);
});

test('planEvent: the chart cap is what the plan runs with', () => {
  const hooks = [hook('a'), hook('b'), hook('c')];
  assert.is(planEvent('pre-install', hooks, { parallelism: 8, chartCap: 2 }).parallelism, 2);
  assert.is(planEvent('pre-install', hooks, { parallelism: 2, chartCap: 8 }).parallelism, 2);
});

test.run();
