/**
 * KubeApi's credentials path against a scripted API server (node:http on 127.0.0.1): an exec plugin's token
 * (a fake runner), a 401 that fetches a new one and sends the request once more, the single plugin run
 * shared by concurrent requests, and the 403 that is retried only right after the server was seen down.
 * Assertions are on what the server received and how often the plugin ran, never on durations.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ApiError, KubeApi } from '../../src/kube/api.js';
import { Credentials } from '../../src/kube/credentials.js';
import type { ExecRunner } from '../../src/kube/exec-credential.js';
import type { AuthConfig, RestConfig } from '../../src/kube/rest-config.js';
import { Transport } from '../../src/kube/transport.js';

const V1 = 'client.authentication.k8s.io/v1';

interface Seen {
  method: string | undefined;
  url: string;
  headers: IncomingMessage['headers'];
}

type Handler = (req: IncomingMessage, res: ServerResponse, seen: Seen[]) => void;

/** A scripted API server: records every request, answers with the test's handler. */
class ScriptedServer {
  readonly seen: Seen[] = [];
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly handler: Handler) {}

  async start(port = 0): Promise<this> {
    const server = createServer((req, res) => {
      this.seen.push({ method: req.method, url: req.url ?? '', headers: req.headers });
      this.handler(req, res, this.seen);
    });
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
}

const json = (res: ServerResponse, code: number, body: unknown) => {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
};
const status = (code: number, reason: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  code,
  reason,
  message: reason,
});

/** A fake exec plugin: prints token "t1", then "t2", ... one run per call. */
function tokenRunner(): { run: ExecRunner; runs: () => number } {
  let runs = 0;
  const run: ExecRunner = async () => {
    runs++;
    const token = `t${runs}`;
    await new Promise((resolve) => setImmediate(resolve));
    return {
      code: 0,
      signal: null,
      notFound: false,
      stdout: JSON.stringify({ kind: 'ExecCredential', apiVersion: V1, status: { token } }),
    };
  };
  return { run, runs: () => runs };
}

/** A plain-http RestConfig by hand (restConfigFor drops credentials for http://, as client-go does). */
function client(port: number, run: ExecRunner | undefined, auth?: AuthConfig): { api: KubeApi; transport: Transport } {
  const server = `http://127.0.0.1:${port}`;
  const config: RestConfig = {
    server: new URL(server),
    host: server,
    tls: undefined,
    auth: auth ?? {
      type: 'exec',
      exec: { command: 'cred', apiVersion: V1, interactiveMode: 'Never' },
      cluster: undefined,
      user: 'dev',
    },
    impersonate: undefined,
    proxyUrl: undefined,
    contextName: 'ctx',
    userName: 'dev',
  };
  const credentials = new Credentials(config.auth, config.impersonate, { env: {}, stdinIsTerminal: false, run });
  const transport = new Transport(config, {});
  return { api: new KubeApi(config, credentials, transport), transport };
}

/** 401 to the token "t1", 200 to any other. */
const rejectsT1: Handler = (req, res) => {
  if (req.headers.authorization === 'Bearer t1') return json(res, 401, status(401, 'Unauthorized'));
  json(res, 200, { kind: 'Pod', metadata: { name: 'p' }, auth: req.headers.authorization });
};

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.unreachable('expected a rejection');
  return undefined;
}

// ---------------------------------------------------------------- 401 and the exec plugin

test('a 401 to the exec token runs the plugin again and sends the request once more', async () => {
  const server = await new ScriptedServer(rejectsT1).start();
  const plugin = tokenRunner();
  const { api, transport } = client(server.port, plugin.run);
  try {
    const pod = await api.send<{ auth: string }>({ method: 'GET', path: '/api/v1/namespaces/app/pods/p' });
    assert.is(pod.auth, 'Bearer t2');
    assert.is(plugin.runs(), 2);
    assert.equal(
      server.seen.map((s) => [s.url, s.headers.authorization]),
      [
        ['/api/v1/namespaces/app/pods/p', 'Bearer t1'],
        ['/api/v1/namespaces/app/pods/p', 'Bearer t2'],
      ],
    );
  } finally {
    transport.close();
    await server.stop();
  }
});

test('a POST answered 401 is sent again with the same body', async () => {
  const bodies: string[] = [];
  const server = await new ScriptedServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      bodies.push(body);
      rejectsT1(req, res, []);
    });
  }).start();
  const plugin = tokenRunner();
  const { api, transport } = client(server.port, plugin.run);
  try {
    const object = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } };
    await api.send({ method: 'POST', path: '/api/v1/namespaces/app/configmaps', body: object });
    assert.equal(bodies, [JSON.stringify(object), JSON.stringify(object)]);
    assert.equal(
      server.seen.map((s) => s.headers['content-type']),
      ['application/json', 'application/json'],
    );
    assert.is(plugin.runs(), 2);
  } finally {
    transport.close();
    await server.stop();
  }
});

