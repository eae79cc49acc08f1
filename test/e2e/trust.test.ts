/**
 * The plugin trusts an API server as node would. The launcher hands NODE_EXTRA_CA_CERTS over instead of
 * letting node load it at start-up (src/kube/extra-ca.ts); for a cluster whose kubeconfig names no CA, the
 * extra certificates must still be trusted, and without them the cluster must not be. helm (Go) trusts
 * SSL_CERT_FILE, set here to the same CA so helm's own calls work either way.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CHART, dropNamespace, helm, kube, MAJORS, namespace, releaseState, valuesFile } from './harness.js';

/** The local cluster's kubeconfig without its CA, and the CA in a PEM file of its own. */
function withoutCa(): { kubeconfig: string; caFile: string } {
  const { kc } = kube();
  const cluster = kc.getCurrentCluster();
  if (!cluster?.caData) throw new Error('the local cluster kubeconfig has no certificate-authority-data');
  const dir = mkdtempSync(join(tmpdir(), 'hph trust '));
  const caFile = join(dir, 'cluster-ca.pem');
  writeFileSync(caFile, Buffer.from(cluster.caData, 'base64'));
  const kubeconfig = join(dir, 'kubeconfig');
  const user = kc.getCurrentUser();
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'no-ca', cluster: { server: cluster.server } }],
      users: [{ name: 'u', user: { token: user?.token } }],
      contexts: [{ name: 'no-ca', context: { cluster: 'no-ca', user: 'u' } }],
      'current-context': 'no-ca',
    }),
  );
  return { kubeconfig, caFile };
}

const VALUES = valuesFile({
  hooks: [
    { name: 'pre-a', kind: 'Job', events: 'pre-install', weight: '0', runFor: '200ms' },
    { name: 'pre-b', kind: 'Job', events: 'pre-install', weight: '0', runFor: '200ms' },
  ],
});

for (const major of MAJORS) {
  const s = suite(`trust, helm ${major}`);
  let ns = '';
  s.before(async () => {
    ns = await namespace(`trust${major}`);
  });
  s.after(async () => dropNamespace(ns));

  s('a kubeconfig without a CA: the cluster is trusted through NODE_EXTRA_CA_CERTS, as node trusts it', async () => {
    const { kubeconfig, caFile } = withoutCa();
    const env = { KUBECONFIG: kubeconfig, SSL_CERT_FILE: caFile, NODE_EXTRA_CA_CERTS: caFile };
    const r = await helm(
      major,
      ['parallel-hooks', 'install', 'trusted', CHART, '-n', ns, '-f', VALUES, '--hook-parallelism', '2'],
      env,
    );
    assert.is(r.exitCode, 0, r.stderr);
    const state = await releaseState(major, 'trusted', ns);
    assert.is(state?.status, 'deployed');
    const jobs = await kube().batch.listNamespacedJob({ namespace: ns });
    assert.equal(jobs.items.map((j) => j.metadata?.name).sort(), ['pre-a', 'pre-b']);
  });

  s(
    'the same kubeconfig without NODE_EXTRA_CA_CERTS: the plugin refuses the unknown CA, nothing deployed',
    async () => {
      const { kubeconfig, caFile } = withoutCa();
      const env = { KUBECONFIG: kubeconfig, SSL_CERT_FILE: caFile, NODE_EXTRA_CA_CERTS: '' };
      const r = await helm(
        major,
        ['parallel-hooks', 'install', 'untrusted', CHART, '-n', ns, '-f', VALUES, '--hook-parallelism', '2'],
        env,
      );
      assert.is.not(r.exitCode, 0);
      assert.match(r.stderr, /certificate/i);
      assert.is(await releaseState(major, 'untrusted', ns), undefined);
    },
  );

  s.run();
}
