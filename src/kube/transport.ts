/**
 * Connections to the API server: TLS as client-go sets it up (CA, verification, server name, client
 * certificate), the proxy client-go would use (the cluster's proxy-url, else HTTPS_PROXY / HTTP_PROXY with
 * NO_PROXY, loopback never proxied; docs/CREDENTIALS.md, "Proxies"), and keep-alive connections reused.
 *
 * Two agents per client certificate: one for watches (one long-lived connection per namespace and kind) and
 * a twin capped at REQUEST_SOCKETS for short requests, so no watch waits behind requests and no request
 * behind watches. An exec plugin's new client certificate gets new agents; the old ones close their
 * connections as they become idle (client-go closes connections on rotation).
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { type AgentOptions, Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP, type Socket } from 'node:net';
import { type ConnectionOptions, type TLSSocket, connect as tlsConnect } from 'node:tls';
import { PluginError } from '../errors.js';
import { trustExtraCa } from './extra-ca.js';
import type { RestConfig } from './rest-config.js';

/** Connections for short requests per agent: enough for the hook throughput at any N (ARCHITECTURE.md, memory). */
const REQUEST_SOCKETS = 8;

export interface Agents {
  request: HttpsAgent | undefined;
  watch: HttpsAgent | undefined;
  /** Set when requests go through a proxy to an http:// server: the absolute URL is the request path. */
  httpProxy: URL | undefined;
}

