/**
 * helm's release records, read and written in helm's own storage format, so that `helm status`, `helm
 * history` and helm's "another operation is in progress" lock see what plain helm would show at every
 * moment. Each revision is `sh.helm.release.v1.<name>.v<revision>` in the release namespace: a Secret of
 * type helm.sh/release.v1 (HELM_DRIVER unset or secret) or a ConfigMap (configmap), whose `release` field
 * is base64(gzip(release JSON)), labelled name, owner=helm, status, version (and createdAt / modifiedAt).
 * The JSON is kept exactly as helm wrote it (util/exact-json), changing only what the plugin means to.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { V1ConfigMap, V1ObjectMeta, V1Secret } from '@kubernetes/client-node';
import { PluginError } from '../errors.js';
import type { RecordJson } from '../hooks/release-json.js';
import { parseExact, stringifyExact } from '../util/exact-json.js';
import { ApiError } from './api.js';
import type { Cluster } from './cluster.js';

export type Driver = 'secret' | 'configmap';

/** A release record as helm stores it: the release JSON (read exactly) and the storage object's labels. */
export interface ReleaseRecord {
  name: string;
  namespace: string;
  version: number;
  /** The release JSON, as parsed by parseExact: change fields in place, then write it back. */
  release: RecordJson;
  /** The storage object's labels (system labels included). */
  labels: Record<string, string>;
}

export interface RevisionInfo {
  version: number;
  status: string;
}

/** A revision as listed: its status, and its record decoded on request (from the list, no new request). */
export interface StoredRevision extends RevisionInfo {
  record(): ReleaseRecord;
}

const OWNER = 'helm';
/** Labels helm's storage sets itself; the others on a record are the user's (--labels). */
const SYSTEM_LABELS = ['name', 'owner', 'status', 'version', 'createdAt', 'modifiedAt'];

export function userLabelsOf(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).filter(([k]) => !SYSTEM_LABELS.includes(k)));
}
const SECRET_TYPE = 'helm.sh/release.v1';

export class ReleaseStore {
  constructor(
    private readonly cluster: Cluster,
    readonly driver: Driver,
  ) {}

  private collection(namespace: string): string {
    return `/api/v1/namespaces/${encodeURIComponent(namespace)}/${this.driver === 'secret' ? 'secrets' : 'configmaps'}`;
  }

  static key(name: string, version: number): string {
    return `sh.helm.release.v1.${name}.v${version}`;
  }

  /** Every stored revision of a release with its status (from the labels), oldest first. */
  async history(name: string, namespace: string): Promise<RevisionInfo[]> {
    return (await this.revisions(name, namespace)).map(({ version, status }) => ({ version, status }));
  }

  /**
   * Every stored revision, oldest first, each readable without another request: helm's list of a
   * release's records carries their data (helm reads its history the same way), so a command that only
   * asks "does this revision have hooks?" costs one round trip to the API server.
   */
  async revisions(name: string, namespace: string): Promise<StoredRevision[]> {
    const labelSelector = `name=${name},owner=${OWNER}`;
    let items: Array<V1Secret | V1ConfigMap>;
    try {
      ({ items } = await this.cluster.send<{ items: Array<V1Secret | V1ConfigMap> }>({
        method: 'GET',
        path: this.collection(namespace),
        query: { labelSelector },
      }));
    } catch (cause) {
      throw this.cluster.explain(cause, `list the release records of ${name} in ${namespace}`);
    }
    return items
      .map((obj) => {
        const version = Number(obj.metadata?.labels?.version);
        return {
          version,
          status: obj.metadata?.labels?.status ?? 'unknown',
          record: () => this.recordOf(obj, name, namespace, version),
        };
      })
      .filter((r) => Number.isInteger(r.version))
      .sort((a, b) => a.version - b.version);
  }

  private recordOf(obj: V1Secret | V1ConfigMap, name: string, namespace: string, version: number): ReleaseRecord {
    const encoded =
      this.driver === 'secret'
        ? Buffer.from((obj as V1Secret).data?.release ?? '', 'base64').toString('utf8')
        : ((obj as V1ConfigMap).data?.release ?? '');
    return { name, namespace, version, release: decode(encoded), labels: { ...(obj.metadata?.labels ?? {}) } };
  }

