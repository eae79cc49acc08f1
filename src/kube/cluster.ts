/**
 * The cluster client: every API call the plugin makes goes through here (create, apply, delete, read, logs),
 * so requests are counted and errors are turned into messages a person can act on.
 */
import {
  ApiException,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  type KubernetesObject,
  type V1APIResource,
  type V1Pod,
} from '@kubernetes/client-node';
import { PluginError } from '../errors.js';
import type { HookObject } from '../hooks/model.js';
import { type ApiStats, newStats } from './stats.js';

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
}

/** Field manager for server-side apply of hooks under helm 4 (helm's own name for itself). */
const FIELD_MANAGER = 'helm';

export class Cluster {
  readonly kc: KubeConfig;
  readonly stats: ApiStats = newStats();
  private readonly objects: KubernetesObjectApi;
  private readonly core: CoreV1Api;
  private readonly user: string;

  constructor(kc: KubeConfig) {
    this.kc = kc;
    this.objects = KubernetesObjectApi.makeApiClient(kc);
    this.core = kc.makeApiClient(CoreV1Api);
    this.user = kc.getCurrentUser()?.name ?? 'the current user';
  }

  /** Discovery (cached by the client per apiVersion): is this kind namespaced, and what is its resource? */
  async resource(apiVersion: string, kind: string): Promise<V1APIResource> {
    const lookup = (this.objects as unknown as {
      resource(a: string, k: string): Promise<V1APIResource | undefined>;
    }).resource.bind(this.objects);
    let found: V1APIResource | undefined;
    try {
      found = await lookup(apiVersion, kind);
    } catch (cause) {
      throw this.explain(cause, `discover ${apiVersion} ${kind}`);
    }
    if (!found) {
      throw new PluginError(`the cluster does not serve ${kind} in ${apiVersion}`, {
        hint: 'Install the CRD that defines it, or check the apiVersion in the chart.',
      });
    }
    return found;
  }

  /** The object as sent: namespace set for namespaced kinds only. */
  async prepare(obj: HookObject, namespace: string): Promise<HookObject> {
    const res = await this.resource(obj.apiVersion, obj.kind);
    const metadata = { ...obj.metadata };
    if (res.namespaced) metadata.namespace = metadata.namespace || namespace;
    else delete metadata.namespace;
    return { ...obj, metadata };
  }

  /** Creates the object (helm 3); an existing object is an error, as in helm. Returns the stored object. */
  async create(obj: HookObject): Promise<KubernetesObject> {
    this.stats.requests++;
    try {
      return await this.objects.create(obj as KubernetesObject);
    } catch (cause) {
      throw this.explain(cause, `create ${obj.kind} ${obj.metadata.name}`);
    }
  }

  /** Server-side apply (helm 4): an existing object is patched. */
  async apply(obj: HookObject): Promise<KubernetesObject> {
    this.stats.requests++;
    try {
      return await this.objects.patch(
        obj as KubernetesObject,
        undefined,
        undefined,
        FIELD_MANAGER,
        false,
        PatchStrategy.ServerSideApply,
      );
    } catch (cause) {
      throw this.explain(cause, `apply ${obj.kind} ${obj.metadata.name}`);
    }
  }

  /** Deletes with background propagation. Resolves false when the object did not exist. */
  async delete(ref: ObjectRef): Promise<boolean> {
    this.stats.requests++;
    try {
      await this.objects.delete(this.spec(ref), undefined, undefined, undefined, undefined, 'Background');
      return true;
    } catch (cause) {
      if (cause instanceof ApiException && cause.code === 404) return false;
      throw this.explain(cause, `delete ${ref.kind} ${ref.name}`);
    }
  }

  /** True when the object exists. */
  async exists(ref: ObjectRef): Promise<boolean> {
    this.stats.requests++;
    try {
      await this.objects.read(this.spec(ref));
      return true;
    } catch (cause) {
      if (cause instanceof ApiException && cause.code === 404) return false;
      throw this.explain(cause, `read ${ref.kind} ${ref.name}`);
    }
  }

  /** Creates a namespace as `helm --create-namespace` does (label name=<ns>); an existing one is fine. */
  async ensureNamespace(name: string): Promise<void> {
    this.stats.requests++;
    try {
      await this.core.createNamespace({ body: { metadata: { name, labels: { name } } } });
    } catch (cause) {
      if (cause instanceof ApiException && cause.code === 409) return;
      throw this.explain(cause, `create namespace ${name}`);
    }
  }

  async listPods(namespace: string, selector: { labelSelector?: string; fieldSelector?: string }): Promise<V1Pod[]> {
    this.stats.requests++;
    try {
      return (await this.core.listNamespacedPod({ namespace, ...selector })).items;
    } catch (cause) {
      throw this.explain(cause, `list pods in ${namespace}`);
    }
  }

  async podLog(namespace: string, pod: string, container: string): Promise<string> {
    this.stats.requests++;
    try {
      return await this.core.readNamespacedPodLog({ namespace, name: pod, container });
    } catch (cause) {
      throw this.explain(cause, `read logs of pod ${pod} container ${container}`);
    }
  }

  private spec(ref: ObjectRef): KubernetesObject & { metadata: { name: string; namespace: string } } {
    return { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } };
  }

  /** Turns an API failure into what failed, why, and what to do. */
  explain(cause: unknown, action: string): PluginError {
    if (cause instanceof PluginError) return cause;
    if (cause instanceof ApiException) {
      const body = parseStatus(cause.body);
      if (cause.code === 403) {
        return new PluginError(`RBAC: ${action} forbidden for ${this.user}${body ? `: ${body}` : ''}`, {
          cause,
          hint: 'Ask for the Role that lets you manage the chart\'s hook kinds in this namespace.',
        });
      }
      if (cause.code === 401) {
        return new PluginError(`cannot ${action}: the API server rejected the credentials (401)`, {
          cause,
          hint: 'Refresh your kubeconfig credentials, then retry.',
        });
      }
      return new PluginError(`cannot ${action}: ${body ?? `HTTP ${cause.code}`}`, { cause });
    }
    const msg = cause instanceof Error ? cause.message : String(cause);
    return new PluginError(`cannot ${action}: ${msg}`, {
      cause,
      hint: `Check that the cluster ${this.kc.getCurrentCluster()?.server ?? ''} is reachable.`,
    });
  }
}

function parseStatus(body: unknown): string | undefined {
  if (!body) return undefined;
  try {
    const status = (typeof body === 'string' ? JSON.parse(body) : body) as { message?: string };
    return status.message;
  } catch {
    return typeof body === 'string' ? body.slice(0, 300) : undefined;
  }
}