/** The proxy client-go uses for this server, or undefined (direct). */
export function proxyFor(config: Pick<RestConfig, 'server' | 'proxyUrl'>, env: NodeJS.ProcessEnv): URL | undefined {
  if (config.proxyUrl) return proxyUrl(config.proxyUrl, 'proxy-url');
  const https = config.server.protocol === 'https:';
  const value = https ? envAny(env, 'HTTPS_PROXY', 'https_proxy') : envAny(env, 'HTTP_PROXY', 'http_proxy');
  if (!value) return undefined;
  const host = config.server.hostname.replace(/^\[|\]$/g, '');
  const port = config.server.port || (https ? '443' : '80');
  if (!useProxy(host, port, envAny(env, 'NO_PROXY', 'no_proxy') ?? '')) return undefined;
  // Go ignores a proxy variable it cannot parse.
  if (!URL.canParse(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`)) return undefined;
  return proxyUrl(value, https ? 'HTTPS_PROXY' : 'HTTP_PROXY');
}

function envAny(env: NodeJS.ProcessEnv, ...names: string[]): string | undefined {
  for (const n of names) if (env[n]) return env[n];
  return undefined;
}

function proxyUrl(value: string, from: string): URL {
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
  } catch {
    throw new PluginError(`${from} "${redactUserinfo(value)}" is not a proxy URL; nothing was run`);
  }
  if (url.protocol === 'socks5:') {
    throw new PluginError(`${from} is a socks5 proxy, which the plugin does not support; nothing was run`, {
      hint: 'Use an http:// or https:// proxy for the API server, or run plain helm for this release.',
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new PluginError(`${from} has scheme "${url.protocol.slice(0, -1)}"; only http, https and socks5 are proxies`);
  }
  return url;
}

function redactUserinfo(value: string): string {
  return value.replace(/\/\/[^@/]*@/, '//***@');
}

/**
 * Go's rule (golang.org/x/net/http/httpproxy): never for localhost or a loopback IP; NO_PROXY "*" matches
 * all; an entry is an IP, a CIDR, or a domain ("example.com" matches it and its subdomains, ".example.com"
 * and "*.example.com" only subdomains), each with an optional ":port".
 */
export function useProxy(host: string, port: string, noProxy: string): boolean {
  const h = host.toLowerCase();
  if (h === 'localhost' || isLoopback(h)) return false;
  for (const raw of noProxy.split(',')) {
    let entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return false;
    if (entry.includes('/')) {
      if (isIP(h) && inCidr(h, entry)) return false;
      continue;
    }
    let entryPort = '';
    const portMatch = /^(.*):(\d+)$/.exec(entry);
    if (portMatch && !isIP(entry)) {
      entry = portMatch[1] as string;
      entryPort = portMatch[2] as string;
    }
    entry = entry.replace(/^\[|\]$/g, '');
    if (isIP(entry)) {
      if (isIP(h) && sameIp(entry, h) && (entryPort === '' || entryPort === port)) return false;
      continue;
    }
    if (isIP(h)) continue; // a domain entry never matches an IP host
    if (entry.startsWith('*.')) entry = entry.slice(1);
    const matchHost = !entry.startsWith('.');
    const suffix = matchHost ? `.${entry}` : entry;
    if ((h.endsWith(suffix) || (matchHost && h === entry)) && (entryPort === '' || entryPort === port)) return false;
  }
  return true;
}

function isLoopback(host: string): boolean {
  if (isIP(host) === 4) return host.startsWith('127.');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(host);
  if (mapped) return (mapped[1] as string).startsWith('127.');
  if (isIP(host) === 6) return ipv6Bytes(host).every((b, i) => b === (i === 15 ? 1 : 0));
  return false;
}

function sameIp(a: string, b: string): boolean {
  return isIP(a) === isIP(b) && ipBytes(a).every((x, i) => x === ipBytes(b)[i]);
}

function ipBytes(ip: string): number[] {
  return isIP(ip) === 4 ? ip.split('.').map(Number) : ipv6Bytes(ip);
}

function ipv6Bytes(ip: string): number[] {
  const [head = '', tail] = ip.split('::');
  const part = (s: string) => (s === '' ? [] : s.split(':'));
  const h = part(head);
  const t = tail === undefined ? [] : part(tail);
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.flatMap((g) => {
    const n = Number.parseInt(g, 16) || 0;
    return [n >> 8, n & 0xff];
  });
}

function inCidr(ip: string, cidr: string): boolean {
  const [base = '', bitsText = ''] = cidr.split('/');
  if (isIP(base) === 0 || isIP(base) !== isIP(ip)) return false;
  const bits = Number(bitsText);
  const a = ipBytes(base);
  const b = ipBytes(ip);
  for (let i = 0; i < a.length; i++) {
    const left = Math.max(0, Math.min(8, bits - i * 8));
    const mask = left === 0 ? 0 : (0xff << (8 - left)) & 0xff;
    if (((a[i] as number) & mask) !== ((b[i] as number) & mask)) return false;
  }
  return true;
}

type ConnectOptions = AgentOptions & { host?: string; port?: number; servername?: string };

/**
 * An https.Agent whose connections go through an HTTP CONNECT tunnel (the proxy reached over http or https).
 * Node's Agent accepts a createConnection that answers through its callback.
 */
function tunnelAgent(proxy: URL, options: AgentOptions): HttpsAgent {
  const agent = new HttpsAgent(options);
  const connect = (opts: ConnectOptions, callback: (error: Error | null, socket?: Socket) => void): undefined => {
    const host = opts.host ?? '';
    const target = `${isIP(host) === 6 ? `[${host}]` : host}:${opts.port ?? 443}`;
    const headers: Record<string, string> = { Host: target };
    if (proxy.username || proxy.password) {
      const auth = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
      headers['Proxy-Authorization'] = `Basic ${Buffer.from(auth).toString('base64')}`;
    }
    const send = proxy.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send({
      host: proxy.hostname.replace(/^\[|\]$/g, ''),
      port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
      method: 'CONNECT',
      path: target,
      headers,
      agent: false,
    });
    req.once('connect', (res: IncomingMessage, socket: Socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        callback(new ProxyError(`the proxy ${proxy.host} refused the tunnel to ${target}: HTTP ${res.statusCode}`));
        return;
      }
      const tls: TLSSocket = tlsConnect({ ...(opts as object), socket } as ConnectionOptions);
      callback(null, tls);
    });
    req.once('error', (error) => callback(error));
    req.end();
    return undefined;
  };
  (agent as unknown as { createConnection: typeof connect }).createConnection = connect;
  return agent;
}

class ProxyError extends Error {
  readonly code = 'EPROXY';
}

interface AgentPair {
  request: HttpsAgent;
  watch: HttpsAgent;
  cert: Buffer | undefined;
  key: Buffer | undefined;
}

export class Transport {
  readonly proxy: URL | undefined;
  private current: AgentPair | undefined;

  constructor(
    private readonly config: RestConfig,
    env: NodeJS.ProcessEnv,
  ) {
    this.proxy = proxyFor(config, env);
  }

  /** The agents for requests made with this client certificate (the static one, or an exec plugin's). */
  agents(clientCert: { cert: Buffer; key: Buffer } | undefined): Agents {
    const tls = this.config.tls;
    if (!tls) {
      return { request: undefined, watch: undefined, httpProxy: this.proxy };
    }
    const cert = clientCert?.cert ?? tls.cert;
    const key = clientCert?.key ?? tls.key;
    const current = this.current;
    if (current && same(current.cert, cert) && same(current.key, key)) return { ...current, httpProxy: undefined };
    const options = trustExtraCa<AgentOptions>({
      keepAlive: true,
      ...(tls.ca ? { ca: tls.ca } : {}),
      rejectUnauthorized: !tls.insecure,
      ...(tls.serverName ? { servername: tls.serverName } : {}),
      ...(cert && key ? { cert, key } : {}),
    });
    const make = (extra: AgentOptions) =>
      this.proxy ? tunnelAgent(this.proxy, { ...options, ...extra }) : new HttpsAgent({ ...options, ...extra });
    const pair: AgentPair = { watch: make({}), request: make({ maxSockets: REQUEST_SOCKETS }), cert, key };
    if (current) retire(current);
    this.current = pair;
    return { ...pair, httpProxy: undefined };
  }

  close(): void {
    if (this.current) {
      this.current.request.destroy();
      this.current.watch.destroy();
    }
  }
}

function same(a: Buffer | undefined, b: Buffer | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.equals(b));
}

/** Connections of a rotated-out certificate close once idle; requests in flight finish. */
function retire(pair: AgentPair): void {
  for (const agent of [pair.request, pair.watch]) {
    for (const sockets of Object.values(agent.freeSockets)) for (const s of sockets ?? []) s.destroy();
    agent.on('free', (socket: Socket) => socket.destroy());
  }
}
