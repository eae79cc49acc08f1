/**
 * The scheduler (runEvent) against a fake cluster: each fake Job or Pod "runs" for a set time (timers) and can
 * be told to fail. Every call, start and end goes into one ordered log, so the tests check order, overlap and
 * counts only, never wall-clock durations.
 */
import type { KubernetesObject, V1Pod } from '@kubernetes/client-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { exitCodeFor, HookFailureError, PluginError } from '../../src/errors.js';
import type { Hook, HookObject, LifecycleEvent } from '../../src/hooks/model.js';
import { planEvent } from '../../src/hooks/plan.js';
import type { EventSummary, HookResult } from '../../src/hooks/results.js';
import type { Cluster, ObjectRef } from '../../src/kube/cluster.js';
import { newStats } from '../../src/kube/stats.js';
import type { WatchHub } from '../../src/kube/watch-hub.js';
import type { Reporter } from '../../src/output/reporter.js';
import type { RunContext } from '../../src/run/context.js';
import { runEvent } from '../../src/run/event.js';
import type { HelmFlavour } from '../../src/run/helm-behaviour.js';
import { makeHook } from './hook-factory.js';

// ---------------------------------------------------------------- hooks

const NS = 'app';
const hook = (name: string, over: Parameters<typeof makeHook>[1] = {}): Hook => makeHook(name, over, NS);

// ---------------------------------------------------------------- the fake world

interface Behaviour {
  /** How long the Job/Pod runs; undefined: never finishes. */
  runMs?: number;
  fail?: boolean;
}

interface Entry {
  seq: number;
  what: string;
  name: string;
  kind?: string;
  ok?: boolean;
  detail?: string;
}

interface Waiter {
  key: string;
  check(obj: KubernetesObject | undefined, deleted: boolean): boolean;
}

class World {
  private seq = 0;
  readonly log: Entry[] = [];
  readonly objects = new Map<string, KubernetesObject>();
  readonly behaviour = new Map<string, Behaviour>();
  private readonly waiters = new Set<Waiter>();
  private uids = 0;
  running = 0;
  maxRunning = 0;
  inFlight = 0;
  maxInFlight = 0;
  summaries: EventSummary[] = [];

  constructor(behaviour: Record<string, Behaviour> = {}) {
    for (const [name, b] of Object.entries(behaviour)) this.behaviour.set(name, b);
  }

  record(what: string, name: string, extra: Partial<Entry> = {}): void {
    this.log.push({ seq: ++this.seq, what, name, ...extra });
  }

  static key(kind: string, namespace: string | undefined, name: string): string {
    return `${kind}/${namespace ?? ''}/${name}`;
  }

  /** An object already on the cluster before the run (e.g. left by an earlier release). */
  preExisting(kind: string, name: string): void {
    this.objects.set(World.key(kind, NS, name), {
      apiVersion: 'v1',
      kind,
      metadata: { name, namespace: NS, uid: 'old' },
    });
  }

  private store(obj: HookObject): KubernetesObject {
    const uid = `uid-${++this.uids}`;
    const key = World.key(obj.kind, obj.metadata.namespace, obj.metadata.name);
    const stored: KubernetesObject & { status?: unknown } = {
      ...structuredClone(obj),
      metadata: { ...structuredClone(obj.metadata), uid },
      status: {},
    };
    this.objects.set(key, stored);
    if (obj.kind === 'Job' || obj.kind === 'Pod') {
      const name = obj.metadata.name;
      const b = this.behaviour.get(name) ?? { runMs: 10 };
      this.running++;
      this.maxRunning = Math.max(this.maxRunning, this.running);
      this.record('run', name, { kind: obj.kind });
      if (b.runMs !== undefined) {
        setTimeout(() => {
          this.running--;
          const current = this.objects.get(key);
          if (current?.metadata?.uid !== uid) return; // deleted meanwhile
          const updated = { ...current, status: statusOf(obj.kind, !b.fail) } as KubernetesObject;
          this.objects.set(key, updated);
          this.record(b.fail ? 'run-failed' : 'run-succeeded', name, { kind: obj.kind });
          this.notify(key);
        }, b.runMs);
      }
    }
    return stored;
  }

