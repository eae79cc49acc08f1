import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PluginError } from '../../src/errors.js';
import { helmSettingsFromEnv } from '../../src/helm/env.js';
import { KubeApi } from '../../src/kube/api.js';
import { Credentials } from '../../src/kube/credentials.js';
import { restConfigFor } from '../../src/kube/rest-config.js';
import { proxyFor, Transport, useProxy } from '../../src/kube/transport.js';
import { selfSigned } from './certs.js';

const at = (server: string, proxyUrl?: string) => ({ server: new URL(server), proxyUrl });
const PROXY = 'http://proxy.corp:3128';

/** The proxy's href for this server and environment, or undefined (direct). */
const proxied = (server: string, env: NodeJS.ProcessEnv, proxyUrl?: string) =>
  proxyFor(at(server, proxyUrl), env)?.href;

// ---------------------------------------------------------------- useProxy: Go's NO_PROXY rules

test('localhost and loopback addresses are never proxied; foo.localhost is', () => {
  for (const host of ['localhost', '127.0.0.1', '127.1.2.3', '::1']) assert.is(useProxy(host, '443', ''), false, host);
  assert.is(useProxy('foo.localhost', '443', ''), true);
  assert.is(useProxy('10.0.0.1', '443', ''), true);
  assert.is(useProxy('api.example.com', '443', ''), true);
});

test('NO_PROXY "*" disables the proxy for every host', () => {
  assert.is(useProxy('api.example.com', '443', '*'), false);
  assert.is(useProxy('10.1.2.3', '6443', 'other.com, *'), false);
  assert.is(useProxy('api.example.com', '443', '*.example.org'), true, 'only "*" alone is everything');
});

test('NO_PROXY domains: "example.com" matches it and subdomains, ".example.com" / "*.example.com" only subdomains', () => {
  assert.is(useProxy('example.com', '443', 'example.com'), false);
  assert.is(useProxy('api.example.com', '443', 'example.com'), false);
  assert.is(useProxy('badexample.com', '443', 'example.com'), true, 'a suffix is not a subdomain');
  for (const entry of ['.example.com', '*.example.com']) {
    assert.is(useProxy('api.example.com', '443', entry), false, entry);
    assert.is(useProxy('a.b.example.com', '443', entry), false, entry);
    assert.is(useProxy('example.com', '443', entry), true, entry);
  }
  assert.is(
    useProxy('api.example.com', '443', ' other.org , EXAMPLE.COM '),
    false,
    'entries are trimmed and lowercased',
  );
  assert.is(useProxy('api.example.com', '6443', 'example.com:6443'), false);
  assert.is(useProxy('api.example.com', '443', 'example.com:6443'), true, 'a port must be the request port');
});

test('NO_PROXY IPs, IP:port and CIDRs (v4 and v6); domain entries do not match other IPs', () => {
  assert.is(useProxy('10.1.2.3', '6443', '10.1.2.3'), false);
  assert.is(useProxy('10.1.2.4', '6443', '10.1.2.3'), true);
  assert.is(useProxy('10.1.2.3', '6443', '10.1.2.3:6443'), false);
  assert.is(useProxy('10.1.2.3', '443', '10.1.2.3:6443'), true);
  assert.is(useProxy('2001:db8::1', '6443', '[2001:db8::1]:6443'), false);
  assert.is(useProxy('2001:db8::1', '443', '[2001:db8::1]:6443'), true);
  assert.is(useProxy('2001:db8:0:0::1', '443', '2001:db8::1'), false, 'the same IPv6 address written otherwise');
  assert.is(useProxy('10.200.3.4', '443', '10.0.0.0/8'), false);
  assert.is(useProxy('11.0.0.1', '443', '10.0.0.0/8'), true);
  assert.is(useProxy('192.168.5.7', '443', '192.168.4.0/23'), false);
  assert.is(useProxy('192.168.6.1', '443', '192.168.4.0/23'), true);
  assert.is(useProxy('2001:db8:1::5', '443', '2001:db8::/32'), false);
  assert.is(useProxy('2001:db9::1', '443', '2001:db8::/32'), true);
  assert.is(useProxy('10.0.0.1', '443', '2001:db8::/32'), true, 'a v6 CIDR does not match a v4 host');
  assert.is(useProxy('ten.example.com', '443', '10.0.0.0/8'), true, 'a CIDR does not match a name');
});

// ---------------------------------------------------------------- proxyFor: which variable, which value