test('100 concurrent requests share one plugin run', async () => {
  const server = await new ScriptedServer((req, res) => json(res, 200, { auth: req.headers.authorization })).start();
  const plugin = tokenRunner();
  const { api, transport } = client(server.port, plugin.run);
  try {
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        api.send<{ auth: string }>({ method: 'GET', path: `/api/v1/namespaces/n${i}` }),
      ),
    );
    assert.is(plugin.runs(), 1);
    assert.is(server.seen.length, 100);
    assert.ok(answers.every((a) => a.auth === 'Bearer t1'));
  } finally {
    transport.close();
    await server.stop();
  }
});

test('100 concurrent requests answered 401 cause one new run; each is sent again once', async () => {
  const server = await new ScriptedServer(rejectsT1).start();
  const plugin = tokenRunner();
  const { api, transport } = client(server.port, plugin.run);
  try {
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        api.send<{ auth: string }>({ method: 'GET', path: `/api/v1/namespaces/n${i}` }),
      ),
    );
    assert.is(plugin.runs(), 2);
    assert.is(server.seen.length, 200);
    assert.ok(answers.every((a) => a.auth === 'Bearer t2'));
    assert.is(server.seen.filter((s) => s.headers.authorization === 'Bearer t1').length, 100);
  } finally {
    transport.close();
    await server.stop();
  }
});

test('a 401 to a static token is the answer: not sent again', async () => {
  const server = await new ScriptedServer((_req, res) => json(res, 401, status(401, 'Unauthorized'))).start();
  const { api, transport } = client(server.port, undefined, { type: 'token', token: 'static', file: undefined });
  try {
    const error = await rejection(api.send({ method: 'GET', path: '/api/v1/namespaces', retryForMs: 5_000 }));
    assert.instance(error, ApiError);
    assert.is((error as ApiError).code, 401);
    assert.is(server.seen.length, 1);
    assert.is(server.seen[0]?.headers.authorization, 'Bearer static');
  } finally {
    transport.close();
    await server.stop();
  }
});

test('a 401 to the fresh exec token too is the answer (one new run, two requests)', async () => {
  const server = await new ScriptedServer((_req, res) => json(res, 401, status(401, 'Unauthorized'))).start();
  const plugin = tokenRunner();
  const { api, transport } = client(server.port, plugin.run);
  try {
    const error = await rejection(api.send({ method: 'GET', path: '/api/v1/namespaces' }));
    assert.is((error as ApiError).code, 401);
    assert.is(plugin.runs(), 2);
    assert.equal(
      server.seen.map((s) => s.headers.authorization),
      ['Bearer t1', 'Bearer t2'],
    );
  } finally {
    transport.close();
    await server.stop();
  }
});

// ---------------------------------------------------------------- 403 around an API server restart

test('a 403 without an outage before it is the answer, even with a retry budget', async () => {
  const server = await new ScriptedServer((_req, res) => json(res, 403, status(403, 'Forbidden'))).start();
  const { api, transport } = client(server.port, tokenRunner().run);
  try {
    const error = await rejection(api.send({ method: 'GET', path: '/api/v1/namespaces/app/pods', retryForMs: 10_000 }));
    assert.instance(error, ApiError);
    assert.is((error as ApiError).code, 403);
    assert.is(server.seen.length, 1);
  } finally {
    transport.close();
    await server.stop();
  }
});

test('after a 503, a 403 (the authorizer still starting) is retried until the 200', async () => {
  const answers = [503, 403, 200];
  const server = await new ScriptedServer((_req, res, seen) => {
    const code = answers[seen.length - 1] ?? 200;
    json(res, code, code === 200 ? { kind: 'PodList', items: [] } : status(code, `answer ${code}`));
  }).start();
  const { api, transport } = client(server.port, tokenRunner().run);
  try {
    const list = await api.send<{ kind: string }>({
      method: 'GET',
      path: '/api/v1/namespaces/app/pods',
      retryForMs: 10_000,
    });
    assert.is(list.kind, 'PodList');
    assert.is(server.seen.length, 3);
  } finally {
    transport.close();
    await server.stop();
  }
});