  /** One revision, or undefined when it is not stored. */
  async get(name: string, namespace: string, version: number): Promise<ReleaseRecord | undefined> {
    const key = ReleaseStore.key(name, version);
    try {
      const obj = await this.cluster.send<V1Secret | V1ConfigMap>({
        method: 'GET',
        path: `${this.collection(namespace)}/${key}`,
      });
      return this.recordOf(obj, name, namespace, version);
    } catch (cause) {
      if (cause instanceof ApiError && cause.code === 404) return undefined;
      throw this.cluster.explain(cause, `read release record ${key}`);
    }
  }

  /**
   * Stores a new revision. Resolves false when that revision already exists: another install, upgrade or
   * rollback of the release got there first (helm's own create fails the same way).
   */
  async create(record: ReleaseRecord): Promise<boolean> {
    const body = this.object(record, { createdAt: unixNow() });
    try {
      await this.cluster.send({ method: 'POST', path: this.collection(record.namespace), body });
      return true;
    } catch (cause) {
      if (cause instanceof ApiError && cause.code === 409) return false;
      throw this.cluster.explain(cause, `store release record ${ReleaseStore.key(record.name, record.version)}`);
    }
  }

  /** Replaces a stored revision (helm's Update: the whole object, labels rewritten, modifiedAt now). */
  async update(record: ReleaseRecord): Promise<void> {
    const body = this.object(record, { modifiedAt: unixNow() });
    const name = ReleaseStore.key(record.name, record.version);
    this.cluster.stats.recordWrites++;
    try {
      await this.cluster.send({ method: 'PUT', path: `${this.collection(record.namespace)}/${name}`, body });
    } catch (cause) {
      throw this.cluster.explain(cause, `update release record ${name}`);
    }
  }

  /** Removes a stored revision (a missing one is fine). */
  async remove(name: string, namespace: string, version: number): Promise<void> {
    const key = ReleaseStore.key(name, version);
    try {
      await this.cluster.send({ method: 'DELETE', path: `${this.collection(namespace)}/${key}` });
    } catch (cause) {
      if (cause instanceof ApiError && cause.code === 404) return;
      throw this.cluster.explain(cause, `remove release record ${key}`);
    }
  }

  private object(record: ReleaseRecord, stamp: Record<string, string>): V1Secret | V1ConfigMap {
    const labels: Record<string, string> = {
      ...userLabelsOf(record.labels),
      ...(record.labels.createdAt !== undefined && stamp.createdAt === undefined
        ? { createdAt: record.labels.createdAt }
        : {}),
      name: record.name,
      owner: OWNER,
      status: record.release.info.status,
      version: String(record.version),
      ...stamp,
    };
    const metadata: V1ObjectMeta = {
      name: ReleaseStore.key(record.name, record.version),
      namespace: record.namespace,
      labels,
    };
    const encoded = encode(record.release);
    if (this.driver === 'secret') {
      return {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata,
        type: SECRET_TYPE,
        data: { release: Buffer.from(encoded, 'utf8').toString('base64') },
      };
    }
    return { apiVersion: 'v1', kind: 'ConfigMap', metadata, data: { release: encoded } };
  }
}

/** helm's encoding: base64 of gzip of JSON (older records may be base64 of plain JSON). */
export function decode(encoded: string): RecordJson {
  const raw = Buffer.from(encoded, 'base64');
  const gzipped = raw[0] === 0x1f && raw[1] === 0x8b && raw[2] === 0x08;
  try {
    return parseExact((gzipped ? gunzipSync(raw) : raw).toString('utf8')) as RecordJson;
  } catch (cause) {
    throw new PluginError("cannot read a helm release record (not helm's storage format)", { cause });
  }
}

export function encode(release: RecordJson): string {
  return gzipSync(Buffer.from(stringifyExact(release), 'utf8'), { level: 9 }).toString('base64');
}

function unixNow(): string {
  return String(Math.floor(Date.now() / 1000));
}

/** A time as helm writes it in a record (RFC 3339 with fractional seconds). */
export function recordTime(ms: number = Date.now()): string {
  return new Date(ms).toISOString();
}
