/**
 * scripts/oci-push.ts against a scripted registry that wants a bearer token (as ghcr.io does): the 401's
 * realm is asked for a token with Basic credentials, every request is then sent with it, and the manifest is
 * the artifact helm 4 installs.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pushPlugin } from '../../scripts/oci-push.js';

interface Seen {
  method: string;
  path: string;
  authorization: string | undefined;
  body: string;
}

async function registry() {
  const seen: Seen[] = [];
  const server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://x');
    seen.push({
      method: req.method ?? '',
      path: url.pathname,
      authorization: req.headers.authorization,
      body: Buffer.concat(chunks).toString(),
    });
    const port = (server.address() as AddressInfo).port;
    if (url.pathname === '/token') {
      const ok = req.headers.authorization === `Basic ${Buffer.from('bot:s3cret').toString('base64')}`;
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      res.end(ok ? JSON.stringify({ token: `tok-${url.searchParams.get('scope')}` }) : '{}');
      return;
    }
    if (req.headers.authorization !== 'Bearer tok-repository:owner/parallel-hooks:push') {
      res.writeHead(401, {
        'www-authenticate': `Bearer realm="http://127.0.0.1:${port}/token",service="fake",scope="repository:owner/parallel-hooks:push"`,
      });
      res.end('{"errors":[{"code":"UNAUTHORIZED"}]}');
      return;
    }
    if (req.method === 'POST') {
      res.writeHead(202, { location: `/v2/owner/parallel-hooks/blobs/uploads/u${seen.length}` });
      res.end();
      return;
    }
    res.writeHead(201);
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => server.close() };
}

const files = () => {
  const dir = mkdtempSync(join(tmpdir(), 'hph oci '));
  const archive = join(dir, 'parallel-hooks-0.1.0.tgz');
  writeFileSync(archive, 'archive bytes');
  writeFileSync(`${archive}.prov`, 'prov bytes');
  return archive;
};

test('a token registry: Basic credentials go to the realm only, the bearer token to every request, the plugin artifact is stored', async () => {
  const r = await registry();
  try {
    const archive = files();
    await pushPlugin(r.base, 'owner/parallel-hooks', '0.1.0', archive, `${archive}.prov`, {
      username: 'bot',
      password: 's3cret',
    });
    const basic = r.seen.filter((s) => s.authorization?.startsWith('Basic'));
    assert.ok(basic.length > 0 && basic.every((s) => s.path === '/token'), 'credentials only to the token realm');
    const manifest = r.seen.find((s) => s.method === 'PUT' && s.path.endsWith('/manifests/0.1.0'));
    assert.ok(manifest, 'the manifest was put');
    assert.is(manifest?.authorization, 'Bearer tok-repository:owner/parallel-hooks:push');
    const m = JSON.parse(manifest?.body ?? '{}');
    assert.is(m.artifactType, 'application/vnd.helm.plugin.v1+json');
    assert.equal(
      m.layers.map((l: { annotations: Record<string, string> }) => l.annotations['org.opencontainers.image.title']),
      ['parallel-hooks-0.1.0.tgz', 'parallel-hooks-0.1.0.tgz.prov'],
    );
  } finally {
    r.close();
  }
});

test('a registry that wants credentials, none given: says which variables to set', async () => {
  const r = await registry();
  try {
    const error = await pushPlugin(r.base, 'owner/parallel-hooks', '0.1.0', files()).catch((e: Error) => e);
    assert.instance(error, Error);
    assert.match((error as Error).message, 'set OCI_USERNAME and OCI_PASSWORD');
  } finally {
    r.close();
  }
});

test.run();
