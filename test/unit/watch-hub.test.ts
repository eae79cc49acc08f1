/**
 * WatchHub and the plugin's own API client (kube/api.ts) talking to a scripted API server (node:http on 127.0.0.1):
 * the server answers the Job list and holds watch streams open until a test writes events to them or ends
 * them. Every request is recorded, so the tests assert on what the hub asked for (one list, one watch, the
 * resourceVersion it resumed from), never on wall-clock durations.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubernetesObject, V1Job } from '@kubernetes/client-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Cluster } from '../../src/kube/cluster.js';
import { jobOutcome, type Outcome } from '../../src/kube/status.js';
import { WatchHub } from '../../src/kube/watch-hub.js';
import { testConnection } from './connection-factory.js';

const NS = 'app';
const JOBS = `/apis/batch/v1/namespaces/${NS}/jobs`;

// ---------------------------------------------------------------- the scripted API server

/** One recorded GET. A watch that got a 200 has `stream` to write events to. */
interface Recorded {
  path: string;
  watch: boolean;
  resourceVersion: string | undefined;
  stream?: WatchStream;
}

class WatchStream {
  readonly closed: Promise<void>;
  isClosed = false;
  private opened = false;

  constructor(private readonly res: ServerResponse) {
    this.closed = new Promise((resolve) =>
      res.on('close', () => {
        this.isClosed = true;
        resolve();
      }),
    );
  }

  /** Sends the 200 and the headers (chunked, kept open). */
  open(): void {
    if (this.opened) return;
    this.opened = true;
    this.res.writeHead(200, { 'Content-Type': 'application/json' });
    this.res.flushHeaders();
  }

  send(type: string, object: object): void {
    this.res.write(`${JSON.stringify({ type, object })}\n`);
  }

  /** The server ends the stream cleanly (as the API server does at its watch timeout). */
  end(): void {
    this.res.end();
  }
}

class FakeApi {
  readonly requests: Recorded[] = [];
  /** What a list returns. */
  jobs: V1Job[] = [];
  listResourceVersion = '1';
  /** HTTP status answered to the next watch requests instead of a stream, one per request. */
  readonly watchFailures: number[] = [];
  /** Hold the headers of new watches until the test calls stream.open(). */
  holdWatchHeaders = false;
  private server!: Server;
  port = 0;

  get lists(): Recorded[] {
    return this.requests.filter((r) => !r.watch);
  }
  get watches(): Recorded[] {
    return this.requests.filter((r) => r.watch);
  }
  /** The stream of the n-th watch request (0-based). */
  stream(n: number): WatchStream {
    const s = this.watches[n]?.stream;
    if (!s) throw new Error(`watch #${n} has no stream`);
    return s;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const watch = url.searchParams.get('watch') === 'true';
    const rec: Recorded = {
      path: url.pathname,
      watch,
      resourceVersion: url.searchParams.get('resourceVersion') ?? undefined,
    };
    this.requests.push(rec);
    if (req.method !== 'GET' || url.pathname !== JOBS) {
      json(res, 404, status(404, 'NotFound', `not scripted: ${req.method} ${url.pathname}`));
      return;
    }
    if (!watch) {
      json(res, 200, {
        apiVersion: 'batch/v1',
        kind: 'JobList',
        metadata: { resourceVersion: this.listResourceVersion },
        items: this.jobs,
      });
      return;
    }
    const failure = this.watchFailures.shift();
    if (failure) {
      json(res, failure, status(failure, 'Expired', 'too old resource version'));
      return;
    }
    rec.stream = new WatchStream(res);
    if (!this.holdWatchHeaders) rec.stream.open();
  }
}

function json(res: ServerResponse, code: number, body: object): void {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function status(code: number, reason: string, message: string) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

// ---------------------------------------------------------------- objects and helpers

function job(
  name: string,
  rv: string,
  state: 'running' | 'complete' | 'failed' = 'running',
  uid = `uid-${name}`,
): V1Job {
  const conditions =
    state === 'complete'
      ? [
          { type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached' },
          { type: 'Complete', status: 'True', reason: 'CompletionsReached' },
        ]
      : state === 'failed'
        ? [
            {
              type: 'Failed',
              status: 'True',
              reason: 'BackoffLimitExceeded',
              message: 'Job has reached the specified backoff limit',
            },
          ]
        : [];
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: NS, uid, resourceVersion: rv },
    status: { active: state === 'running' ? 1 : 0, conditions },
  };
}

const bookmark = (rv: string) => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { resourceVersion: rv } });

