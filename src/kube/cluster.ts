/**
 * The cluster client: every API call the plugin makes goes through here (discovery, create, apply, delete,
 * read, lists, logs, helm's release records), so requests are counted, transient failures retried, and
 * errors turned into messages a person can act on.
 */
import type { CoreV1Event, KubernetesObject, V1Pod } from '@kubernetes/client-node';
import { PluginError } from '../errors.js';
import type { HookObject } from '../hooks/model.js';
import { ApiError, type ApiRequest, KubeApi, RateLimit, type WatchEvent } from './api.js';
import type { Connection } from './config.js';
import { type ApiStats, newStats } from './stats.js';

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
}

/** What discovery says of a kind: its resource name (plural) and whether it lives in a namespace. */
export interface KindInfo {
  resource: string;
  namespaced: boolean;
}

/** The cluster serves no such kind (its CRD is missing, or the apiVersion is wrong). */
export class NoKindError extends PluginError {
  constructor(
    readonly apiVersion: string,
    readonly kind: string,
  ) {
    super(`no matches for kind "${kind}" in version "${apiVersion}": ensure CRDs are installed first`, {
      hint: 'Install the CRD that defines it, or check the apiVersion in the chart.',
    });
    this.name = 'NoKindError';
  }
}

/** How long a single request keeps retrying a transient failure (API server restart, 5xx). */
const RETRY_MS = 30_000;

export class Cluster {
  readonly stats: ApiStats = newStats();
  /** The field manager helm's Kubernetes client uses. */
  readonly fieldManager: string;
  private readonly api: KubeApi;
  private readonly discovery = new Map<string, Promise<Map<string, KindInfo> | undefined>>();

  constructor(
    private readonly connection: Connection,
    opts: { fieldManager?: string; qps?: number; burst?: number } = {},
  ) {
    const limit = opts.qps ? new RateLimit(opts.qps, opts.burst ?? 100) : undefined;
    this.api = new KubeApi(connection.config, connection.credentials, connection.transport, limit);
    this.fieldManager = opts.fieldManager ?? 'helm';
  }

  /** One request (counted; transient failures retried for a bounded time unless the request says otherwise). */
  async send<T>(req: ApiRequest): Promise<T> {
    this.stats.requests++;
    return this.api.send<T>({ retryForMs: RETRY_MS, ...req });
  }

  /** One watch connection (counted per namespace/kind): see KubeApi.watch. */
  async watch<T>(
    key: string,
    path: string,
    query: Record<string, string | undefined>,
    onEvent: (event: WatchEvent<T>) => void,
    signal: AbortSignal,
  ): Promise<{ done: Promise<void> }> {
    this.stats.watchConnections++;
    this.stats.watchesByKey[key] = (this.stats.watchesByKey[key] ?? 0) + 1;
    return this.api.watch(path, query, onEvent, signal);
  }

  /** Runs an exec credential plugin ahead of the first request (nothing is sent). */
  prefetchCredentials(): void {
    this.connection.credentials.exec?.prefetch();
  }

  /** How many times an exec credential plugin ran in this process. */
  get execRuns(): number {
    return this.connection.credentials.exec?.runs ?? 0;
  }

  /** Closes the connections (at the end of a command). */
  close(): void {
    this.connection.transport.close();
  }

  /** Discovery of one apiVersion (cached): undefined when the cluster does not serve that group/version. */
  private kinds(apiVersion: string): Promise<Map<string, KindInfo> | undefined> {
    let found = this.discovery.get(apiVersion);
    if (!found) {
      const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      found = this.send<{ resources?: { name: string; kind: string; namespaced: boolean }[] }>({
        method: 'GET',
        path,
      }).then(
        (list) => {
          const map = new Map<string, KindInfo>();
          for (const r of list.resources ?? [])
            if (!r.name.includes('/')) map.set(r.kind, { resource: r.name, namespaced: r.namespaced });
          return map;
        },
        (cause: unknown) => {
          if (cause instanceof ApiError && cause.code === 404) return undefined;
          this.discovery.delete(apiVersion);
          throw this.explain(cause, `discover ${apiVersion}`);
        },
      );
      this.discovery.set(apiVersion, found);
    }
    return found;
  }

  /** Is this kind served, namespaced, and under which resource name? Throws NoKindError when it is not served. */
  async kind(apiVersion: string, kind: string): Promise<KindInfo> {
    const info = (await this.kinds(apiVersion))?.get(kind);
    if (!info) throw new NoKindError(apiVersion, kind);
    return info;
  }

  /** Forgets discovery (after CRDs were installed). */
  forgetDiscovery(): void {
    this.discovery.clear();
  }

  private async path(ref: {
    apiVersion: string;
    kind: string;
    namespace?: string | undefined;
    name?: string;
  }): Promise<string> {
    const info = await this.kind(ref.apiVersion, ref.kind);
    const base = ref.apiVersion.includes('/') ? `/apis/${ref.apiVersion}` : `/api/${ref.apiVersion}`;
    const ns = info.namespaced ? `/namespaces/${encodeURIComponent(ref.namespace ?? 'default')}` : '';
    return `${base}${ns}/${info.resource}${ref.name === undefined ? '' : `/${encodeURIComponent(ref.name)}`}`;
  }

  /** The object as sent: namespace set for namespaced kinds only. */
  async prepare(obj: HookObject, namespace: string): Promise<HookObject> {
    const info = await this.kind(obj.apiVersion, obj.kind);
    const metadata = { ...obj.metadata };
    if (info.namespaced) metadata.namespace = metadata.namespace || namespace;
    else delete metadata.namespace;
    return { ...obj, metadata };
  }

