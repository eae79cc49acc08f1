/**
 * restConfigFor: the connection client-go's clientcmd builds from a merged kubeconfig and helm's overrides
 * (HELM_KUBEAPISERVER, HELM_KUBECAFILE, HELM_KUBEINSECURE_SKIP_TLS_VERIFY, HELM_KUBETLS_SERVER_NAME,
 * HELM_KUBETOKEN, HELM_KUBEASUSER, HELM_KUBEASGROUPS). The kubeconfigs are built by hand (the Kubeconfig type),
 * so each test shows exactly the entry it is about.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PluginError } from '../../src/errors.js';
import { helmSettingsFromEnv } from '../../src/helm/env.js';
import type { KubeCluster, Kubeconfig, KubeUser } from '../../src/kube/kubeconfig.js';
import { type RestConfig, restConfigFor } from '../../src/kube/rest-config.js';

const V1 = 'client.authentication.k8s.io/v1';
const V1BETA1 = 'client.authentication.k8s.io/v1beta1';
const EXEC_EXTENSION = 'client.authentication.k8s.io/exec';

const dir = mkdtempSync(join(tmpdir(), 'hph rest-config '));
const CA_PEM = '-----BEGIN CERTIFICATE-----\nMIIBfakeCAforTests\n-----END CERTIFICATE-----\n';
const OTHER_CA_PEM = '-----BEGIN CERTIFICATE-----\nMIIBanotherFakeCA\n-----END CERTIFICATE-----\n';
const caFile = join(dir, 'ca.crt');
writeFileSync(caFile, CA_PEM);
const b64 = (text: string) => Buffer.from(text).toString('base64');

/** One context "ctx" of cluster "c" and user "u". */
function kubeconfig(cluster: KubeCluster, user: KubeUser = {}): Kubeconfig {
  return {
    files: [],
    currentContext: 'ctx',
    clusters: new Map([['c', cluster]]),
    users: new Map([['u', user]]),
    contexts: new Map([['ctx', { cluster: 'c', user: 'u' }]]),
  };
}

const config = (cluster: KubeCluster, user: KubeUser = {}, env: NodeJS.ProcessEnv = {}): RestConfig =>
  restConfigFor(kubeconfig(cluster, user), helmSettingsFromEnv(env));

/** The PluginError `fn` throws (any other outcome fails the test). */
function refusal(fn: () => unknown): PluginError {
  try {
    fn();
  } catch (error) {
    assert.instance(error, PluginError, `expected a PluginError, got ${String(error)}`);
    return error as PluginError;
  }
  assert.unreachable('expected a PluginError');
  throw new Error('unreachable');
}

const exec = (extra: Partial<NonNullable<KubeUser['exec']>> = {}): KubeUser['exec'] => ({
  command: 'cred',
  apiVersion: V1,
  interactiveMode: 'Never',
  ...extra,
});

// ---------------------------------------------------------------- CA vs insecure-skip-tls-verify

test('--kube-insecure-skip-tls-verify without a CA drops the kubeconfig CA (data and file)', () => {
  const insecure = { HELM_KUBEINSECURE_SKIP_TLS_VERIFY: 'true' };
  const fromData = config({ server: 'https://h:6443', 'certificate-authority-data': b64(CA_PEM) }, {}, insecure);
  assert.is(fromData.tls?.insecure, true);
  assert.is(fromData.tls?.ca, undefined);
  const fromFile = config({ server: 'https://h:6443', 'certificate-authority': caFile }, {}, insecure);
  assert.is(fromFile.tls?.insecure, true);
  assert.is(fromFile.tls?.ca, undefined);
  // Without the override, the same kubeconfig keeps its CA and verifies.
  const plain = config({ server: 'https://h:6443', 'certificate-authority-data': b64(CA_PEM) });
  assert.is(plain.tls?.insecure, false);
  assert.is(plain.tls?.ca?.toString(), CA_PEM);
});

test('--kube-ca-file clears a kubeconfig insecure-skip-tls-verify and replaces its CA data', () => {
  const overrideFile = join(dir, 'override-ca.crt');
  writeFileSync(overrideFile, OTHER_CA_PEM);
  const env = { HELM_KUBECAFILE: overrideFile };
  const wasInsecure = config({ server: 'https://h:6443', 'insecure-skip-tls-verify': true }, {}, env);
  assert.is(wasInsecure.tls?.insecure, false, 'a given CA turns verification back on');
  assert.is(wasInsecure.tls?.ca?.toString(), OTHER_CA_PEM);
  // The kubeconfig's data is replaced, so this is not "both CA file and data".
  const hadData = config({ server: 'https://h:6443', 'certificate-authority-data': b64(CA_PEM) }, {}, env);
  assert.is(hadData.tls?.ca?.toString(), OTHER_CA_PEM);
  assert.is(hadData.tls?.insecure, false);
});