  private notify(key: string, deleted?: KubernetesObject): void {
    for (const w of [...this.waiters]) {
      if (w.key !== key) continue;
      if ((deleted && w.check(deleted, true)) || w.check(this.objects.get(key), false)) this.waiters.delete(w);
    }
  }

  readonly cluster = {
    stats: newStats(),
    prepare: async (obj: HookObject, namespace: string): Promise<HookObject> => ({
      ...obj,
      metadata: { ...obj.metadata, namespace: obj.metadata.namespace || namespace },
    }),
    create: async (obj: HookObject): Promise<KubernetesObject> => {
      this.record('create', obj.metadata.name, { kind: obj.kind });
      await Promise.resolve();
      if (this.objects.has(World.key(obj.kind, obj.metadata.namespace, obj.metadata.name))) {
        throw new PluginError(`cannot create ${obj.kind} ${obj.metadata.name}: ${obj.metadata.name} already exists`);
      }
      return this.store(obj);
    },
    apply: async (obj: HookObject): Promise<KubernetesObject> => {
      this.record('apply', obj.metadata.name, { kind: obj.kind });
      await Promise.resolve();
      return this.store(obj);
    },
    delete: async (ref: ObjectRef): Promise<boolean> => {
      this.record('delete', ref.name, { kind: ref.kind });
      await Promise.resolve();
      const key = World.key(ref.kind, ref.namespace, ref.name);
      const old = this.objects.get(key);
      if (!old) return false;
      this.objects.delete(key);
      this.notify(key, old);
      return true;
    },
    get: async (ref: ObjectRef): Promise<KubernetesObject | undefined> => {
      await Promise.resolve();
      return this.objects.get(World.key(ref.kind, ref.namespace, ref.name));
    },
    kind: async (_apiVersion: string, kind: string) => ({ resource: `${kind.toLowerCase()}s`, namespaced: true }),
    listPods: async (
      namespace: string,
      selector: { labelSelector?: string; fieldSelector?: string },
    ): Promise<V1Pod[]> => {
      const name = (selector.labelSelector ?? selector.fieldSelector ?? '').split('=')[1] ?? '';
      this.record('listPods', name);
      await Promise.resolve();
      const b = this.behaviour.get(name);
      const podName = selector.labelSelector ? `${name}-x7k2p` : name;
      return [
        {
          metadata: { name: podName, namespace },
          spec: { containers: [{ name: 'main' }] },
          status: {
            phase: b?.fail ? 'Failed' : 'Succeeded',
            containerStatuses: [
              {
                name: 'main',
                image: 'busybox',
                imageID: '',
                ready: false,
                restartCount: 0,
                state: {
                  terminated: b?.fail ? { exitCode: 2, reason: 'Error' } : { exitCode: 0, reason: 'Completed' },
                },
              },
            ],
          },
        },
      ];
    },
    podLog: async (_namespace: string, pod: string, container: string): Promise<string> => {
      this.record('podLog', pod);
      return `log of ${pod}/${container}\n`;
    },
    explain: (cause: unknown, action: string) => new PluginError(`cannot ${action}: ${String(cause)}`),
  };

