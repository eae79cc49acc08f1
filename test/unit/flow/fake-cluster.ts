/**
 * An in-memory Kubernetes API server on 127.0.0.1 (node:http) for the command-flow tests: discovery for
 * v1 and batch/v1, create / apply / replace / delete / get / list / watch of any of its kinds, and a Job
 * controller that finishes each Job as the test scripted it (complete, failed, or never). It answers what
 * the plugin's client sends (kube/api.ts) and what the fake helm (fake-helm.ts) writes as helm would.
 *
 * Every write is kept in order (`writes`), so a test asserts on the sequence of release-record states,
 * never on how long anything took.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RecordJson } from '../../../src/hooks/release-json.js';
import { decode } from '../../../src/kube/release-store.js';

type Obj = {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    creationTimestamp?: string;
    [k: string]: unknown;
  };
  status?: Record<string, unknown>;
  data?: Record<string, string>;
  [k: string]: unknown;
};

interface Resource {
  name: string;
  kind: string;
  namespaced: boolean;
}

const DISCOVERY: Record<string, Resource[]> = {
  v1: [
    { name: 'namespaces', kind: 'Namespace', namespaced: false },
    { name: 'secrets', kind: 'Secret', namespaced: true },
    { name: 'configmaps', kind: 'ConfigMap', namespaced: true },
    { name: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true },
    { name: 'pods', kind: 'Pod', namespaced: true },
    { name: 'pods/log', kind: 'Pod', namespaced: true },
    { name: 'events', kind: 'Event', namespaced: true },
  ],
  'batch/v1': [{ name: 'jobs', kind: 'Job', namespaced: true }],
};

/**
 * How the fake Job controller ends a Job (by name): complete (the default), failed, left running (hang), or
 * held until the test calls finishJob.
 */
export type JobScript = 'complete' | 'fail' | 'hang' | 'hold';

/** One write the server accepted, in order. A release record's status label and description are decoded. */
export interface Write {
  verb: 'create' | 'apply' | 'replace' | 'delete' | 'status';
  resource: string;
  namespace: string | undefined;
  name: string;
  /** Release records (sh.helm.release.v1.*): the status label and the decoded release JSON. */
  record?: { status: string | undefined; release: RecordJson };
  /** Who wrote it: the plugin's client ('plugin') or the fake helm ('helm'). */
  by: 'plugin' | 'helm' | 'controller';
}

/** What every request handler returns: the request has been answered (or its watch stream opened). */
const REPLIED = Symbol('replied');
type Replied = typeof REPLIED;

interface WatchEntry {
  res: ServerResponse;
  gv: string;
  resource: string;
  namespace: string | undefined;
}

interface Change {
  rv: number;
  gv: string;
  resource: string;
  namespace: string | undefined;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: Obj;
}