/** The evaluation src/run/hook.ts (waitForOutcome) uses: the right uid, deleted = done, else jobOutcome. */
function outcome(uid?: string) {
  return (obj: KubernetesObject | undefined, deleted: boolean): Outcome | undefined => {
    if (!obj || (uid && obj.metadata?.uid !== uid)) return undefined;
    if (deleted) return { ok: true };
    return jobOutcome(obj);
  };
}

function opts(extra: { timeoutMs?: number; signal?: AbortSignal } = {}) {
  return {
    // Only a safety net (a broken hub fails instead of hanging): a passing waiter settles in milliseconds, so
    // a limit this far from that never fires on a slow, shared machine.
    timeoutMs: extra.timeoutMs ?? 60_000,
    signal: extra.signal,
    onTimeout: () => new Error('timed out'),
    onAbort: () => new Error('aborted'),
  };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Spins the event loop until cond() holds; fails with `what` after a generous bound. The bound only turns a
 * hang into a message: a passing condition holds within milliseconds, so 30 s is far from it on any machine.
 */
async function waitFor(what: string, cond: () => boolean, boundMs = 30_000): Promise<void> {
  const end = performance.now() + boundMs;
  while (!cond()) {
    if (performance.now() > end) throw new Error(`gave up waiting for ${what}`);
    await tick();
  }
}

/** Runs fn with every setTimeout delay cut to 0, so the hub's reconnect back-off does not slow the test. */
async function withoutDelays<T>(fn: () => Promise<T>): Promise<T> {
  const real = globalThis.setTimeout;
  globalThis.setTimeout = ((cb: (...a: unknown[]) => void, _ms?: number, ...args: unknown[]) =>
    real(cb, 0, ...args)) as typeof setTimeout;
  try {
    return await fn();
  } finally {
    globalThis.setTimeout = real;
  }
}

/** Lets the event loop run for a while (real time): long enough for a prompt reconnect to reach the server. */
async function settle(ms = 30): Promise<void> {
  const end = performance.now() + ms;
  while (performance.now() < end) await tick();
}

interface Env {
  api: FakeApi;
  cluster: Cluster;
  hub: WatchHub;
}

function scenario(fn: (env: Env) => Promise<void>): () => Promise<void> {
  return async () => {
    const api = new FakeApi();
    await api.start();
    const cluster = new Cluster(testConnection(`http://127.0.0.1:${api.port}`));
    const hub = new WatchHub(cluster);
    try {
      await fn({ api, cluster, hub });
    } finally {
      hub.close();
      await api.close();
    }
  };
}

// ---------------------------------------------------------------- tests

test(
  'two waiters on different Jobs of one namespace share one list and one watch',
  scenario(async ({ api, cluster, hub }) => {
    api.jobs = [job('a', '10'), job('b', '11')];
    api.listResourceVersion = '11';
    const a = hub.until(NS, 'Job', 'a', outcome('uid-a'), opts());
    const b = hub.until(NS, 'Job', 'b', outcome('uid-b'), opts());
    await waitFor('the watch', () => api.watches.length === 1);
    await settle(10);

    assert.is(api.lists.length, 1);
    assert.is(api.watches.length, 1);
    assert.is(api.lists[0]?.path, JOBS);
    assert.is(api.watches[0]?.resourceVersion, '11', 'the watch starts at the list resourceVersion');
    assert.is(cluster.stats.watchConnections, 1);
    assert.equal(cluster.stats.watchesByKey, { [`${NS}/Job`]: 1 });

    api.stream(0).send('MODIFIED', job('b', '12', 'failed'));
    api.stream(0).send('MODIFIED', job('a', '13', 'complete'));
    assert.equal(await a, { ok: true });
    const out = await b;
    assert.is(out.ok, false);
    assert.match(!out.ok ? out.reason : '', /BackoffLimitExceeded/);
    assert.is(api.requests.length, 2, 'no request beyond the one list and one watch');
  }),
);

test(
  'a waiter resolves when a MODIFIED event brings its Job (its uid) to Complete',
  scenario(async ({ api, hub }) => {
    // An older, finished Job of the same name is in the list: not the waiter's object (another uid).
    api.jobs = [job('migrate', '5', 'complete', 'uid-old')];
    api.listResourceVersion = '5';
    let settled = false;
    const done = hub.until(NS, 'Job', 'migrate', outcome('uid-new'), opts()).finally(() => (settled = true));
    await waitFor('the watch', () => api.watches.length === 1);

    api.stream(0).send('DELETED', job('migrate', '6', 'complete', 'uid-old'));
    api.stream(0).send('ADDED', job('migrate', '7', 'running', 'uid-new'));
    api.stream(0).send('MODIFIED', job('migrate', '8', 'running', 'uid-new'));
    await settle(10);
    assert.not.ok(settled, 'neither the old Job nor the running new one satisfies the waiter');

    api.stream(0).send('MODIFIED', job('migrate', '9', 'complete', 'uid-new'));
    assert.equal(await done, { ok: true });
    assert.is(hub.peek(NS, 'Job', 'migrate')?.metadata?.uid, 'uid-new');
  }),
);

test(
  'an object already Complete in the cache resolves a new waiter at once',
  scenario(async ({ api, hub }) => {
    api.jobs = [job('a', '3', 'complete')];
    api.listResourceVersion = '3';
    assert.equal(await hub.until(NS, 'Job', 'a', outcome('uid-a'), opts()), { ok: true });
    assert.equal(await hub.until(NS, 'Job', 'a', outcome('uid-a'), opts()), { ok: true });
    assert.is(api.lists.length, 1);
  }),
);

test(
  'a dropped watch resumes from the last resourceVersion seen, without listing again',
  scenario(async ({ api, cluster, hub }) => {
    api.jobs = [job('a', '10'), job('b', '10')];
    api.listResourceVersion = '10';
    const a = hub.until(NS, 'Job', 'a', outcome('uid-a'), opts());
    const b = hub.until(NS, 'Job', 'b', outcome('uid-b'), opts());
    await waitFor('the first watch', () => api.watches.length === 1);

    api.stream(0).send('MODIFIED', job('a', '11'));
    api.stream(0).send('BOOKMARK', bookmark('15'));
    api.stream(0).send('MODIFIED', job('b', '17', 'complete'));
    api.stream(0).end();
    assert.equal(await b, { ok: true });

    await waitFor('the resumed watch', () => api.watches.length === 2);
    assert.is(api.watches[1]?.resourceVersion, '17');
    assert.is(api.lists.length, 1, 'no new list');
    assert.is(cluster.stats.watchConnections, 2);

    api.stream(1).send('MODIFIED', job('a', '18', 'complete'));
    assert.equal(await a, { ok: true });

    // A bookmark alone moves the resume point too.
    api.stream(1).send('BOOKMARK', bookmark('25'));
    await settle(10);
    api.stream(1).end();
    await waitFor('the second resumed watch', () => api.watches.length === 3);
    assert.is(api.watches[2]?.resourceVersion, '25');
    assert.is(api.lists.length, 1);
  }),
);

test(
  'an ERROR event with code 410 lists afresh; a waiter whose Job is Complete in the new list resolves',
  scenario(async ({ api, hub }) => {
    api.jobs = [job('a', '10')];
    api.listResourceVersion = '10';
    const a = hub.until(NS, 'Job', 'a', outcome('uid-a'), opts());
    await waitFor('the first watch', () => api.watches.length === 1);

    // Meanwhile the Job finished; the hub only learns it from the new list.
    api.jobs = [job('a', '40', 'complete')];
    api.listResourceVersion = '42';
    api.stream(0).send('ERROR', status(410, 'Expired', 'too old resource version: 10 (30)'));
    api.stream(0).end();

    assert.equal(await a, { ok: true });
    assert.is(api.lists.length, 2, 'listed again');
    await waitFor('the new watch', () => api.watches.length === 2);
    assert.is(api.watches[1]?.resourceVersion, '42', 'the new watch starts at the new list');
  }),
);

test(
  'a resumed watch answered with HTTP 410 lists afresh',
  scenario(async ({ api, hub }) => {
    api.jobs = [job('a', '10'), job('gone', '10')];
    api.listResourceVersion = '10';
    const a = hub.until(NS, 'Job', 'a', outcome('uid-a'), opts());
    const gone = hub.until(NS, 'Job', 'gone', (obj) => (obj === undefined ? 'absent' : undefined), opts());
    await hub.prime(NS, 'Job');
    await tick(); // both waiters have set their (real) timeout timers

    api.jobs = [job('a', '40', 'complete')]; // 'gone' was deleted while the hub was not watching
    api.listResourceVersion = '42';
    api.watchFailures.push(410);
    await withoutDelays(async () => {
      api.stream(0).send('BOOKMARK', bookmark('12'));
      api.stream(0).end();
      await waitFor('a second list', () => api.lists.length === 2);
    });

    assert.is(api.watches[1]?.resourceVersion, '12', 'first resumed from the last resourceVersion');
    assert.equal(await a, { ok: true });
    assert.is(await gone, 'absent');
    await waitFor('the watch after the list', () => api.watches.length === 3);
    assert.is(api.watches[2]?.resourceVersion, '42');
  }),
);

test(
  'until() rejects with onTimeout after timeoutMs and drops the waiter',
  scenario(async ({ api, hub }) => {
    api.jobs = [job('a', '10'), job('b', '10')];
    api.listResourceVersion = '10';
    let calls = 0;
    const expected = new Error('a not done in time');
    const err = await hub
      .until(
        NS,
        'Job',
        'a',
        (obj) => {
          calls++;
          return obj && jobOutcome(obj);
        },
        {
          ...opts({ timeoutMs: 20 }),
          onTimeout: () => expected,
        },
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.is(err, expected);
    const before = calls;

    // A later event for that Job reaches no one (and throws nothing); the watch goes on serving others.
    const b = hub.until(NS, 'Job', 'b', outcome('uid-b'), opts());
    api.stream(0).send('MODIFIED', job('a', '11', 'complete'));
    api.stream(0).send('MODIFIED', job('b', '12', 'complete'));
    assert.equal(await b, { ok: true });
    assert.is(calls, before, 'the timed-out waiter is not evaluated again');
  }),
);

test(
  'until() rejects with onAbort when the signal aborts (or is already aborted) and drops the waiter',
  scenario(async ({ api, hub }) => {
    api.jobs = [job('a', '10'), job('b', '10')];
    api.listResourceVersion = '10';
    let calls = 0;
    const evaluate = (obj: KubernetesObject | undefined) => {
      calls++;
      return obj && jobOutcome(obj);
    };
    const expected = new Error('interrupted');
    const ac = new AbortController();
    const pending = hub.until(NS, 'Job', 'a', evaluate, { ...opts({ signal: ac.signal }), onAbort: () => expected });
    await waitFor('the watch', () => api.watches.length === 1);
    await tick();
    ac.abort();
    assert.is(
      await pending.then(
        () => undefined,
        (e: unknown) => e,
      ),
      expected,
    );

    const pre = await hub
      .until(NS, 'Job', 'a', evaluate, { ...opts({ signal: ac.signal }), onAbort: () => expected })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.is(pre, expected, 'an already aborted signal rejects at once');

    const before = calls;
    const b = hub.until(NS, 'Job', 'b', outcome('uid-b'), opts());
    api.stream(0).send('MODIFIED', job('a', '11', 'complete'));
    api.stream(0).send('MODIFIED', job('b', '12', 'complete'));
    assert.equal(await b, { ok: true });
    assert.is(calls, before, 'the aborted waiter is not evaluated again');
  }),
);

test(
  'a DELETED event is offered once, with deleted=true, then the object is absent',
  scenario(async ({ api, hub }) => {
    api.jobs = [job('a', '10', 'running', 'uid-a')];
    api.listResourceVersion = '10';
    const seen: Array<{ uid: string | undefined; deleted: boolean }> = [];
    const deletedSeen = hub.until(
      NS,
      'Job',
      'a',
      (obj, deleted) => {
        seen.push({ uid: obj?.metadata?.uid, deleted });
        return deleted ? obj : undefined;
      },
      opts(),
    );
    const absent = hub.until(NS, 'Job', 'a', (obj) => (obj === undefined ? true : undefined), opts());
    const helm3 = hub.until(NS, 'Job', 'a', outcome('uid-a'), opts());
    await waitFor('the watch', () => api.watches.length === 1);

    api.stream(0).send('DELETED', job('a', '11', 'running', 'uid-a'));
    const last = await deletedSeen;
    assert.is(last?.metadata?.uid, 'uid-a');
    assert.equal(seen, [
      { uid: 'uid-a', deleted: false }, // the cached object, when the waiter was added
      { uid: 'uid-a', deleted: true },
    ]);
    assert.is(await absent, true);
    assert.equal(await helm3, { ok: true }, 'deleted while watched counts as done (helm 3)');
    assert.is(hub.peek(NS, 'Job', 'a'), undefined);
  }),
);

test(
  'a deletion nobody waited for is not offered to a later waiter',
  scenario(async ({ api, hub }) => {
    api.jobs = [job('a', '10', 'running', 'uid-old')];
    api.listResourceVersion = '10';
    await hub.prime(NS, 'Job');
    api.stream(0).send('DELETED', job('a', '11', 'running', 'uid-old'));
    await waitFor('the deletion', () => hub.peek(NS, 'Job', 'a') === undefined);

    const seen: Array<{ uid: string | undefined; deleted: boolean }> = [];
    const next = hub.until(
      NS,
      'Job',
      'a',
      (obj, deleted) => {
        seen.push({ uid: obj?.metadata?.uid, deleted });
        return obj ? deleted : undefined;
      },
      opts(),
    );
    api.stream(0).send('ADDED', job('a', '12', 'running', 'uid-new'));
    assert.is(await next, false, 'the new Job is offered as present, not as deleted');
    assert.equal(seen, [
      { uid: undefined, deleted: false },
      { uid: 'uid-new', deleted: false },
    ]);
  }),
);

test(
  'close() ends the watch connection and nothing reconnects afterwards',
  scenario(async ({ api, hub }) => {
    api.jobs = [job('a', '10')];
    api.listResourceVersion = '10';
    let timedOut = false;
    const pending = hub
      .until(NS, 'Job', 'a', outcome('uid-a'), {
        ...opts(),
        onTimeout: () => {
          timedOut = true;
          return new Error('timed out');
        },
      })
      .catch((e: unknown) => e);
    await hub.prime(NS, 'Job');
    await tick(); // the waiter has set its (real) timeout timer

    await withoutDelays(async () => {
      hub.close();
      await waitFor('the server to see the watch close', () => api.stream(0).isClosed);
      await settle();
    });
    assert.is(api.watches.length, 1, 'no reconnect');
    assert.is(api.lists.length, 1, 'no new list');
    const error = await pending;
    assert.instance(error, Error);
    assert.match((error as Error).message, /closed/, 'the waiter failed because of close(), not its timeout');
    assert.not.ok(timedOut, 'the timeout path was never taken');
  }),
);

test(
  'a 403 on the watch fails every waiter at once with the RBAC message; nothing retries',
  scenario(async ({ api, hub }) => {
    api.jobs = [job('a', '10')];
    api.listResourceVersion = '10';
    api.watchFailures.push(403);
    // What happened, in order: "at once" means the waiter failed on the 403 answer to the first watch,
    // before any retry and without its timeout ever firing.
    const events: string[] = [];
    const error = await hub
      .until(NS, 'Job', 'a', outcome('uid-a'), {
        ...opts(),
        onTimeout: () => {
          events.push('timeout');
          return new Error('timed out');
        },
      })
      .catch((e: unknown) => {
        events.push(`rejected after ${api.watches.length} watch request(s)`);
        return e;
      });
    assert.instance(error, Error);
    assert.match((error as Error).message, /RBAC: watch Jobs in app forbidden/, (error as Error).message);
    assert.equal(events, ['rejected after 1 watch request(s)'], 'failed on the 403, not at the timeout');
    await settle();
    assert.is(api.watches.length, 1, 'a permanent refusal is not retried');
  }),
);

test(
  'close() fails a pending waiter at once (its timer cleared), with a message',
  scenario(async ({ api, hub }) => {
    api.jobs = [job('a', '10')];
    api.listResourceVersion = '10';
    const pending = hub.until(NS, 'Job', 'a', outcome('uid-a'), opts({ timeoutMs: 60_000 })).catch((e: unknown) => e);
    await hub.prime(NS, 'Job');
    await tick();
    hub.close();
    const error = await pending;
    assert.match((error as Error).message, /closed/);
  }),
);

test(
  'an exception inside a waiter fails that waiter only; the others go on',
  scenario(async ({ api, hub }) => {
    api.jobs = [job('a', '10'), job('b', '10')];
    api.listResourceVersion = '10';
    let calls = 0;
    const broken = hub
      .until(
        NS,
        'Job',
        'a',
        () => {
          if (++calls > 1) throw new Error('bad evaluation');
          return undefined;
        },
        opts(),
      )
      .catch((e: unknown) => e);
    const fine = hub.until(NS, 'Job', 'b', outcome('uid-b'), opts());
    await waitFor('the watch', () => api.watches.length === 1);
    api.stream(0).send('MODIFIED', job('a', '11'));
    assert.match(((await broken) as Error).message, /bad evaluation/);
    api.stream(0).send('MODIFIED', job('b', '12', 'complete'));
    assert.equal(await fine, { ok: true });
  }),
);

test(
  'close() while the watch request is still in flight still ends that connection',
  scenario(async ({ api, hub }) => {
    api.jobs = [];
    api.listResourceVersion = '10';
    api.holdWatchHeaders = true;
    const primed = hub.prime(NS, 'Job');
    await waitFor('the watch request', () => api.watches.length === 1);
    hub.close();
    api.stream(0).open(); // the response arrives after close()
    await primed;
    await withoutDelays(async () => {
      await waitFor('the server to see the watch close', () => api.stream(0).isClosed);
      await settle();
    });
    assert.is(api.watches.length, 1, 'no reconnect');
  }),
);

test.run();
