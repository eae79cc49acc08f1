/**
 * What the credential matrix needs on the local control plane (scripts/local-cluster): its CA and tokens
 * (users cred-a, cred-b, cred-c, cred-oidc in group hph:audited, every request of theirs in the audit log),
 * client certificates signed by its CA, kubeconfigs written per case, exec credential plugins written as
 * small node scripts that log every run, and a CONNECT proxy that logs every tunnel.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { kube, kubeconfig } from './harness.js';

export interface Lab {
  dir: string;
  state: string;
  server: string;
  port: string;
  caPem: string;
  caFile: string;
  tokens: Record<string, string>;
}

let made: Lab | undefined;

/** The lab, once: the cluster's state read, group hph:audited (and hph:imp, the impersonated) made admins. */
export async function lab(): Promise<Lab> {
  if (made) return made;
  const state = dirname(kubeconfig());
  const server = readFileSync(join(state, 'server'), 'utf8').trim();
  const tokens: Record<string, string> = {};
  for (const line of readFileSync(join(state, 'tokens.csv'), 'utf8').split('\n')) {
    const [token, user] = line.split(',');
    if (token && user) tokens[user] = token;
  }
  const dir = mkdtempSync(join(tmpdir(), 'hph creds '));
  const caFile = join(dir, 'ca.crt');
  const caPem = readFileSync(join(state, 'pki', 'ca.crt'), 'utf8');
  writeFileSync(caFile, caPem);
  const rbac = kube().kc.makeApiClient(RbacAuthorizationV1Api);
  for (const group of ['hph:audited', 'hph:imp']) {
    const name = `hph-${group.replace(':', '-')}-admin`;
    await rbac
      .createClusterRoleBinding({
        body: {
          metadata: { name },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
          subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group }],
        },
      })
      .catch((e: { code?: number }) => {
        if (e.code !== 409) throw e;
      });
  }
  made = { dir, state, server, port: new URL(server).port, caPem, caFile, tokens };
  return made;
}

/** A client certificate for CN=user, O=hph:audited, signed by the cluster's CA (files in the lab folder). */
export function clientCert(l: Lab, user: string): { certFile: string; keyFile: string; cert: string; key: string } {
  const base = join(l.dir, `cert-${user}`);
  execFileSync('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${base}.key`]);
  execFileSync('openssl', [
    'req',
    '-new',
    '-key',
    `${base}.key`,
    '-subj',
    `/CN=${user}/O=hph:audited`,
    '-out',
    `${base}.csr`,
  ]);
  execFileSync(
    'openssl',
    [
      'x509',
      '-req',
      '-in',
      `${base}.csr`,
      '-CA',
      join(l.state, 'pki', 'ca.crt'),
      '-CAkey',
      join(l.state, 'pki', 'ca.key'),
      '-CAcreateserial',
      '-CAserial',
      `${base}.srl`,
      '-days',
      '2',
      '-out',
      `${base}.crt`,
    ],
    { stdio: 'ignore' },
  );
  return {
    certFile: `${base}.crt`,
    keyFile: `${base}.key`,
    cert: readFileSync(`${base}.crt`, 'utf8'),
    key: readFileSync(`${base}.key`, 'utf8'),
  };
}

let folders = 0;
/** A folder of its own for one case (its kubeconfig, scripts, token files). */
export function caseDir(l: Lab, name: string): string {
  const d = join(l.dir, `${(folders++).toString().padStart(2, '0')}-${name}`);
  mkdirSync(d, { recursive: true });
  return d;
}

/** A kubeconfig of one cluster, one user, one context, written into `dir`. */
export function writeKubeconfig(
  dir: string,
  parts: { cluster: Record<string, unknown>; user: Record<string, unknown>; context?: Record<string, unknown> },
  text?: string,
): string {
  const file = join(dir, 'kubeconfig');
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'lab', cluster: parts.cluster }],
    users: [{ name: 'lab-user', user: parts.user }],
    contexts: [{ name: 'lab', context: { cluster: 'lab', user: 'lab-user', ...(parts.context ?? {}) } }],
    'current-context': 'lab',
  };
  writeFileSync(file, text ?? JSON.stringify(doc, null, 2), { mode: 0o600 });
  return file;
}

export interface ExecPlugin {
  /** The script's path (executable). */
  path: string;
  /** One line per run: the parent process's name ("helm", "node"), its pid, and KUBERNETES_EXEC_INFO. */
  runs(): Array<{ parent: string; ppid: number; info: string }>;
}

/**
 * An exec credential plugin: a node script that logs its run, then prints what `body` returns (JavaScript
 * with `info` = the parsed KUBERNETES_EXEC_INFO in scope; it returns the ExecCredential's status, or
 * calls process.exit). `delayMs` makes it slow, as real token commands are (0.3-1 s).
 */