export class FakeCluster {
  private readonly objects = new Map<string, Obj>();
  private readonly changes: Change[] = [];
  private readonly watches = new Set<WatchEntry>();
  private rv = 100;
  private uids = 0;
  private server!: Server;
  port = 0;
  readonly writes: Write[] = [];
  /** Every list request (not watches), as "<resource>?<labelSelector or fieldSelector>". */
  readonly lists: string[] = [];
  /** Job name → how it ends. */
  readonly jobs = new Map<string, JobScript>();
  /** Object names whose create (or apply) is refused with 422, as an admission webhook or validation would. */
  readonly refuseCreate = new Set<string>();
  /** Object names whose delete is refused with 403. */
  readonly refuseDelete = new Set<string>();
  /** Told of every accepted write (after it is stored), e.g. to interrupt a command at a chosen point. */
  onWrite: (w: Write) => void = () => undefined;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          this.handle(req, res, Buffer.concat(chunks).toString('utf8'));
        } catch (error) {
          this.reply(res, 500, status(500, 'InternalError', String(error)));
        }
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const w of this.watches) w.res.end();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  // ------------------------------------------------------------------ the store, for the test and the fake helm

  get(gv: string, resource: string, namespace: string | undefined, name: string): Obj | undefined {
    return this.objects.get(key(gv, resource, namespace, name));
  }

  list(gv: string, resource: string, namespace: string | undefined, selector?: string, fieldSelector?: string): Obj[] {
    const prefix = `${gv}|${resource}|${namespace ?? ''}|`;
    return [...this.objects.entries()]
      .filter(([k, o]) => k.startsWith(prefix) && matches(o, selector) && matchesFields(o, fieldSelector))
      .map(([, o]) => o);
  }

  put(gv: string, resource: string, obj: Obj, by: Write['by'], verb: Write['verb'] = 'replace'): Obj {
    const k = key(gv, resource, obj.metadata.namespace, obj.metadata.name);
    const old = this.objects.get(k);
    const stored: Obj = structuredClone(obj);
    stored.metadata.uid = old?.metadata.uid ?? `uid-${++this.uids}`;
    stored.metadata.creationTimestamp = old?.metadata.creationTimestamp ?? new Date().toISOString();
    stored.metadata.resourceVersion = String(++this.rv);
    stored.kind ??= DISCOVERY[gv]?.find((r) => r.name === resource)?.kind;
    stored.apiVersion ??= gv;
    this.objects.set(k, stored);
    this.changed(gv, resource, old ? 'MODIFIED' : 'ADDED', stored);
    this.wrote({ verb, resource, namespace: obj.metadata.namespace, name: obj.metadata.name, by }, stored);
    if (resource === 'jobs' && !old) this.scheduleJob(stored);
    return stored;
  }

  remove(gv: string, resource: string, namespace: string | undefined, name: string, by: Write['by']): boolean {
    const k = key(gv, resource, namespace, name);
    const old = this.objects.get(k);
    if (!old) return false;
    this.objects.delete(k);
    old.metadata.resourceVersion = String(++this.rv);
    this.changed(gv, resource, 'DELETED', old);
    this.wrote({ verb: 'delete', resource, namespace, name, by }, old);
    if (resource === 'jobs')
      for (const pod of this.list('v1', 'pods', namespace, `job-name=${name}`))
        this.remove('v1', 'pods', namespace, pod.metadata.name, 'controller');
    return true;
  }

  /** The release's records as helm stores them, oldest first: version, status, description, hook phases. */
  history(name: string, namespace: string): Array<{ version: number; status: string; description: string }> {
    return this.records(name, namespace).map((r) => ({
      version: r.version,
      status: r.info.status,
      description: String(r.info.description ?? ''),
    }));
  }

  records(name: string, namespace: string): RecordJson[] {
    return this.list('v1', 'secrets', namespace, `name=${name},owner=helm`)
      .map((s) => decode(Buffer.from(s.data?.release ?? '', 'base64').toString('utf8')))
      .sort((a, b) => a.version - b.version);
  }

  // ------------------------------------------------------------------ HTTP

  private handle(req: IncomingMessage, res: ServerResponse, body: string): Replied {
    const url = new URL(req.url ?? '/', 'http://x');
    const route = parsePath(url.pathname);
    if (!route) return this.reply(res, 404, status(404, 'NotFound', `no route ${url.pathname}`));
    if (route.discovery) {
      const resources = DISCOVERY[route.gv];
      if (!resources) return this.reply(res, 404, status(404, 'NotFound', 'the server could not find the resource'));
      return this.reply(res, 200, { kind: 'APIResourceList', groupVersion: route.gv, resources });
    }
    const { gv, resource, namespace, name, sub } = route;
    const method = req.method ?? 'GET';
    if (sub === 'log') return this.reply(res, 200, `log of ${name}\n`, 'text/plain');
    if (method === 'GET' && name === undefined) {
      if (url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1')
        return this.watch(res, gv, resource, namespace, Number(url.searchParams.get('resourceVersion') || 0));
      this.lists.push(
        `${resource}?${url.searchParams.get('labelSelector') ?? url.searchParams.get('fieldSelector') ?? ''}`,
      );
      const items = this.list(
        gv,
        resource,
        namespace,
        url.searchParams.get('labelSelector') ?? undefined,
        url.searchParams.get('fieldSelector') ?? undefined,
      );
      return this.reply(res, 200, { kind: 'List', items, metadata: { resourceVersion: String(this.rv) } });
    }
    if (method === 'GET') {
      const obj = this.get(gv, resource, namespace, name as string);
      return obj ? this.reply(res, 200, obj) : this.reply(res, 404, notFound(resource, name as string));
    }
    if (method === 'POST') {
      const obj = JSON.parse(body) as Obj;
      obj.metadata.namespace = namespace ?? obj.metadata.namespace;
      if (this.refuseCreate.has(obj.metadata.name))
        return this.reply(res, 422, status(422, 'Invalid', `${obj.kind} "${obj.metadata.name}" is invalid: refused`));
      if (this.get(gv, resource, namespace, obj.metadata.name))
        return this.reply(res, 409, status(409, 'AlreadyExists', `${resource} "${obj.metadata.name}" already exists`));
      return this.reply(res, 201, this.put(gv, resource, obj, 'plugin', 'create'));
    }
    if (method === 'PATCH' || method === 'PUT') {
      const obj = JSON.parse(body) as Obj;
      obj.metadata.namespace = namespace;
      if (method === 'PATCH' && this.refuseCreate.has(obj.metadata.name))
        return this.reply(res, 422, status(422, 'Invalid', `${obj.kind} "${obj.metadata.name}" is invalid: refused`));
      if (method === 'PUT' && !this.get(gv, resource, namespace, name as string))
        return this.reply(res, 404, notFound(resource, name as string));
      return this.reply(res, 200, this.put(gv, resource, obj, 'plugin', method === 'PATCH' ? 'apply' : 'replace'));
    }
    if (method === 'DELETE') {
      if (this.refuseDelete.has(name as string))
        return this.reply(res, 403, status(403, 'Forbidden', `${resource} "${name}" is forbidden: refused`));
      return this.remove(gv, resource, namespace, name as string, 'plugin')
        ? this.reply(res, 200, status(200, 'Success', 'deleted'))
        : this.reply(res, 404, notFound(resource, name as string));
    }
    return this.reply(res, 405, status(405, 'MethodNotAllowed', method));
  }

  private watch(
    res: ServerResponse,
    gv: string,
    resource: string,
    namespace: string | undefined,
    from: number,
  ): Replied {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    const entry = { res, gv, resource, namespace };
    this.watches.add(entry);
    res.on('close', () => this.watches.delete(entry));
    for (const c of this.changes) if (c.rv > from && sameCollection(c, entry)) send(res, c);
    return REPLIED;
  }

  private changed(gv: string, resource: string, type: Change['type'], object: Obj): void {
    const change = { rv: this.rv, gv, resource, namespace: object.metadata.namespace, type, object };
    this.changes.push(change);
    for (const w of this.watches) if (sameCollection(change, w)) send(w.res, change);
  }

  private wrote(w: Write, stored: Obj): void {
    if (w.resource === 'secrets' && w.name.startsWith('sh.helm.release.v1.') && stored.data?.release) {
      w.record = {
        status: stored.metadata.labels?.status,
        release: decode(Buffer.from(stored.data.release, 'base64').toString('utf8')),
      };
    }
    this.writes.push(w);
    this.onWrite(w);
  }

  private reply(res: ServerResponse, code: number, body: unknown, type = 'application/json'): Replied {
    res.writeHead(code, { 'Content-Type': type });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
    return REPLIED;
  }

  // ------------------------------------------------------------------ the Job controller

  /** A created Job gets a running pod at once, and its outcome on a later turn of the event loop. */
  private scheduleJob(job: Obj): void {
    this.put('v1', 'pods', jobPod(job, 'Running'), 'controller', 'status');
    const script = this.jobs.get(job.metadata.name) ?? 'complete';
    if (script === 'complete' || script === 'fail') setTimeout(() => this.endJob(job, script === 'complete'), 5);
  }

  /** Ends a held (or running) Job as its controller would: pod terminated, condition Complete or Failed. */
  finishJob(namespace: string, name: string, ok = true): void {
    const job = this.get('batch/v1', 'jobs', namespace, name);
    if (job) this.endJob(job, ok);
  }

  private endJob(job: Obj, ok: boolean): void {
    const current = this.get('batch/v1', 'jobs', job.metadata.namespace, job.metadata.name);
    if (!current || current.metadata.uid !== job.metadata.uid) return;
    this.put('v1', 'pods', jobPod(job, ok ? 'Succeeded' : 'Failed', ok ? 0 : 1), 'controller', 'status');
    const status = ok
      ? { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] }
      : {
          failed: 1,
          conditions: [
            {
              type: 'Failed',
              status: 'True',
              reason: 'BackoffLimitExceeded',
              message: 'Job has reached the specified backoff limit',
            },
          ],
        };
    this.put('batch/v1', 'jobs', { ...current, status }, 'controller', 'status');
  }
}