  readonly hub = {
    prime: async (): Promise<void> => undefined,
    // Live waiting reasons read the shared caches; this fake has none (the reasons are tested in waiting.test).
    watchSoon: (): void => undefined,
    peek: (): KubernetesObject | undefined => undefined,
    cached: (): KubernetesObject[] => [],
    until: <T>(
      namespace: string,
      kind: string,
      name: string,
      evaluate: (obj: KubernetesObject | undefined, deleted: boolean) => T | undefined,
      opts: { timeoutMs: number; onTimeout: () => Error },
    ): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        const key = World.key(kind, namespace, name);
        const first = evaluate(this.objects.get(key), false);
        if (first !== undefined) return resolve(first);
        const waiter: Waiter = {
          key,
          check: (obj, deleted) => {
            const value = evaluate(obj, deleted);
            if (value === undefined) return false;
            clearTimeout(timer);
            resolve(value);
            return true;
          },
        };
        const timer = setTimeout(() => {
          this.waiters.delete(waiter);
          reject(opts.onTimeout());
        }, opts.timeoutMs);
        this.waiters.add(waiter);
      }),
  };

  readonly reporter: Reporter = {
    eventStarted: () => this.record('eventStarted', ''),
    hookStarted: (h: Hook) => {
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      this.record('start', h.name, { kind: h.kind });
    },
    hookFinished: (r: HookResult) => {
      this.inFlight--;
      this.record('end', r.hook.name, { kind: r.hook.kind, ok: r.ok, ...(r.reason ? { detail: r.reason } : {}) });
    },
    logBlock: (title: string, lines: readonly string[]) => this.record('logs', title, { detail: lines.join('\n') }),
    eventFinished: (s: EventSummary) => {
      this.summaries.push(s);
      this.record('eventFinished', '');
    },
    note: (line: string) => this.record('note', '', { detail: line }),
    stop: () => undefined,
    hookWaiting: () => undefined,
    runContext: () => undefined,
    wantsPods: false,
  };

  ctx(flavour: Partial<HelmFlavour> = {}, timeoutMs = 5000): RunContext {
    return {
      cluster: this.cluster as unknown as Cluster,
      hub: this.hub as unknown as WatchHub,
      flavour: {
        applyHooks: false,
        deleteSucceededOnFailure: true,
        deleteWait: 'poll',
        waiter: 'watch',
        messages: 3,
        ...flavour,
      },
      timeoutMs,
      signal: new AbortController().signal,
      reporter: this.reporter,
    };
  }

  // ---- queries on the log

  entries(what: string, name?: string): Entry[] {
    return this.log.filter((e) => e.what === what && (name === undefined || e.name === name));
  }
  first(what: string, name: string): number {
    const e = this.entries(what, name)[0];
    if (!e) throw new Error(`no ${what} for ${name}`);
    return e.seq;
  }
  namesOf(what: string): string[] {
    return this.entries(what).map((e) => e.name);
  }
  /** Deletes of a hook that came after its (first) create or apply. */
  deletesAfterCreate(name: string): Entry[] {
    const created = this.log.find((e) => (e.what === 'create' || e.what === 'apply') && e.name === name);
    if (!created) return [];
    return this.entries('delete', name).filter((e) => e.seq > created.seq);
  }
}

function statusOf(kind: string, ok: boolean): unknown {
  if (kind === 'Pod') return { phase: ok ? 'Succeeded' : 'Failed' };
  return {
    conditions: ok
      ? [{ type: 'Complete', status: 'True' }]
      : [
          {
            type: 'FailureTarget',
            status: 'True',
            reason: 'BackoffLimitExceeded',
            message: 'Job has reached the specified backoff limit',
          },
          {
            type: 'Failed',
            status: 'True',
            reason: 'BackoffLimitExceeded',
            message: 'Job has reached the specified backoff limit',
          },
        ],
  };
}

async function run(
  world: World,
  hooks: Hook[],
  parallelism: number,
  flavour: Partial<HelmFlavour> = {},
  event: LifecycleEvent = 'pre-install',
) {
  return runEvent(planEvent(event, hooks, { parallelism }), world.ctx(flavour));
}

async function failure(promise: Promise<unknown>): Promise<HookFailureError> {
  try {
    await promise;
  } catch (error) {
    assert.instance(error, HookFailureError);
    return error as HookFailureError;
  }
  throw new assert.Assertion({
    message: 'expected the event to fail',
    operator: 'rejects',
    expects: 'rejection',
    actual: 'resolved',
  });
}

// ---------------------------------------------------------------- parallelism

test('N=3, 8 Jobs in one tier: never more than 3 at once, 3 at once at some point, all 8 run', async () => {
  const durations = [30, 10, 20, 10, 30, 10, 20, 10];
  const names = durations.map((_, i) => `job-${i}`);
  const world = new World(Object.fromEntries(names.map((n, i) => [n, { runMs: durations[i] }])));
  const summary = await run(
    world,
    names.map((n) => hook(n)),
    3,
  );
  assert.is(world.maxRunning, 3, 'Jobs running on the cluster at once');
  assert.is(world.maxInFlight, 3, 'hooks in flight at once');
  assert.equal(world.namesOf('create').sort(), names);
  assert.equal(
    world
      .entries('run-succeeded')
      .map((e) => e.name)
      .sort(),
    names,
  );
  assert.equal(
    world
      .entries('end')
      .filter((e) => e.ok)
      .map((e) => e.name)
      .sort(),
    names,
  );
  assert.is(summary.hooks, 8);
  assert.is(summary.tiers, 1);
  assert.is(summary.failed, 0);
  assert.is(summary.notStarted, 0);
  assert.is(summary.parallelism, 3);
});

