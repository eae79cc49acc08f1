/**
 * Pushes a plugin archive (and its .prov) to an OCI registry in the layout helm 4's `helm plugin install
 * oci://...` pulls: an artifact of type application/vnd.helm.plugin.v1+json whose layers are titled
 * NAME-VERSION.tgz and NAME-VERSION.tgz.prov, with layer media types helm accepts. Helm itself has no push for
 * plugins; this speaks the registry's HTTP API (OCI distribution spec) directly, plain HTTP, no auth.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

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
  if (!r.ok) throw new Error(`OCI push: ${what} answered ${r.status}: ${await r.text()}`);
  return r;
}

async function pushBlob(base: string, repo: string, data: Buffer, mediaType: string): Promise<Descriptor> {
  const digest = `sha256:${createHash('sha256').update(data).digest('hex')}`;
  const start = await ok(await fetch(`${base}/v2/${repo}/blobs/uploads/`, { method: 'POST' }), 'starting an upload');
  const location = new URL(start.headers.get('location') as string, base);
  location.searchParams.set('digest', digest);
  await ok(
    await fetch(location, {
      method: 'PUT',
      body: new Uint8Array(data),
      headers: { 'content-type': 'application/octet-stream' },
    }),
    `uploading ${digest}`,
  );
  return { mediaType, digest, size: data.length };
}

/** Pushes `archive` (and `archive`.prov when given) as REPO:TAG to the registry at `base` (http://host:port). */
export async function pushPlugin(base: string, repo: string, tag: string, archive: string, prov?: string) {
  const config = await pushBlob(base, repo, Buffer.from('{}'), EMPTY_CONFIG);
  const layers: Descriptor[] = [];
  for (const [file, mediaType] of [[archive, TAR_GZIP], ...(prov ? [[prov, TAR]] : [])] as Array<[string, string]>) {
    const layer = await pushBlob(base, repo, readFileSync(file), mediaType);
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
    await fetch(`${base}/v2/${repo}/manifests/${tag}`, {
      method: 'PUT',
      body: JSON.stringify(manifest),
      headers: { 'content-type': manifest.mediaType },
    }),
    'putting the manifest',
  );
}