test('after connection refused, a 403 from the restarted server is retried until the 200', async () => {
  // Take a free port, then close it: the first attempts are refused until the server comes back on it.
  const probe = await new ScriptedServer(() => undefined).start();
  const port = probe.port;
  await probe.stop();
  let forbidden = 1;
  const restarted = new ScriptedServer((_req, res) => {
    if (forbidden-- > 0) return json(res, 403, status(403, 'Forbidden'));
    json(res, 200, { kind: 'PodList', items: [] });
  });
  const { api, transport } = client(port, tokenRunner().run);
  try {
    const pending = api.send<{ kind: string }>({
      method: 'GET',
      path: '/api/v1/namespaces/app/pods',
      retryForMs: 10_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await restarted.start(port);
    const list = await pending;
    assert.is(list.kind, 'PodList');
    assert.equal(
      restarted.seen.map((s) => s.url),
      ['/api/v1/namespaces/app/pods', '/api/v1/namespaces/app/pods'],
    );
  } finally {
    transport.close();
    await restarted.stop();
  }
});

// ---------------------------------------------------------------- watches

test('watch() streams events with the same credentials (a 401 renews the exec token) and the User-Agent', async () => {
  const server = await new ScriptedServer((req, res) => {
    if (req.headers.authorization === 'Bearer t1') return json(res, 401, status(401, 'Unauthorized'));
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write(`${JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a', resourceVersion: '11' } } })}\n`);
    res.write(
      `${JSON.stringify({ type: 'MODIFIED', object: { metadata: { name: 'a', resourceVersion: '12' } } })}\n\n`,
    );
    setImmediate(() => {
      res.write(`${JSON.stringify({ type: 'DELETED', object: { metadata: { name: 'a', resourceVersion: '13' } } })}\n`);
      res.end();
    });
  }).start();
  const plugin = tokenRunner();
  const { api, transport } = client(server.port, plugin.run);
  try {
    const events: { type: string; rv: string }[] = [];
    const watch = await api.watch<{ metadata: { resourceVersion: string } }>(
      '/apis/batch/v1/namespaces/app/jobs',
      { resourceVersion: '10', allowWatchBookmarks: 'true', fieldSelector: undefined },
      (e) => events.push({ type: e.type, rv: e.object.metadata.resourceVersion }),
      new AbortController().signal,
    );
    await watch.done;
    assert.equal(events, [
      { type: 'ADDED', rv: '11' },
      { type: 'MODIFIED', rv: '12' },
      { type: 'DELETED', rv: '13' },
    ]);
    assert.is(plugin.runs(), 2);
    assert.equal(
      server.seen.map((s) => s.headers.authorization),
      ['Bearer t1', 'Bearer t2'],
    );
    for (const s of server.seen) {
      assert.ok(s.headers['user-agent']?.startsWith('helm-parallel-hooks/'), s.headers['user-agent']);
      const url = new URL(s.url, 'http://x');
      assert.is(url.pathname, '/apis/batch/v1/namespaces/app/jobs');
      assert.is(url.searchParams.get('watch'), 'true');
      assert.is(url.searchParams.get('resourceVersion'), '10');
      assert.is(url.searchParams.has('fieldSelector'), false);
    }
    // A request after the watch uses the credential the watch renewed: no further run.
    await api.send({ method: 'GET', path: '/apis/batch/v1/namespaces/app/jobs' }).catch(() => undefined);
    assert.is(server.seen.at(-1)?.headers.authorization, 'Bearer t2');
    assert.is(plugin.runs(), 2);
  } finally {
    transport.close();
    await server.stop();
  }
});

test('a watch answered 403 rejects with the ApiError before any event', async () => {
  const server = await new ScriptedServer((_req, res) => json(res, 403, status(403, 'Forbidden'))).start();
  const { api, transport } = client(server.port, tokenRunner().run);
  try {
    let events = 0;
    const error = await rejection(
      api.watch('/api/v1/namespaces/app/pods', {}, () => events++, new AbortController().signal),
    );
    assert.instance(error, ApiError);
    assert.is((error as ApiError).code, 403);
    assert.is(events, 0);
  } finally {
    transport.close();
    await server.stop();
  }
});

test('a watch answered 403 right after the client saw a 503 is retried until the stream opens', async () => {
  const server = await new ScriptedServer((req, res, seen) => {
    if (seen.length === 1) return json(res, 503, status(503, 'ServiceUnavailable'));
    if (seen.length === 2) return json(res, 403, status(403, 'Forbidden'));
    assert.match(req.url ?? '', 'watch=true');
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(`${JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'j' } } })}\n`);
  }).start();
  const { api, transport } = client(server.port, tokenRunner().run);
  try {
    // No retry budget: the 503 is the answer, but the client has now seen the server failing.
    const unavailable = await rejection(api.send({ method: 'GET', path: '/apis/batch/v1/namespaces/app/jobs' }));
    assert.is((unavailable as ApiError).code, 503);
    const names: string[] = [];
    const watch = await api.watch<{ metadata: { name: string } }>(
      '/apis/batch/v1/namespaces/app/jobs',
      {},
      (e) => names.push(e.object.metadata.name),
      new AbortController().signal,
    );
    await watch.done;
    assert.equal(names, ['j']);
    assert.is(server.seen.length, 3);
  } finally {
    transport.close();
    await server.stop();
  }
});

test.run();