test('HTTPS_PROXY is for https servers and HTTP_PROXY for http servers, without fallback', () => {
  assert.is(proxied('https://api.example.com', { HTTPS_PROXY: PROXY }), `${PROXY}/`);
  assert.is(proxied('http://api.example.com', { HTTPS_PROXY: PROXY }), undefined);
  assert.is(proxied('http://api.example.com', { HTTP_PROXY: PROXY }), `${PROXY}/`);
  assert.is(proxied('https://api.example.com', { HTTP_PROXY: PROXY }), undefined);
  assert.is(proxied('https://api.example.com', {}), undefined);
});

test('an uppercase variable wins over the lowercase one; lowercase is used when uppercase is empty', () => {
  const upper = 'http://upper:1';
  const lower = 'http://lower:2';
  assert.is(proxied('https://h.example', { HTTPS_PROXY: upper, https_proxy: lower }), `${upper}/`);
  assert.is(proxied('https://h.example', { HTTPS_PROXY: '', https_proxy: lower }), `${lower}/`);
  assert.is(proxied('http://h.example', { HTTP_PROXY: upper, http_proxy: lower }), `${upper}/`);
  // NO_PROXY beats no_proxy the same way.
  const env = { HTTPS_PROXY: upper, NO_PROXY: 'a.example', no_proxy: 'h.example' };
  assert.is(proxied('https://h.example', env), `${upper}/`);
  assert.is(proxied('https://a.example', env), undefined);
  assert.is(proxied('https://h.example', { HTTPS_PROXY: upper, NO_PROXY: '', no_proxy: 'h.example' }), undefined);
});

test('NO_PROXY is checked against the server port (443 when the URL has none) and its host', () => {
  const env = (noProxy: string) => ({ HTTPS_PROXY: PROXY, NO_PROXY: noProxy });
  assert.is(proxied('https://api.example.com', env('example.com:443')), undefined);
  assert.is(proxied('https://api.example.com:6443', env('example.com:443')), `${PROXY}/`);
  assert.is(proxied('https://[2001:db8::7]:6443', env('2001:db8::/48')), undefined);
  assert.is(proxied('https://localhost:6443', { HTTPS_PROXY: PROXY }), undefined);
  assert.is(proxied('https://127.0.0.1:6443', { HTTPS_PROXY: PROXY }), undefined);
});

test("the cluster's proxy-url replaces the environment (NO_PROXY and the loopback exception too)", () => {
  const fixed = 'http://fixed.corp:8080';
  assert.is(proxied('https://api.example.com', { HTTPS_PROXY: PROXY }, fixed), `${fixed}/`);
  assert.is(proxied('https://localhost:6443', { NO_PROXY: '*' }, fixed), `${fixed}/`);
  assert.is(proxied('http://api.example.com', {}, fixed), `${fixed}/`);
});

test('a socks5 proxy is refused with a PluginError; a value without a scheme gets http://', () => {
  for (const [env, proxyUrl] of [
    [{}, 'socks5://socks.corp:1080'],
    [{ HTTPS_PROXY: 'socks5://socks.corp:1080' }, undefined],
  ] as const) {
    try {
      proxyFor(at('https://api.example.com', proxyUrl), env);
      assert.unreachable('socks5 accepted');
    } catch (error) {
      assert.instance(error, PluginError);
      assert.match((error as Error).message, 'socks5');
    }
  }
  assert.is(proxied('https://api.example.com', { HTTPS_PROXY: 'proxy.corp:3128' }), 'http://proxy.corp:3128/');
  assert.is(proxied('https://api.example.com', { HTTPS_PROXY: '10.0.0.9:3128' }), 'http://10.0.0.9:3128/');
  assert.is(proxied('https://api.example.com', { HTTPS_PROXY: 'https://secure.corp' }), 'https://secure.corp/');
});

// ---------------------------------------------------------------- end to end through a CONNECT tunnel

const listen = (server: { listen: (port: number, host: string, cb: () => void) => unknown; address: () => unknown }) =>
  new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );

