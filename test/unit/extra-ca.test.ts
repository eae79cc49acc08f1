import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { trustExtraCa } from '../../src/kube/extra-ca.js';
import { handedOverExtraCaFile, restoreExtraCaEnv } from '../../src/kube/extra-ca-env.js';

const PEM = '-----BEGIN CERTIFICATE-----\nZXh0cmE=\n-----END CERTIFICATE-----\n';

test('no hand-over: the environment and a connection are left as they are', () => {
  const env: NodeJS.ProcessEnv = { PATH: '/bin' };
  restoreExtraCaEnv(env);
  assert.equal(env, { PATH: '/bin' });
  assert.is(handedOverExtraCaFile(), undefined);
  const options = { rejectUnauthorized: true };
  assert.is(trustExtraCa(options), options);
});

test('an empty hand-over (NODE_EXTRA_CA_CERTS set but empty) restores nothing', () => {
  const env: NodeJS.ProcessEnv = { HELM_PARALLEL_HOOKS_EXTRA_CA_CERTS: '' };
  restoreExtraCaEnv(env);
  assert.equal(env, {});
  assert.is(handedOverExtraCaFile(), undefined);
});

test('the hand-over: NODE_EXTRA_CA_CERTS back for helm, the extra certificates only where node used them', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'hph-ca-')), 'extra.pem');
  writeFileSync(file, PEM);
  const env: NodeJS.ProcessEnv = { HELM_PARALLEL_HOOKS_EXTRA_CA_CERTS: file, PATH: '/bin' };
  restoreExtraCaEnv(env);
  assert.equal(env, { NODE_EXTRA_CA_CERTS: file, PATH: '/bin' });
  assert.is(handedOverExtraCaFile(), file);

  // The kubeconfig's own CA, or verification off: node would not have used the extra file.
  const own = { ca: Buffer.from('own'), rejectUnauthorized: undefined };
  assert.is(trustExtraCa(own), own);
  const insecure = { rejectUnauthorized: false };
  assert.is(trustExtraCa(insecure), insecure);

  // No CA of its own: node's bundled roots plus the extra file, the given options otherwise unchanged.
  const trusted = trustExtraCa({ servername: 'api' } as { servername: string; ca?: unknown });
  assert.is(trusted.servername, 'api');
  const ca = trusted.ca as string[];
  assert.is(ca.length, rootCertificates.length + 1);
  assert.is(ca[ca.length - 1], PEM);
  assert.equal(ca.slice(0, -1), [...rootCertificates]);
});

test.run();