  /** Creates the object as helm 3 does (fieldManager helm, the server's default validation); 409 if it exists. */
  async create(obj: HookObject, opts: { strict?: boolean } = {}): Promise<KubernetesObject> {
    try {
      return await this.send<KubernetesObject>({
        method: 'POST',
        path: await this.path({ apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata.namespace }),
        query: { fieldManager: this.fieldManager, fieldValidation: opts.strict ? 'Strict' : undefined },
        body: obj,
      });
    } catch (cause) {
      throw this.explain(cause, `create ${obj.kind} ${obj.metadata.name}`);
    }
  }

  /** Server-side apply as helm 4 does: fieldManager helm, strict validation, no forced conflicts. */
  async apply(obj: HookObject): Promise<KubernetesObject> {
    try {
      return await this.send<KubernetesObject>({
        method: 'PATCH',
        path: await this.path({
          apiVersion: obj.apiVersion,
          kind: obj.kind,
          namespace: obj.metadata.namespace,
          name: obj.metadata.name,
        }),
        query: { fieldManager: this.fieldManager, fieldValidation: 'Strict', force: 'false' },
        contentType: 'application/apply-patch+yaml',
        body: obj,
      });
    } catch (cause) {
      throw this.explain(cause, `apply ${obj.kind} ${obj.metadata.name}`);
    }
  }

  /** Deletes with background propagation. Resolves false when the object did not exist. */
  async delete(ref: ObjectRef): Promise<boolean> {
    try {
      await this.send({
        method: 'DELETE',
        path: await this.path(ref),
        body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' },
      });
      return true;
    } catch (cause) {
      if (cause instanceof ApiError && cause.code === 404) return false;
      throw this.explain(cause, `delete ${ref.kind} ${ref.name}`);
    }
  }

  /** The object, or undefined when it does not exist. */
  async get(ref: ObjectRef): Promise<KubernetesObject | undefined> {
    try {
      return await this.send<KubernetesObject>({ method: 'GET', path: await this.path(ref) });
    } catch (cause) {
      if (cause instanceof ApiError && cause.code === 404) return undefined;
      throw this.explain(cause, `read ${ref.kind} ${ref.name}`);
    }
  }

  /** Creates a namespace as `helm --create-namespace` does (label name=<ns>); an existing one is fine. */
  async ensureNamespace(name: string): Promise<void> {
    try {
      await this.send({
        method: 'POST',
        path: '/api/v1/namespaces',
        query: { fieldManager: this.fieldManager },
        body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { name } } },
      });
    } catch (cause) {
      if (cause instanceof ApiError && cause.code === 409) return;
      throw this.explain(cause, `create namespace ${name}`);
    }
  }

  async listPods(namespace: string, selector: { labelSelector?: string; fieldSelector?: string }): Promise<V1Pod[]> {
    try {
      const res = await this.send<{ items: V1Pod[] }>({
        method: 'GET',
        path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`,
        query: selector,
      });
      return res.items;
    } catch (cause) {
      throw this.explain(cause, `list pods in ${namespace}`);
    }
  }

  /** A container's log; `tail` bounds it to its last lines and bytes (for failure reports). */
  async podLog(
    namespace: string,
    pod: string,
    container: string,
    tail?: { lines: number; bytes: number },
  ): Promise<string> {
    try {
      return await this.send<string>({
        method: 'GET',
        path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log`,
        query: tail ? { container, tailLines: String(tail.lines), limitBytes: String(tail.bytes) } : { container },
        text: true,
      });
    } catch (cause) {
      throw this.explain(cause, `read logs of pod ${pod} container ${container}`);
    }
  }

  /** Events about one object (core/v1 Events, by involvedObject.name and kind). */
  async listEvents(namespace: string, kind: string, name: string): Promise<CoreV1Event[]> {
    try {
      const res = await this.send<{ items: CoreV1Event[] }>({
        method: 'GET',
        path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/events`,
        query: { fieldSelector: `involvedObject.name=${name},involvedObject.kind=${kind}` },
      });
      return res.items;
    } catch (cause) {
      throw this.explain(cause, `list events of ${kind}/${name} in ${namespace}`);
    }
  }

  /** Turns an API failure into what failed, why, and what to do. */
  explain(cause: unknown, action: string): PluginError {
    if (cause instanceof PluginError) return cause;
    if (cause instanceof ApiError) {
      const code = cause.code;
      const body = cause.status?.message;
      if (code === 403) {
        // The API server's message names the identity it saw (User "..."), which is what RBAC judged.
        return new PluginError(`RBAC: ${action} forbidden${body ? `: ${body}` : ''}`, {
          cause,
          hint: "Ask for the Role that lets you manage the chart's hook kinds in this namespace.",
        });
      }
      if (code === 401) {
        return new PluginError(`cannot ${action}: the API server rejected the credentials (401)`, {
          cause,
          hint: 'Refresh your kubeconfig credentials, then retry.',
        });
      }
      return new PluginError(`cannot ${action}: ${body ?? `HTTP ${code}`}`, { cause });
    }
    const msg = cause instanceof Error ? cause.message : String(cause);
    return new PluginError(`cannot ${action}: ${msg}`, {
      cause,
      hint: `Check that the cluster ${this.api.server.origin} is reachable${this.connection.transport.proxy ? ` through the proxy ${this.connection.transport.proxy.host}` : ''}.`,
    });
  }
}

/** The API server's own message for a failed request (helm prints the same Status message). */
export function apiMessage(error: unknown): string {
  let e: unknown = error;
  while (e instanceof Error && !(e instanceof ApiError) && e.cause !== undefined) e = e.cause;
  if (e instanceof ApiError) return e.status?.message ?? e.message;
  return error instanceof Error ? error.message : String(error);
}