test('a request through the proxy-url CONNECT tunnel reaches the TLS server, verified by the kubeconfig CA', async () => {
  const { cert, key } = selfSigned('localhost', 'DNS:localhost,IP:127.0.0.1');
  const seen: { url: string | undefined; authorization: string | undefined; userAgent: string | undefined }[] = [];
  const api = createHttpsServer({ cert, key }, (req, res) => {
    seen.push({ url: req.url, authorization: req.headers.authorization, userAgent: req.headers['user-agent'] });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ kind: 'NamespaceList', items: [] }));
  });
  const apiPort = await listen(api);

  const connects: string[] = [];
  const sockets = new Set<Socket>();
  const proxy = createHttpServer();
  proxy.on('connect', (req, client: Socket, head: Buffer) => {
    connects.push(req.url ?? '');
    sockets.add(client);
    const [host, port] = [(req.url ?? '').replace(/:\d+$/, ''), Number((req.url ?? '').split(':').pop())];
    const upstream = connect({ host, port, autoSelectFamily: true }, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  const proxyPort = await listen(proxy);

  const config = restConfigFor(
    {
      files: [],
      currentContext: 'tunnel',
      clusters: new Map([
        [
          'c',
          {
            server: `https://localhost:${apiPort}/prefix/`,
            'certificate-authority-data': Buffer.from(cert).toString('base64'),
            'proxy-url': `http://127.0.0.1:${proxyPort}`,
          },
        ],
      ]),
      users: new Map([['u', { token: 'tunnel-token' }]]),
      contexts: new Map([['tunnel', { cluster: 'c', user: 'u' }]]),
    },
    helmSettingsFromEnv({}),
  );
  assert.is(config.auth.type, 'token');
  const credentials = new Credentials(config.auth, config.impersonate, { env: {}, stdinIsTerminal: false });
  const transport = new Transport(config, {});
  const client = new KubeApi(config, credentials, transport);
  try {
    const first = await client.send<{ kind: string }>({ method: 'GET', path: '/api/v1/namespaces' });
    const second = await client.send<{ kind: string }>({ method: 'GET', path: '/api/v1/namespaces' });
    assert.is(first.kind, 'NamespaceList');
    assert.is(second.kind, 'NamespaceList');
    assert.equal(
      seen.map((s) => s.url),
      ['/prefix/api/v1/namespaces', '/prefix/api/v1/namespaces'],
    );
    assert.ok(seen.every((s) => s.authorization === 'Bearer tunnel-token'));
    assert.ok(seen.every((s) => s.userAgent?.startsWith('helm-parallel-hooks/')));
    assert.equal(connects, [`localhost:${apiPort}`], 'one CONNECT, kept alive for the second request');
  } finally {
    transport.close();
    for (const s of sockets) s.destroy();
    api.closeAllConnections();
    await Promise.all([new Promise((r) => api.close(r)), new Promise((r) => proxy.close(r))]);
  }
});

test('a TLS server whose certificate the kubeconfig CA does not sign is refused through the tunnel too', async () => {
  const trusted = selfSigned('localhost', 'DNS:localhost,IP:127.0.0.1');
  const other = selfSigned('localhost', 'DNS:localhost,IP:127.0.0.1');
  let requests = 0;
  const api = createHttpsServer(other, (_req, res) => {
    requests++;
    res.end('{}');
  });
  const apiPort = await listen(api);
  const sockets = new Set<Socket>();
  const proxy = createHttpServer();
  proxy.on('connect', (req, client: Socket) => {
    sockets.add(client);
    const upstream = connect({ host: '127.0.0.1', port: Number((req.url ?? '').split(':').pop()) }, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  const proxyPort = await listen(proxy);
  const config = restConfigFor(
    {
      files: [],
      currentContext: 'x',
      clusters: new Map([
        [
          'c',
          {
            server: `https://localhost:${apiPort}`,
            'certificate-authority-data': Buffer.from(trusted.cert).toString('base64'),
            'proxy-url': `http://127.0.0.1:${proxyPort}`,
          },
        ],
      ]),
      users: new Map([['u', { token: 't' }]]),
      contexts: new Map([['x', { cluster: 'c', user: 'u' }]]),
    },
    helmSettingsFromEnv({}),
  );
  const transport = new Transport(config, {});
  const client = new KubeApi(
    config,
    new Credentials(config.auth, undefined, { env: {}, stdinIsTerminal: false }),
    transport,
  );
  try {
    let failure: unknown;
    await client.send({ method: 'GET', path: '/version' }).catch((e) => {
      failure = e;
    });
    assert.ok(failure instanceof Error, 'the request failed');
    assert.is((failure as NodeJS.ErrnoException).code, 'DEPTH_ZERO_SELF_SIGNED_CERT', 'refused by verification');
    assert.is(requests, 0, 'nothing reached the untrusted server');
  } finally {
    transport.close();
    for (const s of sockets) s.destroy();
    api.closeAllConnections();
    await Promise.all([new Promise((r) => api.close(r)), new Promise((r) => proxy.close(r))]);
  }
});

test.run();