test('a CA together with insecure-skip-tls-verify is refused (override or kubeconfig alone)', () => {
  const both = { HELM_KUBECAFILE: caFile, HELM_KUBEINSECURE_SKIP_TLS_VERIFY: 'true' };
  const fromOverride = refusal(() => config({ server: 'https://h:6443' }, {}, both));
  assert.match(fromOverride.message, 'specifying a root certificates file with the insecure flag is not allowed');
  const fromKubeconfig = refusal(() =>
    config({ server: 'https://h:6443', 'insecure-skip-tls-verify': true, 'certificate-authority-data': b64(CA_PEM) }),
  );
  assert.match(fromKubeconfig.message, 'specifying a root certificates file with the insecure flag is not allowed');
});

test('certificate-authority and certificate-authority-data both in the kubeconfig are refused', () => {
  const error = refusal(() =>
    config({ server: 'https://h:6443', 'certificate-authority': caFile, 'certificate-authority-data': b64(CA_PEM) }),
  );
  assert.match(error.message, 'certificate-authority-data and certificate-authority are both specified for c.');
});

// ---------------------------------------------------------------- server and tls-server-name

test('--kube-apiserver replaces the server and clears tls-server-name unless --kube-tls-server-name is given', () => {
  const cluster = { server: 'https://old:6443', 'tls-server-name': 'api.internal' };
  assert.is(config(cluster).tls?.serverName, 'api.internal', 'kept without an override');
  const moved = config(cluster, {}, { HELM_KUBEAPISERVER: 'https://new:6443' });
  assert.is(moved.server.host, 'new:6443');
  assert.is(moved.host, 'https://new:6443');
  assert.is(moved.tls?.serverName, undefined);
  const named = config(cluster, {}, { HELM_KUBEAPISERVER: 'https://new:6443', HELM_KUBETLS_SERVER_NAME: 'other' });
  assert.is(named.tls?.serverName, 'other');
  const onlyName = config(cluster, {}, { HELM_KUBETLS_SERVER_NAME: 'other' });
  assert.is(onlyName.server.host, 'old:6443');
  assert.is(onlyName.tls?.serverName, 'other');
});

test('http:// and scheme-less servers get no credentials, no CA and no TLS settings', () => {
  const user: KubeUser = { token: 'secret-token', as: 'alice' };
  const cluster = { 'certificate-authority-data': b64(CA_PEM), 'tls-server-name': 'x' };
  const http = config({ ...cluster, server: 'http://h:8080' }, user);
  assert.is(http.server.protocol, 'http:');
  assert.is(http.tls, undefined);
  assert.equal(http.auth, { type: 'none' });
  // Scheme-less: clientcmd decides TLS before the CA is merged, so even with a CA this is http://.
  const bare = config({ ...cluster, server: '10.0.0.1:6443' }, user);
  assert.is(bare.server.protocol, 'http:');
  assert.is(bare.server.host, '10.0.0.1:6443');
  assert.is(bare.tls, undefined);
  assert.equal(bare.auth, { type: 'none' });
  const name = config({ ...cluster, server: 'example.com:6443' }, user);
  assert.is(name.server.href, 'http://example.com:6443/');
  assert.equal(name.auth, { type: 'none' });
  // The same entries on https:// do carry them.
  const https = config({ ...cluster, server: 'https://h:6443' }, user);
  assert.equal(https.auth, { type: 'token', token: 'secret-token', file: undefined });
  assert.is(https.tls?.ca?.toString(), CA_PEM);
});