test('tiers never overlap: every hook of a tier starts after every hook of the tier before ended', async () => {
  const hooks = [
    hook('a0', { weight: 0 }),
    hook('b0', { weight: 0 }),
    hook('c0', { weight: 0 }),
    hook('d0', { weight: 0 }),
    hook('a1', { weight: 1 }),
    hook('b1', { weight: 1 }),
    hook('c1', { weight: 1, kind: 'Pod' }),
    hook('cm2', { weight: 2, kind: 'ConfigMap' }),
    hook('a2', { weight: 2 }),
  ];
  const world = new World({
    a0: { runMs: 40 },
    b0: { runMs: 5 },
    c0: { runMs: 15 },
    d0: { runMs: 25 },
    a1: { runMs: 5 },
    b1: { runMs: 30 },
    c1: { runMs: 10 },
    a2: { runMs: 5 },
  });
  await run(world, hooks, 4);
  const tiers = [
    ['a0', 'b0', 'c0', 'd0'],
    ['a1', 'b1', 'c1'],
    ['cm2', 'a2'],
  ];
  for (let t = 0; t + 1 < tiers.length; t++) {
    const lastEnd = Math.max(...(tiers[t] as string[]).map((n) => world.first('end', n)));
    const lastRun = Math.max(
      ...(tiers[t] as string[]).filter((n) => n !== 'cm2').map((n) => world.first('run-succeeded', n)),
    );
    for (const n of tiers[t + 1] as string[]) {
      assert.ok(world.first('start', n) > lastEnd, `${n} started before tier ${t} ended`);
      assert.ok(world.first('create', n) > lastRun, `${n} created while tier ${t} was running`);
    }
  }
  assert.is(world.maxRunning, 4, 'the first tier ran its 4 Jobs at once');
});

test("N=1 runs one hook at a time, in helm's order (weight, then name)", async () => {
  const hooks = [
    hook('runner', { kind: 'ServiceAccount' }),
    hook('z-cfg', { kind: 'ConfigMap' }),
    hook('b-job'),
    hook('a-job'),
    hook('early', { kind: 'Pod', weight: -5 }),
    hook('late', { weight: 10 }),
  ];
  const world = new World({ 'b-job': { runMs: 5 }, 'a-job': { runMs: 20 }, early: { runMs: 10 }, late: { runMs: 5 } });
  await run(world, hooks, 1);
  const order = ['early', 'a-job', 'b-job', 'runner', 'z-cfg', 'late'];
  assert.equal(world.namesOf('start'), order);
  assert.equal(world.namesOf('create'), order);
  for (let i = 0; i + 1 < order.length; i++) {
    assert.ok(
      world.first('start', order[i + 1] as string) > world.first('end', order[i] as string),
      `${order[i + 1]} overlapped ${order[i]}`,
    );
  }
  assert.is(world.maxInFlight, 1);
  assert.is(world.maxRunning, 1);
});

test("N>1 creates a tier's ServiceAccount and ConfigMap before its Jobs", async () => {
  const world = new World();
  await run(
    world,
    [hook('a-job'), hook('b-job'), hook('z-sa', { kind: 'ServiceAccount' }), hook('cfg', { kind: 'ConfigMap' })],
    3,
  );
  const jobsCreated = Math.min(world.first('create', 'a-job'), world.first('create', 'b-job'));
  assert.ok(world.first('end', 'z-sa') < jobsCreated);
  assert.ok(world.first('end', 'cfg') < jobsCreated);
  assert.ok(world.first('create', 'z-sa') < world.first('create', 'cfg'), 'ServiceAccount before ConfigMap');
});

// ---------------------------------------------------------------- failure

