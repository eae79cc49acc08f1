/**
 * Credentials: what each request carries, as client-go's round trippers add it: a bearer token (given, or
 * from a tokenFile re-read as client-go's cached file token source does), basic auth, impersonation headers,
 * an OIDC id-token. check() is what client-go does when it builds its client. A fake clock stands in for time.
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PluginError } from '../../src/errors.js';
import { Credentials, impersonationHeaders } from '../../src/kube/credentials.js';
import type { AuthConfig, Impersonation } from '../../src/kube/rest-config.js';

const dir = mkdtempSync(join(tmpdir(), 'hph credentials '));
let files = 0;
const tokenFile = (content: string) => {
  const p = join(dir, `token-${++files}`);
  writeFileSync(p, content);
  return p;
};

function credentials(auth: AuthConfig, opts: { impersonate?: Impersonation; now?: () => number } = {}): Credentials {
  return new Credentials(auth, opts.impersonate, { env: {}, stdinIsTerminal: false, now: opts.now });
}

async function authorization(c: Credentials): Promise<string | string[] | undefined> {
  return (await c.apply()).headers.Authorization;
}

function refusal(fn: () => unknown): PluginError {
  try {
    fn();
  } catch (error) {
    assert.instance(error, PluginError, `expected a PluginError, got ${String(error)}`);
    return error as PluginError;
  }
  assert.unreachable('expected a PluginError');
  throw new Error('unreachable');
}

async function rejection(promise: Promise<unknown>): Promise<PluginError> {
  try {
    await promise;
  } catch (error) {
    assert.instance(error, PluginError, `expected a PluginError, got ${String(error)}`);
    return error as PluginError;
  }
  assert.unreachable('expected a rejection');
  throw new Error('unreachable');
}

// ---------------------------------------------------------------- bearer tokens

test('a bearer token is sent as Authorization: Bearer; no client certificate, no exec source', async () => {
  const c = credentials({ type: 'token', token: 'abc.def', file: undefined });
  c.check();
  const applied = await c.apply();
  assert.equal(applied.headers, { Authorization: 'Bearer abc.def' });
  assert.is(applied.clientCert, undefined);
  assert.is(applied.source, undefined);
  assert.is(await c.unauthorized(applied), false, 'a 401 to a static token is not retried');
});

test('a tokenFile alone is read by check(), trimmed, and re-read only after 50 s', async () => {
  let now = 1_000_000;
  const file = tokenFile('first-token\n');
  const c = credentials({ type: 'token', token: '', file }, { now: () => now });
  c.check();
  writeFileSync(file, 'second-token\n');
  assert.is(await authorization(c), 'Bearer first-token', 'the copy read at check() is used');
  now += 49_000;
  assert.is(await authorization(c), 'Bearer first-token');
  now += 2_000;
  assert.is(await authorization(c), 'Bearer second-token');
  writeFileSync(file, 'third-token');
  now += 10_000;
  assert.is(await authorization(c), 'Bearer second-token', 'the re-read copy is fresh again');
});

test('an unreadable or empty tokenFile (without a token beside it) fails check(), naming the file only', () => {
  const missing = join(dir, 'no-such-token');
  const error = refusal(() => credentials({ type: 'token', token: '', file: missing }).check());
  assert.match(error.message, missing);
  const empty = tokenFile(' \n');
  assert.match(refusal(() => credentials({ type: 'token', token: '', file: empty }).check()).message, empty);
});

test('a failed re-read keeps the last token', async () => {
  let now = 0;
  const file = tokenFile('kept-token');
  const c = credentials({ type: 'token', token: '', file }, { now: () => now });
  c.check();
  rmSync(file);
  now += 60_000;
  assert.is(await authorization(c), 'Bearer kept-token');
  writeFileSync(file, '');
  now += 60_000;
  assert.is(await authorization(c), 'Bearer kept-token', 'an empty file is a failed read too');
  writeFileSync(file, 'rotated-token');
  now += 1;
  assert.is(await authorization(c), 'Bearer rotated-token', 'the next successful read is used');
});

test('token and tokenFile: the file is preferred on every request, the token is the fallback', async () => {
  let now = 0;
  const file = join(dir, 'appears-later');
  const c = credentials({ type: 'token', token: 'static-token', file }, { now: () => now });
  c.check(); // not read at check(): a token is beside it
  assert.is(await authorization(c), 'Bearer static-token');
  writeFileSync(file, 'file-token\n');
  now += 1;
  assert.is(await authorization(c), 'Bearer file-token', 'a failed read is not cached: the file is tried again');
  rmSync(file);
  now += 60_000;
  assert.is(await authorization(c), 'Bearer file-token', 'once read, a failed re-read keeps the file token');
});

// ---------------------------------------------------------------- basic auth

test('basic auth is username:password in base64; no header without a username', async () => {
  const c = credentials({ type: 'basic', username: 'admin', password: 'p:ss wörd' });
  assert.is(await authorization(c), `Basic ${Buffer.from('admin:p:ss wörd', 'utf8').toString('base64')}`);
  assert.is(await authorization(credentials({ type: 'basic', username: '', password: 'only' })), undefined);
});

// ---------------------------------------------------------------- impersonation

test('impersonation headers: user, uid, one Impersonate-Group per group, Impersonate-Extra-<escaped key>', async () => {
  const impersonate: Impersonation = {
    user: 'alice',
    uid: '1001',
    groups: ['dev', 'ops'],
    extra: { 'foo.bar/baz': ['v1', 'v2'], scopes: ['view'], 'a%b c': ['x'], grüße: ['y'], empty: [] },
  };
  const c = credentials({ type: 'token', token: 't', file: undefined }, { impersonate });
  assert.equal((await c.apply()).headers, {
    Authorization: 'Bearer t',
    'Impersonate-User': 'alice',
    'Impersonate-Uid': '1001',
    'Impersonate-Group': ['dev', 'ops'],
    'Impersonate-Extra-foo.bar%2Fbaz': ['v1', 'v2'],
    'Impersonate-Extra-scopes': ['view'],
    'Impersonate-Extra-a%25b%20c': ['x'],
    'Impersonate-Extra-gr%C3%BC%C3%9Fe': ['y'],
  });
  assert.equal(impersonationHeaders({ user: 'bob', uid: undefined, groups: [], extra: {} }), {
    'Impersonate-User': 'bob',
  });
  assert.equal(impersonationHeaders(undefined), {});
});

test('the impersonation headers go out as separate header lines (repeated Impersonate-Group)', async () => {
  const seen: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    seen.push(req);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const c = credentials(
    { type: 'none' },
    { impersonate: { user: 'alice', uid: undefined, groups: ['g1', 'g2'], extra: { 'foo.bar/baz': ['a', 'b'] } } },
  );
  const { headers } = await c.apply();
  await new Promise<void>((resolve, reject) => {
    const r = request({ host: '127.0.0.1', port, path: '/', headers, agent: false }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    r.on('error', reject);
    r.end();
  });
  server.close();
  const raw = seen[0]?.rawHeaders ?? [];
  const values = (name: string) =>
    raw.filter((_, i) => i % 2 === 1 && raw[i - 1]?.toLowerCase() === name.toLowerCase());
  assert.equal(values('Impersonate-User'), ['alice']);
  assert.equal(values('Impersonate-Group'), ['g1', 'g2']);
  assert.equal(values('Impersonate-Extra-foo.bar%2Fbaz'), ['a', 'b']);
  assert.equal(values('Authorization'), []);
});

// ---------------------------------------------------------------- OIDC

const NOW = Date.parse('2030-06-01T12:00:00Z');
const jwt = (claims: Record<string, unknown>) =>
  [{ alg: 'RS256', typ: 'JWT' }, claims].map((p) => Buffer.from(JSON.stringify(p)).toString('base64url')).join('.') +
  '.c2lnbmF0dXJl';
const oidc = (config: Record<string, string>): AuthConfig => ({
  type: 'oidc',
  config: { 'idp-issuer-url': 'https://issuer.example', 'client-id': 'kubectl', ...config },
  user: 'oidc-user',
});

test('OIDC: a valid id-token is sent as the bearer token', async () => {
  const token = jwt({ iss: 'https://issuer.example', exp: NOW / 1000 + 3600 });
  const c = credentials(oidc({ 'id-token': token }), { now: () => NOW });
  c.check();
  assert.is(await authorization(c), `Bearer ${token}`);
});

test('OIDC: an id-token expiring within 10 s, without a refresh-token, is an error in client-go words', async () => {
  const token = jwt({ exp: NOW / 1000 + 5 });
  const c = credentials(oidc({ 'id-token': token }), { now: () => NOW });
  const error = refusal(() => c.check());
  assert.match(error.message, 'No valid id-token, and cannot refresh without refresh-token');
  assert.match(error.message, 'oidc-user');
  assert.not.match(`${error.message} ${error.hint}`, token);
  const expired = await rejection(
    credentials(oidc({ 'id-token': jwt({ exp: NOW / 1000 - 60 }) }), { now: () => NOW }).apply(),
  );
  assert.match(expired.message, 'No valid id-token, and cannot refresh without refresh-token');
  const none = refusal(() => credentials(oidc({}), { now: () => NOW }).check());
  assert.match(none.message, 'No valid id-token, and cannot refresh without refresh-token');
});

test('OIDC: an expired id-token with a refresh-token is refused (the plugin does not refresh)', async () => {
  const refresh = 'refresh-secret-value';
  const c = credentials(oidc({ 'id-token': jwt({ exp: NOW / 1000 - 1 }), 'refresh-token': refresh }), {
    now: () => NOW,
  });
  const error = refusal(() => c.check());
  assert.match(error.message, 'expired');
  assert.not.match(`${error.message} ${error.hint}`, refresh);
  await rejection(c.apply());
});

test('OIDC: idp-issuer-url and client-id are required', () => {
  const token = jwt({ exp: NOW / 1000 + 3600 });
  const noIssuer = credentials({ type: 'oidc', config: { 'client-id': 'k', 'id-token': token }, user: 'u' });
  assert.match(refusal(() => noIssuer.check()).message, 'Must provide idp-issuer-url');
  const noClient = credentials({
    type: 'oidc',
    config: { 'idp-issuer-url': 'https://i', 'id-token': token },
    user: 'u',
  });
  assert.match(refusal(() => noClient.check()).message, 'Must provide client-id');
});

test.run();