/** The one pod of a Job (label job-name), running or terminated with an exit code. */
function jobPod(job: Obj, phase: string, exitCode?: number): Obj {
  const name = job.metadata.name;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${name}-${job.metadata.uid?.replace(/\D/g, '')}`,
      namespace: job.metadata.namespace,
      labels: { 'job-name': name },
    },
    spec: { containers: [{ name: 'main' }] },
    status: {
      phase,
      containerStatuses: [
        {
          name: 'main',
          state:
            exitCode === undefined
              ? { running: {} }
              : { terminated: { exitCode, reason: exitCode ? 'Error' : 'Completed' } },
        },
      ],
    },
  };
}

function key(gv: string, resource: string, namespace: string | undefined, name: string): string {
  return `${gv}|${resource}|${namespace ?? ''}|${name}`;
}

function sameCollection(c: { gv: string; resource: string; namespace: string | undefined }, w: WatchEntry): boolean {
  return c.gv === w.gv && c.resource === w.resource && (w.namespace === undefined || c.namespace === w.namespace);
}

function send(res: ServerResponse, c: Change): void {
  res.write(`${JSON.stringify({ type: c.type, object: c.object })}\n`);
}

/** Equality label selectors only (`a=b,c=d`), which is all helm's storage and the plugin use. */
function matches(obj: Obj, selector: string | undefined): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const [k, v] = term.split('=');
    return obj.metadata.labels?.[k as string] === v;
  });
}

/** The one field selector the plugin sends (`metadata.name=<pod>`, a Pod hook's pods); any other is refused. */
function matchesFields(obj: Obj, selector: string | undefined): boolean {
  if (!selector) return true;
  const [field, value] = selector.split('=');
  if (field !== 'metadata.name') throw new Error(`the fake API server does not know field selector ${selector}`);
  return obj.metadata.name === value;
}

function status(code: number, reason: string, message: string) {
  return { kind: 'Status', apiVersion: 'v1', status: code < 300 ? 'Success' : 'Failure', code, reason, message };
}

function notFound(resource: string, name: string) {
  return status(404, 'NotFound', `${resource} "${name}" not found`);
}

type Route =
  | { discovery: true; gv: string }
  | {
      discovery?: false;
      gv: string;
      resource: string;
      namespace: string | undefined;
      name: string | undefined;
      sub: string | undefined;
    };

function parsePath(path: string): Route | undefined {
  const m = /^\/(?:api\/(v1)|apis\/([^/]+\/[^/]+))(\/.*)?$/.exec(path);
  if (!m) return undefined;
  const gv = (m[1] ?? m[2]) as string;
  const segs = (m[3] ?? '').split('/').filter(Boolean).map(decodeURIComponent);
  if (segs.length === 0) return { discovery: true, gv };
  if (segs[0] === 'namespaces' && segs.length >= 3)
    return { gv, namespace: segs[1], resource: segs[2] as string, name: segs[3], sub: segs[4] };
  return { gv, namespace: undefined, resource: segs[0] as string, name: segs[1], sub: undefined };
}
