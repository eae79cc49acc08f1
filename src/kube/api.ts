/**
 * A small JSON client for the Kubernetes API: objects are sent as the chart wrote them (no model classes that
 * drop unknown fields or reshape values), with the query parameters helm uses (fieldManager, fieldValidation,
 * propagationPolicy). Every request and every watch goes through the same path: helm's rate limit, the
 * credentials (credentials.ts), the connections (transport.ts). Transient failures (connection refused or
 * reset, 429, 5xx) are retried with backoff for a bounded time; a 401 fetches an exec plugin's credential
 * again and is sent once more; a 403 right after the API server was unreachable is retried briefly (its
 * authorizer answers 403 until its caches are filled).
 */
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createInterface } from 'node:readline';
import type { AppliedAuth, Credentials } from './credentials.js';
import type { RestConfig } from './rest-config.js';
import type { Transport } from './transport.js';

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
 * How long after the API server was last seen unreachable (or answering 5xx) a 403 is taken for its
 * authorizer still starting: measured on the local control plane, RBAC answers 403 for ~0.25 s after a
 * restart (docs/CREDENTIALS.md, "After an API server restart").
 */
const AUTHORIZER_WARMUP_MS = 10_000;
/** How long such a 403 is retried before it is taken as the answer. */
const FORBIDDEN_RETRY_MS = 5_000;

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

/** The build stamps the version in (scripts/bundle.mjs). */
declare const HPH_VERSION: string | undefined;
/** Told to the API server on every request (audit logs tell the plugin's requests from helm's "Helm/x.y.z"). */
const USER_AGENT = `helm-parallel-hooks/${typeof HPH_VERSION === 'string' ? HPH_VERSION : 'dev'}`;

/** One watch event as the API server streams it. */
export interface WatchEvent<T> {
  type: string;
  object: T;
}

export class KubeApi {
  readonly server: URL;
  /** When a request last found the API server down or failing (ms; 0: never). */
  private lastOutage = 0;

  constructor(
    config: RestConfig,
    private readonly credentials: Credentials,
    private readonly transport: Transport,
    private readonly limit?: RateLimit,
  ) {
    this.server = config.server;
  }

  /** Sends one request; resolves with the parsed JSON body of a 2xx answer, rejects with ApiError otherwise. */
  async send<T = unknown>(req: ApiRequest): Promise<T> {
    return (await this.retrying(req, req.retryForMs ?? 0, () =>
      this.authorized(req, (auth) => this.once(req, auth)),
    )) as T;
  }

  /**
   * Runs `attempt` again after a transient failure (until `retryForMs` has passed) and after a 403 while the
   * API server's authorizer starts (see startingUp), with backoff; any other failure is thrown at once.
   */
  private async retrying<T>(req: ApiRequest, retryForMs: number, attempt: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + retryForMs;
    let forbiddenUntil: number | undefined;
    let delay = 200;
    for (;;) {
      try {
        return await attempt();
      } catch (error) {
        if (req.signal?.aborted) throw error;
        if (isTransient(error, req.method) || (error as { code?: string }).code === 'ECONNRESET')
          this.lastOutage = Date.now();
        let retry = isTransient(error, req.method) && Date.now() + delay <= deadline;
        if (!retry && this.startingUp(error)) {
          forbiddenUntil ??= Date.now() + FORBIDDEN_RETRY_MS;
          retry = Date.now() + delay <= forbiddenUntil;
        }
        if (!retry) throw error;
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 2000);
      }
    }
  }

  /**
   * Opens a watch (?watch=true), rate-limited and authorized as any request. Resolves once the server answered
   * 200 (rejects with ApiError otherwise); events then go to onEvent, and `done` settles when the stream ends:
   * resolved when the server or the signal ended it, rejected when the connection failed.
   */
  async watch<T>(
    path: string,
    query: Record<string, string | undefined>,
    onEvent: (event: WatchEvent<T>) => void,
    signal: AbortSignal,
  ): Promise<{ done: Promise<void> }> {
    const req: ApiRequest = { method: 'GET', path, query: { ...query, watch: 'true' }, signal };
    // Transient failures are the caller's to retry (a watch resumes from its resourceVersion); a 403 while the
    // authorizer starts is retried here, as for any request.
    const res = await this.retrying(req, 0, () => this.authorized(req, (auth) => this.open(req, auth, true)));
    const done = new Promise<void>((resolve, reject) => {
      const lines = createInterface({ input: res, crlfDelay: Number.POSITIVE_INFINITY });
      lines.on('line', (line) => {
        if (line === '') return;
        let event: WatchEvent<T>;
        try {
          event = JSON.parse(line) as WatchEvent<T>;
        } catch {
          return;
        }
        onEvent(event);
      });
      const failed = (error: Error) => (signal.aborted ? resolve() : reject(error));
      lines.on('error', failed);
      res.on('error', failed);
      res.on('close', () => resolve());
    });
    return { done };
  }

  /** A 403 within the authorizer's warm-up after an outage this client saw. */
  private startingUp(error: unknown): boolean {
    return error instanceof ApiError && error.code === 403 && Date.now() - this.lastOutage < AUTHORIZER_WARMUP_MS;
  }

  /** Runs `send` with the current credentials; after a 401, once more with an exec plugin's fresh ones. */
  private async authorized<T>(req: ApiRequest, send: (auth: AppliedAuth) => Promise<T>): Promise<T> {
    await this.limit?.take();
    const auth = await this.credentials.apply();
    try {
      return await send(auth);
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 401) || req.signal?.aborted) throw error;
      if (!(await this.credentials.unauthorized(auth))) throw error;
      await this.limit?.take();
      return send(await this.credentials.apply());
    }
  }

  private url(req: ApiRequest): URL {
    const url = new URL(this.server.href.replace(/\/+$/, '') + req.path);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    return url;
  }

  /** Sends the request; resolves with the response once its status is 2xx, else rejects with ApiError. */
  private open(req: ApiRequest, auth: AppliedAuth, watch: boolean, body?: string): Promise<IncomingMessage> {
    const url = this.url(req);
    const agents = this.transport.agents(auth.clientCert);
    const headers: Record<string, string | string[]> = {
      ...auth.headers,
      Accept: req.text ? '*/*' : 'application/json',
      'User-Agent': USER_AGENT,
    };
    if (body !== undefined) {
      headers['Content-Type'] = req.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    const options: RequestOptions = { method: req.method, headers, signal: req.signal };
    let send = httpsRequest;
    let target: URL | string = url;
    if (url.protocol === 'http:') {
      send = httpRequest;
      if (agents.httpProxy) {
        // A plain-http server through a proxy: the absolute URL goes to the proxy.
        target = new URL(agents.httpProxy.href);
        options.path = url.href;
        headers.Host = url.host;
      }
    } else {
      options.agent = watch ? agents.watch : agents.request;
    }
    return new Promise((resolve, reject) => {
      const r = send(target, options, (res) => {
        const code = res.statusCode ?? 0;
        if (code >= 200 && code < 300) return resolve(res);
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = text === '' ? undefined : JSON.parse(text);
          } catch {
            parsed = { message: text.slice(0, 300) };
          }
          reject(new ApiError(code, parsed as ApiError['status'], req.method, req.path));
        });
      });
      r.on('error', reject);
      if (body !== undefined) r.write(body);
      r.end();
    });
  }

  private async once(req: ApiRequest, auth: AppliedAuth): Promise<unknown> {
    const body =
      req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
    const res = await this.open(req, auth, false, body);
    const text = await new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    if (req.text) return text;
    return text === '' ? undefined : JSON.parse(text);
  }
}
