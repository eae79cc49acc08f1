/**
 * Pushes a plugin archive (and its .prov) to an OCI registry in the layout helm 4's `helm plugin install
 * oci://...` pulls: an artifact of type application/vnd.helm.plugin.v1+json whose layers are titled
 * NAME-VERSION.tgz and NAME-VERSION.tgz.prov, with layer media types helm accepts. Helm itself has no push for
 * plugins; this speaks the registry's HTTP API (OCI distribution spec) directly. A registry that asks for
 * credentials (401 with WWW-Authenticate) gets OCI_USERNAME / OCI_PASSWORD: as Basic auth, or exchanged at its
 * token realm for a bearer token (ghcr.io: the workflow's GITHUB_TOKEN).
 *
 *   npx tsx scripts/oci-push.ts --registry https://ghcr.io --repository OWNER/parallel-hooks --tag 0.1.0 \
 *     --archive parallel-hooks-0.1.0.tgz [--prov parallel-hooks-0.1.0.tgz.prov]
 *
 * (used by .github/workflows/release.yml; the install e2e test pushes to a local registry with it).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';

const PLUGIN_ARTIFACT = 'application/vnd.helm.plugin.v1+json';
const EMPTY_CONFIG = 'application/vnd.oci.empty.v1+json';
const TAR_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
const TAR = 'application/vnd.oci.image.layer.v1.tar';

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

async function ok(r: Response, what: string): Promise<Response> {
  if (!r.ok) throw new Error(`OCI push: ${what} answered ${r.status}: ${(await r.text()).slice(0, 300)}`);
  return r;
}

export interface Credentials {
  username: string;
  password: string;
}

/**
 * fetch with the registry's auth: on a 401 the request is sent again once with Basic auth, or with a bearer
 * token from the realm its WWW-Authenticate names (service and scope as it gives them).
 */
class Registry {
  private authorization: string | undefined;
  constructor(private readonly credentials: Credentials | undefined) {}

  async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const send = () =>
      fetch(url, {
        ...init,
        headers: {
          ...(init.headers as Record<string, string>),
          ...(this.authorization ? { authorization: this.authorization } : {}),
        },
      });
    const first = await send();
    if (first.status !== 401) return first;
    const challenge = first.headers.get('www-authenticate') ?? '';
    if (!this.credentials)
      throw new Error(`OCI push: ${url} needs credentials (${challenge}): set OCI_USERNAME and OCI_PASSWORD`);
    const basic = `Basic ${Buffer.from(`${this.credentials.username}:${this.credentials.password}`).toString('base64')}`;
    if (/^basic/i.test(challenge)) {
      this.authorization = basic;
    } else {
      const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
      if (!params.realm) throw new Error(`OCI push: ${url} answered 401 without a token realm (${challenge})`);
      const realm = new URL(params.realm);
      if (params.service) realm.searchParams.set('service', params.service);
      if (params.scope) realm.searchParams.set('scope', params.scope);
      const r = await ok(await fetch(realm, { headers: { authorization: basic } }), `the token realm ${realm.origin}`);
      const body = (await r.json()) as { token?: string; access_token?: string };
      const token = body.token ?? body.access_token;
      if (!token) throw new Error(`OCI push: the token realm ${realm.origin} gave no token`);
      this.authorization = `Bearer ${token}`;
    }
    return send();
  }
}

async function pushBlob(
  registry: Registry,
  base: string,
  repo: string,
  data: Buffer,
  mediaType: string,
): Promise<Descriptor> {
  const digest = `sha256:${createHash('sha256').update(data).digest('hex')}`;
  const start = await ok(
    await registry.fetch(`${base}/v2/${repo}/blobs/uploads/`, { method: 'POST' }),
    'starting an upload',
  );
  const location = new URL(start.headers.get('location') as string, base);
  location.searchParams.set('digest', digest);
  await ok(
    await registry.fetch(location, {
      method: 'PUT',
      body: new Uint8Array(data),
      headers: { 'content-type': 'application/octet-stream' },
    }),
    `uploading ${digest}`,
  );
  return { mediaType, digest, size: data.length };
}

/** Pushes `archive` (and `archive`.prov when given) as REPO:TAG to the registry at `base` (http://host:port). */
export async function pushPlugin(
  base: string,
  repo: string,
  tag: string,
  archive: string,
  prov?: string,
  credentials?: Credentials,
) {
  const registry = new Registry(credentials);
  const config = await pushBlob(registry, base, repo, Buffer.from('{}'), EMPTY_CONFIG);
  const layers: Descriptor[] = [];
  for (const [file, mediaType] of [[archive, TAR_GZIP], ...(prov ? [[prov, TAR]] : [])] as Array<[string, string]>) {
    const layer = await pushBlob(registry, base, repo, readFileSync(file), mediaType);
    layers.push({ ...layer, annotations: { 'org.opencontainers.image.title': basename(file) } });
  }
  const manifest = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    artifactType: PLUGIN_ARTIFACT,
    config,
    layers,
  };
  await ok(
    await registry.fetch(`${base}/v2/${repo}/manifests/${tag}`, {
      method: 'PUT',
      body: JSON.stringify(manifest),
      headers: { 'content-type': manifest.mediaType },
    }),
    'putting the manifest',
  );
}

/** The command line (see the top of this file). */
async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      registry: { type: 'string' },
      repository: { type: 'string' },
      tag: { type: 'string' },
      archive: { type: 'string' },
      prov: { type: 'string' },
    },
  });
  const { registry, repository, tag, archive } = values;
  if (!registry || !repository || !tag || !archive) {
    throw new Error('usage: oci-push --registry URL --repository NAME --tag TAG --archive FILE [--prov FILE]');
  }
  const username = process.env.OCI_USERNAME;
  const password = process.env.OCI_PASSWORD;
  await pushPlugin(
    registry.replace(/\/+$/, ''),
    repository.toLowerCase(),
    tag,
    archive,
    values.prov,
    username && password ? { username, password } : undefined,
  );
  console.log(
    `pushed ${basename(archive)} as ${registry.replace(/^https?:\/\//, '')}/${repository.toLowerCase()}:${tag}`,
  );
}

if (process.argv[1] && /oci-push\.[cm]?[jt]s$/.test(process.argv[1])) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error((error as Error).message);
    process.exitCode = 1;
  });
}