test('one failure in a tier of 5 at N=5: the other 4 finish, no later tier starts, exit code 3 names the hook', async () => {
  const world = new World({
    a: { runMs: 30 },
    b: { runMs: 30 },
    c: { runMs: 5, fail: true },
    d: { runMs: 30 },
    e: { runMs: 30 },
    x: { runMs: 5 },
    y: { runMs: 5 },
  });
  const hooks = ['a', 'b', 'c', 'd', 'e']
    .map((n) => hook(n))
    .concat([hook('x', { weight: 1 }), hook('y', { weight: 1 })]);
  const error = await failure(run(world, hooks, 5));
  assert.is(exitCodeFor(error), 3);
  assert.is(error.event, 'pre-install');
  assert.is(error.failures.length, 1);
  const line = error.failures[0] ?? '';
  assert.match(line, /Job\/c \(app\)/);
  assert.match(line, /BackoffLimitExceeded/);
  assert.match(line, /exited 2 \(Error\)/, "the pod's exit code is in the reason");
  // the other four ran to their end, after c had failed
  const cFailed = world.first('end', 'c');
  for (const n of ['a', 'b', 'd', 'e']) {
    const end = world.entries('end', n)[0];
    assert.ok(end?.ok, `${n} succeeded`);
    assert.ok((end?.seq ?? 0) > cFailed, `${n} finished after c failed`);
  }
  // nothing of the next tier
  for (const n of ['x', 'y']) {
    assert.equal(world.entries('start', n), [], `${n} started`);
    assert.equal(world.entries('create', n), [], `${n} created`);
  }
  const summary = world.summaries[0];
  assert.is(summary?.failed, 1);
  assert.is(summary?.notStarted, 2);
  assert.match(error.hint ?? '', /2 later hook/);
});

test('after a failure nothing new starts: N=2, the first of 5 fails, 3 never start', async () => {
  const world = new World({
    a: { runMs: 5, fail: true },
    b: { runMs: 30 },
    c: { runMs: 5 },
    d: { runMs: 5 },
    e: { runMs: 5 },
  });
  const error = await failure(
    run(
      world,
      ['a', 'b', 'c', 'd', 'e'].map((n) => hook(n)),
      2,
    ),
  );
  assert.equal(world.namesOf('start'), ['a', 'b']);
  assert.ok(world.entries('end', 'b')[0]?.ok, 'b, already running, finished');
  assert.is(error.failures.length, 1);
  assert.is(world.summaries[0]?.notStarted, 3);
});

test("every failure of the tier is reported, in helm's order", async () => {
  const world = new World({ p: { runMs: 5, fail: true }, q: { runMs: 20 }, r: { runMs: 30, fail: true } });
  const error = await failure(run(world, [hook('r'), hook('q'), hook('p', { kind: 'Pod' })], 3));
  assert.is(error.failures.length, 2);
  assert.match(error.failures[0] ?? '', /^Pod\/p /);
  assert.match(error.failures[1] ?? '', /^Job\/r /);
  assert.match(error.message, /2 hooks/);
});

test('a Job that never finishes fails at --timeout', async () => {
  const world = new World({ stuck: {} });
  const error = await failure(
    runEvent(planEvent('pre-install', [hook('stuck')], { parallelism: 1 }), world.ctx({}, 30)),
  );
  assert.match(error.failures[0] ?? '', /timed out/);
});

test('hook-failed delete policy deletes the failed hook (after printing its logs); without it, it stays', async () => {
  const world = new World({ f: { runMs: 5, fail: true }, g: { runMs: 5, fail: true } });
  const error = await failure(
    run(world, [hook('f', { deletePolicies: ['hook-failed'], outputLogPolicies: ['hook-failed'] }), hook('g')], 2),
  );
  assert.is(error.failures.length, 2);
  assert.is(world.deletesAfterCreate('f').length, 1, 'f deleted after its failure');
  assert.equal(world.entries('delete', 'f').length, 1, 'no before-hook-creation delete for f');
  assert.ok(world.first('delete', 'f') > world.first('end', 'f'));
  assert.is(world.deletesAfterCreate('g').length, 0, 'g (default policy) is left for inspection');
  const logs = world.entries('logs').filter((e) => e.name.startsWith('logs of Job/f'));
  assert.is(logs.length, 1, "hook-failed output policy prints f's logs");
  assert.match(logs[0]?.detail ?? '', /log of f-x7k2p\/main/);
  assert.ok((logs[0]?.seq ?? 0) < world.first('delete', 'f'), 'logs before the delete, as helm');
  assert.equal(
    world.entries('logs').filter((e) => e.name.startsWith('logs of Job/g')),
    [],
  );
});