export function execPlugin(dir: string, name: string, apiVersion: string, body: string, delayMs = 0): ExecPlugin {
  const path = join(dir, name);
  const log = join(dir, `${name}.runs`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(log, '');
  writeFileSync(
    path,
    [
      `#!${process.execPath}`,
      "const fs = require('node:fs');",
      `const raw = process.env.KUBERNETES_EXEC_INFO ?? '';`,
      'let parent = "?";',
      "try { parent = fs.readFileSync('/proc/' + process.ppid + '/comm', 'utf8').trim(); } catch {}",
      `fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ parent, ppid: process.ppid, info: raw }) + '\\n');`,
      'const info = raw ? JSON.parse(raw) : {};',
      `setTimeout(() => {`,
      `  const status = (() => { ${body} })();`,
      `  process.stdout.write(JSON.stringify({ apiVersion: ${JSON.stringify(apiVersion)}, kind: 'ExecCredential', status }));`,
      `}, ${delayMs});`,
    ].join('\n'),
  );
  chmodSync(path, 0o755);
  return {
    path,
    runs: () =>
      readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
  };
}

export interface AuditEvent {
  verb: string;
  requestURI: string;
  userAgent?: string;
  user: { username: string; groups?: string[] };
  impersonatedUser?: { username: string; groups?: string[]; extra?: Record<string, string[]> };
  objectRef?: { resource?: string; namespace?: string; name?: string };
  responseStatus?: { code?: number };
}

/** Audit events of requests in a namespace (the audit log is written synchronously, before the answer). */
export function auditIn(l: Lab, ns: string): AuditEvent[] {
  let text = '';
  try {
    text = readFileSync(join(l.state, 'logs', 'audit.log'), 'utf8');
  } catch {
    return [];
  }
  const out: AuditEvent[] = [];
  const marker = `/namespaces/${ns}/`;
  for (const line of text.split('\n')) {
    if (!line.includes(marker)) continue;
    const e = JSON.parse(line) as AuditEvent;
    if (e.objectRef?.namespace === ns || e.requestURI.includes(marker)) out.push(e);
  }
  return out;
}

/** Who made a request, as "user [groups] as imp [groups] {extra}" (system:authenticated left out). */
export function identity(e: AuditEvent): string {
  const groups = (g?: string[]) =>
    [...new Set(g ?? [])]
      .filter((x) => x !== 'system:authenticated')
      .sort()
      .join(',');
  const who = `${e.user.username} [${groups(e.user.groups)}]`;
  if (!e.impersonatedUser) return who;
  const extra = JSON.stringify(e.impersonatedUser.extra ?? {});
  return `${who} as ${e.impersonatedUser.username} [${groups(e.impersonatedUser.groups)}] ${extra}`;
}

export interface ConnectProxy {
  url: string;
  /** Every CONNECT target asked for, in order. */
  tunnels: string[];
  close(): Promise<void>;
}

/** A CONNECT proxy on 127.0.0.1 that resolves the names in `hosts` itself (the client cannot). */
export async function connectProxy(hosts: Record<string, string>): Promise<ConnectProxy> {
  const tunnels: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((_req, res) => {
    res.writeHead(405);
    res.end();
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('connect', (req, client: Socket, head) => {
    const target = req.url ?? '';
    tunnels.push(target);
    const at = target.lastIndexOf(':');
    const host = target.slice(0, at);
    const upstream = connect(Number(target.slice(at + 1)), hosts[host] ?? host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    tunnels,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

export interface OidcIssuer {
  url: string;
  /** The refresh-token grants answered, with the user agent of each (helm's client-go, or the plugin). */
  grants: string[];
  close(): Promise<void>;
}

/**
 * An OpenID provider on 127.0.0.1 as client-go's oidc auth-provider uses one: discovery names the token
 * endpoint, which answers a refresh-token grant for `refreshToken` with `idToken` (and a new refresh token).
 */
export async function oidcIssuer(refreshToken: string, idToken: string): Promise<OidcIssuer> {
  const grants: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const base = `http://${req.headers.host}`;
      if (req.method === 'GET' && req.url === '/.well-known/openid-configuration') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ issuer: base, token_endpoint: `${base}/token` }));
        return;
      }
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      if (req.method === 'POST' && req.url === '/token' && form.get('grant_type') === 'refresh_token') {
        grants.push(String(req.headers['user-agent']));
        if (form.get('refresh_token') !== refreshToken) {
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: 'invalid_grant' }));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            access_token: 'lab-access',
            token_type: 'Bearer',
            expires_in: 3600,
            refresh_token: refreshToken,
            id_token: idToken,
          }),
        );
        return;
      }
      res.writeHead(404);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    grants,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Appends to a file (a token file rotated during a run). */
export function append(file: string, text: string): void {
  appendFileSync(file, text);
}