test('a path in the server is a prefix without its trailing slash; query and fragment are dropped', () => {
  const prefixed = config({ server: 'https://h:6443/k8s/clusters/c-1/?x=1#frag' }, { token: 't' });
  assert.is(prefixed.server.pathname, '/k8s/clusters/c-1');
  assert.is(prefixed.server.search, '');
  assert.is(prefixed.server.hash, '');
  assert.is(prefixed.server.host, 'h:6443');
  const slashes = config({ server: 'https://h:6443/prefix///' }, { token: 't' });
  assert.is(slashes.server.pathname, '/prefix');
  const root = config({ server: 'https://h:6443/' }, { token: 't' });
  assert.is(root.server.pathname, '/');
  assert.is(root.server.origin, 'https://h:6443');
  assert.is(prefixed.host, 'https://h:6443/k8s/clusters/c-1/?x=1#frag', 'host: the server as configured');
});

test('a server that is not a URL is a PluginError (never a TypeError from URL)', () => {
  for (const server of ['https://[not-an-ip', 'http://a b', 'https://', 'ftp://h:21', '::::']) {
    const error = refusal(() => config({ server }, { token: 't' }));
    assert.match(error.message, 'is not a URL or a host:port pair', server);
  }
  const viaOverride = refusal(() => config({ server: 'https://ok' }, {}, { HELM_KUBEAPISERVER: 'https://[::1' }));
  assert.match(viaOverride.message, 'https://[::1');
  const none = refusal(() => config({}, {}));
  assert.match(none.message, 'no server is set for cluster "c"');
});

// ---------------------------------------------------------------- which credential

test('--kube-token is used instead of the exec plugin (which then never runs)', () => {
  const user: KubeUser = { exec: exec() };
  assert.is(config({ server: 'https://h' }, user).auth.type, 'exec');
  const overridden = config({ server: 'https://h' }, user, { HELM_KUBETOKEN: 'from-helm' });
  assert.equal(overridden.auth, { type: 'token', token: 'from-helm', file: undefined });
  // An empty override overrides nothing.
  assert.is(config({ server: 'https://h' }, user, { HELM_KUBETOKEN: '' }).auth.type, 'exec');
});

test('--kube-token keeps the kubeconfig tokenFile (client-go prefers the file at request time)', () => {
  const tokenFile = join(dir, 'token');
  const overridden = config({ server: 'https://h' }, { tokenFile }, { HELM_KUBETOKEN: 'from-helm' });
  assert.equal(overridden.auth, { type: 'token', token: 'from-helm', file: tokenFile });
  assert.equal(config({ server: 'https://h' }, { tokenFile }).auth, { type: 'token', token: '', file: tokenFile });
});

test('a client certificate and key in the kubeconfig mean the exec plugin is not used', () => {
  const certPem = '-----BEGIN CERTIFICATE-----\nclient\n-----END CERTIFICATE-----\n';
  const keyPem = '-----BEGIN PRIVATE KEY-----\nkey\n-----END PRIVATE KEY-----\n';
  const user: KubeUser = { 'client-certificate-data': b64(certPem), 'client-key-data': b64(keyPem), exec: exec() };
  const c = config({ server: 'https://h' }, user);
  assert.equal(c.auth, { type: 'none' });
  assert.is(c.tls?.cert?.toString(), certPem);
  assert.is(c.tls?.key?.toString(), keyPem);
  const keyFile = join(dir, 'client.key');
  writeFileSync(keyFile, keyPem);
  const fromFile = config({ server: 'https://h' }, { 'client-certificate-data': b64(certPem), 'client-key': keyFile });
  assert.is(fromFile.tls?.key?.toString(), keyPem);
  const noKey = refusal(() => config({ server: 'https://h' }, { 'client-certificate-data': b64(certPem) }));
  assert.match(noKey.message, 'client-key-data or client-key must be specified for u');
  const loneKey = config({ server: 'https://h' }, { 'client-key-data': b64(keyPem) });
  assert.is(loneKey.tls?.key, undefined, 'a key without a certificate is ignored');
});

test('token and basic auth together are refused; basic auth alone is used', () => {
  const both = refusal(() => config({ server: 'https://h' }, { token: 't', username: 'a', password: 'b' }));
  assert.match(both.message, 'more than one authentication method found for u; found [token basicAuth]');
  assert.equal(config({ server: 'https://h' }, { username: 'a', password: 'b' }).auth, {
    type: 'basic',
    username: 'a',
    password: 'b',
  });
});

// ---------------------------------------------------------------- impersonation