for (const deleteSucceededOnFailure of [true, false]) {
  test(`on failure, succeeded hook-succeeded hooks are ${deleteSucceededOnFailure ? '' : 'not '}deleted (helm ${deleteSucceededOnFailure ? '>= 3.19' : '< 3.19'})`, async () => {
    const world = new World({
      early: { runMs: 5 },
      'ok-del': { runMs: 5 },
      'ok-keep': { runMs: 5 },
      bad: { runMs: 20, fail: true },
    });
    const hooks = [
      hook('early', { weight: -1, deletePolicies: ['hook-succeeded'] }),
      hook('ok-del', { deletePolicies: ['hook-succeeded'] }),
      hook('ok-keep'),
      hook('bad'),
    ];
    await failure(run(world, hooks, 3, { deleteSucceededOnFailure }));
    const badEnd = world.first('end', 'bad');
    for (const n of ['early', 'ok-del']) {
      const after = world.deletesAfterCreate(n);
      assert.is(after.length, deleteSucceededOnFailure ? 1 : 0, n);
      if (deleteSucceededOnFailure) assert.ok((after[0]?.seq ?? 0) > badEnd, `${n} deleted after the failure`);
    }
    assert.is(world.deletesAfterCreate('ok-keep').length, 0, 'no hook-succeeded policy');
    assert.is(world.deletesAfterCreate('bad').length, 0, 'no hook-failed policy');
  });
}

test('a hook whose create fails gets no failure policy (it never ran)', async () => {
  const world = new World();
  world.preExisting('Job', 'dup');
  const error = await failure(
    run(world, [hook('dup', { deletePolicies: ['hook-failed'], outputLogPolicies: ['hook-failed'] })], 1),
  );
  assert.match(error.failures[0] ?? '', /already exists/);
  assert.equal(world.entries('delete', 'dup'), []);
  assert.equal(world.entries('logs'), []);
});

// ---------------------------------------------------------------- success clean-up

test('on success, hook-succeeded hooks are deleted after the event, in reverse order at N=1; logs before each delete', async () => {
  const world = new World();
  const hooks = [
    hook('x', { weight: 0, deletePolicies: ['hook-succeeded'] }),
    hook('keep', { weight: 1 }),
    hook('y', { weight: 1, deletePolicies: ['hook-succeeded'], kind: 'ConfigMap' }),
    hook('z', { weight: 2, deletePolicies: ['hook-succeeded'], outputLogPolicies: ['hook-succeeded'] }),
  ];
  await run(world, hooks, 1);
  const lastEnd = Math.max(...world.entries('end').map((e) => e.seq));
  const cleanUp = world.entries('delete').filter((e) => e.seq > lastEnd);
  assert.equal(
    cleanUp.map((e) => e.name),
    ['z', 'y', 'x'],
  );
  assert.equal(world.entries('delete', 'keep').length, 1, 'keep: only its before-hook-creation delete');
  assert.ok(world.first('delete', 'keep') < world.first('create', 'keep'));
  const logs = world.entries('logs');
  assert.is(logs.length, 1);
  assert.match(logs[0]?.name ?? '', /Job\/z/);
  assert.ok((logs[0]?.seq ?? 0) > lastEnd && (logs[0]?.seq ?? 0) < world.first('delete', 'z'));
});

test('on success at N>1, every hook-succeeded hook is deleted once the whole event succeeded', async () => {
  const world = new World({ a: { runMs: 20 }, b: { runMs: 5 }, c: { runMs: 5 } });
  const hooks = [
    hook('a', { deletePolicies: ['hook-succeeded'] }),
    hook('b', { deletePolicies: ['hook-succeeded', 'hook-failed'] }),
    hook('c'),
    hook('d', { weight: 3, deletePolicies: ['hook-succeeded'] }),
  ];
  await run(world, hooks, 3);
  const lastEnd = Math.max(...world.entries('end').map((e) => e.seq));
  assert.equal(
    world
      .entries('delete')
      .filter((e) => e.seq > lastEnd)
      .map((e) => e.name)
      .sort(),
    ['a', 'b', 'd'],
  );
  assert.is(world.deletesAfterCreate('c').length, 0);
});

