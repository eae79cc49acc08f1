/**
 * Shared watches: one list+watch per (namespace, kind), however many hooks wait on it. A dropped watch
 * resumes from the last resourceVersion; when the server says that version is gone (410), it lists afresh.
 * Waiters are callbacks keyed by object name, evaluated on every change of that object.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { longTimeout } from '../util/timer.js';
import { ApiError } from './api.js';
import type { Cluster } from './cluster.js';

export type WatchedKind = 'Job' | 'Pod';

interface Waiter {
  /**
   * Called with the object's latest state (undefined = it does not exist), or with the last state of an
   * object that was just deleted (deleted = true). Returns true when satisfied.
   */
  check(obj: KubernetesObject | undefined, deleted: boolean): boolean;
  /** The watch cannot go on (permission refused, resource gone, hub closed), or check() threw. */
  fail(error: Error): void;
}

/**
 * 401, 403 and 404 on a list or watch will not heal by retrying: the waiters fail at once. (A 403 while the
 * API server's authorizer starts is retried by KubeApi before it gets here.)
 */
function permanent(error: unknown): boolean {
  let e: unknown = error;
  for (let i = 0; i < 4 && e; i++) {
    if (e instanceof ApiError && (e.code === 401 || e.code === 403 || e.code === 404)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

const RECONNECT_DELAY_MS = 500;

/**
 * What waiters read of an object: identity and status. The cache keeps only that, not the spec or
 * managedFields, so hundreds of Jobs (old and re-created ones) stay cheap in memory.
 */
function slim(
  obj: KubernetesObject & { status?: unknown; spec?: { completions?: number; backoffLimit?: number } },
): KubernetesObject {
  const m = obj.metadata ?? {};
  const jobName = m.labels?.['job-name'];
  const spec = {
    // A Job's completions: helm 4 words a failure "failed: <failed>/<completions>".
    ...(obj.spec?.completions !== undefined ? { completions: obj.spec.completions } : {}),
    // A Job's backoffLimit: how many retries a waiting hook has left.
    ...(obj.spec?.backoffLimit !== undefined ? { backoffLimit: obj.spec.backoffLimit } : {}),
  };
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    metadata: {
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      deletionTimestamp: m.deletionTimestamp,
      creationTimestamp: m.creationTimestamp,
      // A Job's pod: which Job it belongs to (a hook's live waiting reason).
      ...(jobName ? { labels: { 'job-name': jobName } } : {}),
    },
    ...(Object.keys(spec).length > 0 ? { spec } : {}),
    status: obj.status,
  } as KubernetesObject;
}

class SharedWatch {
  readonly objects = new Map<string, KubernetesObject>();
  private readonly waiters = new Map<string, Set<Waiter>>();
  /** An object just deleted, offered to waiters once, so "deleted while watched" differs from "absent". */
  private readonly deletedObjects = new Map<string, KubernetesObject>();
  private resourceVersion = '';
  private abort: AbortController | undefined;
  private closed = false;
  private backoff = 0;
  /** Set when the watch failed for good: later waiters fail at once. */
  broken: Error | undefined;
  readonly ready: Promise<void>;

  constructor(
    private readonly cluster: Cluster,
    private readonly namespace: string,
    private readonly kind: WatchedKind,
  ) {
    this.ready = this.list().then(() => this.watch());
    // A failed first list is reported through `ready` to every waiter; keep it from being unhandled here.
    this.ready.catch(() => undefined);
  }

  private get path(): string {
    return this.kind === 'Job'
      ? `/apis/batch/v1/namespaces/${this.namespace}/jobs`
      : `/api/v1/namespaces/${this.namespace}/pods`;
  }

  private async list(): Promise<void> {
    let items: KubernetesObject[];
    let rv: string | undefined;
    try {
      const res = await this.cluster.send<{ items: KubernetesObject[]; metadata?: { resourceVersion?: string } }>({
        method: 'GET',
        path: this.path,
        retryForMs: 5_000,
      });
      items = res.items;
      rv = res.metadata?.resourceVersion;
    } catch (cause) {
      throw this.cluster.explain(cause, `list ${this.kind}s in ${this.namespace}`);
    }
    const seen = new Set<string>();
    for (const item of items) {
      const name = item.metadata?.name as string;
      seen.add(name);
      this.objects.set(name, slim(item));
    }
    for (const name of [...this.objects.keys()]) if (!seen.has(name)) this.objects.delete(name);
    this.resourceVersion = rv ?? '';
    for (const name of [...this.waiters.keys()]) this.notify(name);
  }

  private async watch(): Promise<void> {
    if (this.closed) return;
    let gone = false;
    const abort = new AbortController();
    this.abort = abort;
    const stream = this.cluster.watch<KubernetesObject & { code?: number }>(
      `${this.namespace}/${this.kind}`,
      this.path,
      { resourceVersion: this.resourceVersion, allowWatchBookmarks: 'true' },
      ({ type, object: obj }) => {
        if (type === 'ERROR') {
          if (obj.code === 410) gone = true;
          return;
        }
        const rv = obj.metadata?.resourceVersion;
        if (rv) this.resourceVersion = rv;
        if (type === 'BOOKMARK') return;
        const name = obj.metadata?.name as string;
        if (type === 'DELETED') {
          // Keep only if a newer object of the same name already replaced it.
          if (this.objects.get(name)?.metadata?.uid === obj.metadata?.uid) this.objects.delete(name);
          this.deletedObjects.set(name, slim(obj));
        } else {
          this.objects.set(name, slim(obj));
        }
        this.notify(name);
      },
      abort.signal,
    );
    const ended = (err: unknown) => {
      if (this.closed) return;
      if (permanent(err)) return this.failAll(this.cluster.explain(err, `watch ${this.kind}s in ${this.namespace}`));
      const expired = gone || (err instanceof ApiError && err.code === 410);
      setTimeout(() => void this.resume(expired), err ? RECONNECT_DELAY_MS : 0);
    };
    try {
      const { done } = await stream;
      done.then(() => ended(null), ended);
    } catch (error) {
      ended(error);
    }
    // close() while the watch was opening: its abort already ended it (done resolves, nothing resumes).
  }

  private async resume(expired: boolean): Promise<void> {
    if (this.closed) return;
    try {
      if (expired || !this.resourceVersion) await this.list();
      await this.watch();
    } catch (error) {
      if (permanent(error)) return this.failAll(error instanceof Error ? error : new Error(String(error)));
      // The API server is unreachable for now: back off and try again; waiters are bounded by their own timeouts.
      this.backoff = Math.min((this.backoff || RECONNECT_DELAY_MS) * 2, 8_000);
      setTimeout(() => void this.resume(true), this.backoff);
      return;
    }
    this.backoff = 0;
  }

  /** Every waiter fails with this error; the watch stops (the hub makes a new one for a later waiter). */
  failAll(error: Error): void {
    this.broken = error;
    this.close();
    for (const [name, set] of this.waiters) {
      for (const w of set) w.fail(error);
      this.waiters.delete(name);
    }
  }

  private notify(name: string): void {
    // Offered once, to the waiters of this moment only: never kept for a later waiter.
    const deleted = this.deletedObjects.get(name);
    this.deletedObjects.delete(name);
    const set = this.waiters.get(name);
    if (!set) return;
    for (const w of [...set]) {
      try {
        if ((deleted && w.check(deleted, true)) || w.check(this.objects.get(name), false)) set.delete(w);
      } catch (error) {
        // A waiter's own exception fails that waiter (its hook), not the watch.
        set.delete(w);
        w.fail(error instanceof Error ? error : new Error(String(error)));
      }
    }
    if (set.size === 0) this.waiters.delete(name);
  }

  add(name: string, waiter: Waiter): () => void {
    if (this.broken) {
      waiter.fail(this.broken);
      return () => undefined;
    }
    try {
      if (waiter.check(this.objects.get(name), false)) return () => undefined;
    } catch (error) {
      waiter.fail(error instanceof Error ? error : new Error(String(error)));
      return () => undefined;
    }
    let set = this.waiters.get(name);
    if (!set) {
      set = new Set();
      this.waiters.set(name, set);
    }
    set.add(waiter);
    return () => {
      set.delete(waiter);
      if (set.size === 0 && this.waiters.get(name) === set) this.waiters.delete(name);
    };
  }

  close(): void {
    this.closed = true;
    this.abort?.abort();
  }
}

export class WatchHub {
  private readonly watches = new Map<string, SharedWatch>();
  constructor(private readonly cluster: Cluster) {}

  private shared(namespace: string, kind: WatchedKind): SharedWatch {
    const key = `${namespace}/${kind}`;
    let w = this.watches.get(key);
    if (w?.broken) {
      this.watches.delete(key);
      w = undefined;
    }
    if (!w) {
      const created = new SharedWatch(this.cluster, namespace, kind);
      this.watches.set(key, created);
      // A failed first list fails its waiters; the next waiter starts afresh instead of inheriting it.
      created.ready.catch(() => {
        if (this.watches.get(key) === created) this.watches.delete(key);
      });
      w = created;
    }
    return w;
  }

  /** Starts the shared watch early (before creating objects), so nothing is missed and no time is lost. */
  async prime(namespace: string, kind: WatchedKind): Promise<void> {
    await this.shared(namespace, kind).ready;
  }

  /**
   * Resolves with the first value `evaluate` returns that is not undefined, evaluated on every change of the
   * named object (obj undefined when it does not exist). Rejects on timeout or abort with the given errors.
   */
  async until<T>(
    namespace: string,
    kind: WatchedKind,
    name: string,
    evaluate: (obj: KubernetesObject | undefined, deleted: boolean) => T | undefined,
    opts: { timeoutMs: number; signal?: AbortSignal | undefined; onTimeout: () => Error; onAbort: () => Error },
  ): Promise<T> {
    const w = this.shared(namespace, kind);
    await w.ready;
    return new Promise<T>((resolve, reject) => {
      let remove: () => void = () => undefined;
      const finish = (fn: () => void) => {
        timer.clear();
        opts.signal?.removeEventListener('abort', aborted);
        remove();
        fn();
      };
      const aborted = () => finish(() => reject(opts.onAbort()));
      // Any limit: an infinite one (helm 3 with --timeout 0) never fires, a year-long one does not fire at once.
      const timer = longTimeout(() => finish(() => reject(opts.onTimeout())), opts.timeoutMs);
      if (opts.signal?.aborted) return aborted();
      opts.signal?.addEventListener('abort', aborted, { once: true });
      remove = w.add(name, {
        check: (obj, deleted) => {
          const value = evaluate(obj, deleted);
          if (value === undefined) return false;
          finish(() => resolve(value));
          return true;
        },
        fail: (error) => finish(() => reject(error)),
      });
    });
  }

  /** The latest known state of an object from the shared cache (no request). */
  peek(namespace: string, kind: WatchedKind, name: string): KubernetesObject | undefined {
    return this.watches.get(`${namespace}/${kind}`)?.objects.get(name);
  }

  /** Starts a shared watch without waiting for it (for live waiting reasons; failures only leave it empty). */
  watchSoon(namespace: string, kind: WatchedKind): void {
    this.shared(namespace, kind).ready.catch(() => undefined);
  }

  /** Every object of a shared watch's cache (no request); empty when nothing watches that kind there. */
  cached(namespace: string, kind: WatchedKind): KubernetesObject[] {
    return [...(this.watches.get(`${namespace}/${kind}`)?.objects.values() ?? [])];
  }

  /** Stops every watch; waiters still pending fail ("closed") and their timers are cleared. */
  close(): void {
    for (const w of this.watches.values()) w.failAll(new Error('the shared watches were closed'));
    this.watches.clear();
  }
}