test('--kube-as-user / --kube-as-group replace the kubeconfig impersonation; user-extra is kept', () => {
  const user: KubeUser = {
    token: 't',
    as: 'bob',
    'as-uid': '1001',
    'as-groups': ['kube-group'],
    'as-user-extra': { scopes: ['read'] },
  };
  assert.equal(config({ server: 'https://h' }, user).impersonate, {
    user: 'bob',
    uid: '1001',
    groups: ['kube-group'],
    extra: { scopes: ['read'] },
  });
  const overridden = config({ server: 'https://h' }, user, { HELM_KUBEASUSER: 'alice', HELM_KUBEASGROUPS: 'dev,ops' });
  assert.equal(overridden.impersonate, {
    user: 'alice',
    uid: '1001',
    groups: ['dev', 'ops'],
    extra: { scopes: ['read'] },
  });
  assert.is(config({ server: 'https://h' }, { token: 't' }).impersonate, undefined);
});

test('impersonated groups, uid or user-extra without a user are refused', () => {
  const message = 'requesting uid, groups or user-extra for u without impersonating a user';
  const groups = refusal(() => config({ server: 'https://h' }, { token: 't' }, { HELM_KUBEASGROUPS: 'dev' }));
  assert.match(groups.message, message);
  assert.match(refusal(() => config({ server: 'https://h' }, { token: 't', 'as-uid': '7' })).message, message);
  const extra = refusal(() => config({ server: 'https://h' }, { token: 't', 'as-user-extra': { k: ['v'] } }));
  assert.match(extra.message, message);
  // With the user from the override, the kubeconfig's groups become valid.
  const ok = config({ server: 'https://h' }, { token: 't', 'as-groups': ['g'] }, { HELM_KUBEASUSER: 'alice' });
  assert.equal(ok.impersonate?.groups, ['g']);
});

// ---------------------------------------------------------------- exec plugin configuration

test('an exec plugin of apiVersion v1 must set interactiveMode; v1beta1 defaults to IfAvailable', () => {
  const missing = refusal(() =>
    config({ server: 'https://h' }, { exec: { command: 'cred', apiVersion: V1 } as KubeUser['exec'] }),
  );
  assert.match(missing.message, 'interactiveMode must be specified for u to use exec authentication plugin');
  const beta = config({ server: 'https://h' }, { exec: { command: 'cred', apiVersion: V1BETA1 } });
  assert.is(beta.auth.type, 'exec');
  assert.is(beta.auth.type === 'exec' ? beta.auth.exec.interactiveMode : undefined, 'IfAvailable');
  const given = config({ server: 'https://h' }, { exec: exec({ apiVersion: V1BETA1, interactiveMode: 'Never' }) });
  assert.is(given.auth.type === 'exec' ? given.auth.exec.interactiveMode : undefined, 'Never');
});

test('exec plugin validation: bad interactiveMode, unknown apiVersion, missing command or apiVersion', () => {
  const mode = refusal(() => config({ server: 'https://h' }, { exec: exec({ interactiveMode: 'Sometimes' }) }));
  assert.match(mode.message, 'invalid interactiveMode for u: "Sometimes"');
  const alpha = refusal(() =>
    config({ server: 'https://h' }, { exec: exec({ apiVersion: 'client.authentication.k8s.io/v1alpha1' }) }),
  );
  assert.match(alpha.message, 'client.authentication.k8s.io/v1alpha1');
  const noCommand = refusal(() => config({ server: 'https://h' }, { exec: exec({ command: '' }) }));
  assert.match(noCommand.message, 'command must be specified for u to use exec authentication plugin');
  const noVersion = refusal(() => config({ server: 'https://h' }, { exec: exec({ apiVersion: '' }) }));
  assert.match(noVersion.message, 'apiVersion must be specified for u to use exec authentication plugin');
  const both = refusal(() =>
    config({ server: 'https://h' }, { exec: exec(), 'auth-provider': { name: 'oidc', config: {} } }),
  );
  assert.match(both.message, 'exec and auth-provider');
});

test('provideClusterInfo hands the plugin the cluster: server, CA data (base64), tls-server-name, proxy, extension', () => {
  const extension = { audience: 'sts.amazonaws.com', nested: { list: [1, 2] } };
  // The kubeconfig's data with line breaks: the plugin gets the bytes, base64 encoded again.
  const wrapped = b64(CA_PEM).replace(/(.{16})/g, '$1\n');
  const c = config(
    {
      server: 'https://h:6443/prefix',
      'certificate-authority-data': wrapped,
      'tls-server-name': 'api.internal',
      'proxy-url': 'http://proxy.corp:3128',
      'disable-compression': true,
      extensions: { [EXEC_EXTENSION]: extension, other: { ignored: true } },
    },
    { exec: exec({ provideClusterInfo: true }) },
  );
  assert.is(c.auth.type, 'exec');
  if (c.auth.type !== 'exec') return;
  assert.equal(c.auth.cluster, {
    server: 'https://h:6443/prefix',
    'tls-server-name': 'api.internal',
    'certificate-authority-data': Buffer.from(CA_PEM).toString('base64'),
    'proxy-url': 'http://proxy.corp:3128',
    'disable-compression': true,
    config: extension,
  });
  assert.is(c.auth.user, 'u');
});