// ---------------------------------------------------------------- before-hook-creation, CRDs, apply

test('the default policy (before-hook-creation) deletes before creating, so a leftover object is replaced', async () => {
  for (const parallelism of [1, 4]) {
    const world = new World();
    world.preExisting('Job', 'again');
    world.preExisting('ConfigMap', 'cfg');
    const summary = await run(world, [hook('again'), hook('cfg', { kind: 'ConfigMap' }), hook('fresh')], parallelism);
    assert.is(summary.failed, 0);
    for (const n of ['again', 'cfg', 'fresh']) {
      assert.is(world.entries('delete', n).length, 1, n);
      assert.ok(world.first('delete', n) < world.first('create', n), `${n}: delete before create`);
    }
    const explicit = new World();
    await run(explicit, [hook('bhc', { deletePolicies: ['before-hook-creation', 'hook-succeeded'] })], parallelism);
    assert.ok(explicit.first('delete', 'bhc') < explicit.first('create', 'bhc'));
    assert.is(explicit.deletesAfterCreate('bhc').length, 1);
  }
});

test('without before-hook-creation, helm 3 creates over a leftover object and fails', async () => {
  const world = new World();
  world.preExisting('Job', 'left');
  const error = await failure(run(world, [hook('left', { deletePolicies: ['hook-succeeded'] })], 1));
  assert.match(error.failures[0] ?? '', /already exists/);
  assert.equal(world.entries('delete', 'left'), []);
});

test('CustomResourceDefinitions are never deleted by hook policies', async () => {
  for (const parallelism of [1, 3]) {
    const world = new World();
    await run(
      world,
      [
        hook('crd', { kind: 'CustomResourceDefinition', deletePolicies: ['before-hook-creation', 'hook-succeeded'] }),
        hook('j'),
      ],
      parallelism,
    );
    assert.equal(world.entries('delete', 'crd'), [], `N=${parallelism}`);
    assert.is(world.entries('create', 'crd').length, 1);
    const world2 = new World();
    await run(world2, [hook('crd2', { kind: 'CustomResourceDefinition' })], parallelism);
    assert.equal(world2.entries('delete', 'crd2'), [], 'default before-hook-creation');
  }
});

test('helm 4 flavour (applyHooks): server-side apply, never create; a leftover object is patched', async () => {
  for (const parallelism of [1, 3]) {
    const world = new World();
    world.preExisting('Job', 'left');
    const summary = await run(
      world,
      [hook('left', { deletePolicies: ['hook-succeeded'] }), hook('b'), hook('cm', { kind: 'ConfigMap' })],
      parallelism,
      {
        applyHooks: true,
      },
    );
    assert.is(summary.failed, 0);
    assert.equal(world.entries('create'), []);
    assert.equal(world.namesOf('apply').sort(), ['b', 'cm', 'left']);
  }
});

test('a Pod hook is waited for like a Job', async () => {
  const world = new World({ p: { runMs: 15 }, q: { runMs: 5, fail: true } });
  await run(world, [hook('p', { kind: 'Pod' })], 1);
  assert.ok(world.first('end', 'p') > world.first('run-succeeded', 'p'), 'the hook ended only once its pod succeeded');
  const error = await failure(run(new World({ q: { runMs: 5, fail: true } }), [hook('q', { kind: 'Pod' })], 1));
  assert.match(error.failures[0] ?? '', /Pod\/q/);
});

test("an event with other events' hooks only runs its own", async () => {
  const world = new World();
  await run(
    world,
    [
      hook('pre', { events: ['pre-upgrade'] }),
      hook('post', { events: ['post-upgrade'] }),
      hook('t', { events: ['test'], kind: 'Pod' }),
    ],
    4,
    {},
    'post-upgrade',
  );
  assert.equal(world.namesOf('start'), ['post']);
});

test.run();
