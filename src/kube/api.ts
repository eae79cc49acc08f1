/**
 * A small JSON client for the Kubernetes API: objects are sent as the chart wrote them (no model classes that
 * drop unknown fields or reshape values), with the query parameters helm uses (fieldManager, fieldValidation,
 * propagationPolicy). TLS, credentials and impersonation come from the KubeConfig built from helm's settings.
 * Transient failures (connection refused or reset, 429, 5xx) are retried with backoff for a bounded time.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { requestAgent } from './config.js';

/** An answer of the API server other than 2xx: the HTTP code and the Status object's message. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly status: { message?: string; reason?: string } | undefined,
    readonly method: string,
    readonly path: string,
  ) {
    super(status?.message ?? `HTTP ${code} for ${method} ${path}`);
    this.name = 'ApiError';
  }
}

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  contentType?: string;
  /** Retry transient failures until this many ms have passed (0: never retry). */
  retryForMs?: number;
  signal?: AbortSignal | undefined;
  /** Resolve with the body as text (pod logs), not parsed JSON. */
  text?: boolean;
}

const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH']);

export function isTransient(error: unknown, method: string): boolean {
  if (error instanceof ApiError) return error.code === 429 || error.code >= 500;
  const code = (error as { code?: string } | null)?.code;
  if (code === 'ECONNREFUSED') return true; // nothing was sent: safe for every method
  return method !== 'POST' && code !== undefined && TRANSIENT_CODES.has(code);
}

/**
 * helm's client-side rate limit (HELM_QPS, HELM_BURST_LIMIT, or --qps / --burst-limit), as client-go's token
 * bucket: up to `burst` requests at once, then `qps` a second. No limit unless a QPS is set.
 */
export class RateLimit {
  private tokens: number;
  private last = Date.now();
  constructor(
    private readonly qps: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }
  async take(): Promise<void> {
    for (;;) {
      const now = Date.now();
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await new Promise((r) => setTimeout(r, Math.ceil(((1 - this.tokens) / this.qps) * 1000)));
    }
  }
}

export class KubeApi {
  readonly server: URL;
  constructor(
    private readonly kc: KubeConfig,
    private readonly limit?: RateLimit,
  ) {
    const server = kc.getCurrentCluster()?.server;
    if (!server) throw new Error('no Kubernetes API server is configured');
    this.server = new URL(server);
  }

  /** Sends one request; resolves with the parsed JSON body of a 2xx answer, rejects with ApiError otherwise. */
  async send<T = unknown>(req: ApiRequest): Promise<T> {
    const deadline = Date.now() + (req.retryForMs ?? 0);
    let delay = 200;
    for (;;) {
      try {
        return (await this.once(req)) as T;
      } catch (error) {
        if (req.signal?.aborted || !isTransient(error, req.method) || Date.now() + delay > deadline) throw error;
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 2000);
      }
    }
  }

  private async once(req: ApiRequest): Promise<unknown> {
    await this.limit?.take();
    const opts: RequestOptions = { headers: {} };
    await this.kc.applyToHTTPSOptions(opts);
    opts.agent = requestAgent(opts.agent);
    const url = new URL(this.server.href.replace(/\/$/, '') + req.path);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const body =
      req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
    const headers: Record<string, string | string[]> = {
      ...(opts.headers as Record<string, string | string[]>),
      Accept: req.text ? '*/*' : 'application/json',
    };
    if (opts.auth) headers.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
    if (body !== undefined) {
      headers['Content-Type'] = req.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
    return new Promise((resolve, reject) => {
      const r = send(url, { ...opts, method: req.method, headers, signal: req.signal }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const code = res.statusCode ?? 0;
          if (req.text && code >= 200 && code < 300) return resolve(text);
          let parsed: unknown;
          try {
            parsed = text === '' ? undefined : JSON.parse(text);
          } catch {
            parsed = { message: text.slice(0, 300) };
          }
          if (code >= 200 && code < 300) resolve(parsed);
          else reject(new ApiError(code, parsed as ApiError['status'], req.method, req.path));
        });
      });
      r.on('error', reject);
      if (body !== undefined) r.write(body);
      r.end();
    });
  }
}