test('provideClusterInfo: the CA file is read in, insecure is passed, no extension means no config', () => {
  const fromFile = config(
    { server: 'https://h:6443', 'certificate-authority': caFile },
    { exec: exec({ provideClusterInfo: true }) },
  );
  assert.equal(fromFile.auth.type === 'exec' ? fromFile.auth.cluster : 'not exec', {
    server: 'https://h:6443',
    'certificate-authority-data': Buffer.from(CA_PEM).toString('base64'),
  });
  const insecure = config(
    { server: 'https://h:6443', 'insecure-skip-tls-verify': true },
    { exec: exec({ provideClusterInfo: true }) },
  );
  assert.equal(insecure.auth.type === 'exec' ? insecure.auth.cluster : 'not exec', {
    server: 'https://h:6443',
    'insecure-skip-tls-verify': true,
  });
  const without = config({ server: 'https://h:6443', 'certificate-authority': caFile }, { exec: exec() });
  assert.is(without.auth.type === 'exec' ? without.auth.cluster : 'not exec', undefined);
});

// ---------------------------------------------------------------- auth providers

test('the removed gcp and azure auth-providers are refused, pointing to their exec plugins; oidc is kept', () => {
  const gcp = refusal(() => config({ server: 'https://h' }, { 'auth-provider': { name: 'gcp', config: {} } }));
  assert.match(gcp.message, 'gcp auth-provider of user "u" has been removed');
  assert.match(gcp.hint ?? '', 'gke-gcloud-auth-plugin');
  const azure = refusal(() => config({ server: 'https://h' }, { 'auth-provider': { name: 'azure', config: {} } }));
  assert.match(azure.message, 'azure auth-provider of user "u" has been removed');
  assert.match(azure.hint ?? '', 'kubelogin');
  const unknown = refusal(() => config({ server: 'https://h' }, { 'auth-provider': { name: 'custom' } }));
  assert.match(unknown.message, 'no Auth Provider found for name "custom"');
  const withToken = refusal(() =>
    config({ server: 'https://h' }, { token: 't', 'auth-provider': { name: 'gcp', config: {} } }),
  );
  assert.match(withToken.message, 'gcp auth-provider', 'refused even beside a token, as client-go builds it');
  const oidcConfig = { 'idp-issuer-url': 'https://issuer', 'client-id': 'cli' };
  assert.equal(config({ server: 'https://h' }, { 'auth-provider': { name: 'oidc', config: oidcConfig } }).auth, {
    type: 'oidc',
    config: oidcConfig,
    user: 'u',
  });
});

test('helmSettingsFromEnv: HELM_KUBEINSECURE_SKIP_TLS_VERIFY parses as a bool, empty values are unset', () => {
  assert.is(helmSettingsFromEnv({ HELM_KUBEINSECURE_SKIP_TLS_VERIFY: 'true' }).kubeInsecureSkipTlsVerify, true);
  assert.is(helmSettingsFromEnv({ HELM_KUBEINSECURE_SKIP_TLS_VERIFY: '1' }).kubeInsecureSkipTlsVerify, true);
  assert.is(helmSettingsFromEnv({ HELM_KUBEINSECURE_SKIP_TLS_VERIFY: 'false' }).kubeInsecureSkipTlsVerify, false);
  assert.is(helmSettingsFromEnv({ HELM_KUBEINSECURE_SKIP_TLS_VERIFY: 'bogus' }).kubeInsecureSkipTlsVerify, false);
  const empty = helmSettingsFromEnv({ HELM_KUBEAPISERVER: '', HELM_KUBETOKEN: '', HELM_KUBEASGROUPS: '' });
  assert.is(empty.kubeApiServer, undefined);
  assert.is(empty.kubeToken, undefined);
  assert.equal(empty.kubeAsGroups, []);
});

test.run();
