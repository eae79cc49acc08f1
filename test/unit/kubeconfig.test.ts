/** KUBECONFIG as client-go reads it: the list, missing files skipped, the first file wins, paths relative to their file. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PluginError } from '../../src/errors.js';
import { helmSettingsFromEnv } from '../../src/helm/env.js';
import { filesFor, kubeconfigFiles, loadKubeconfig } from '../../src/kube/kubeconfig.js';
import { restConfigFromEnv } from '../../src/kube/rest-config.js';

const dir = mkdtempSync(join(tmpdir(), 'hph kubeconfig '));
const file = (name: string, body: unknown) => {
  const p = join(dir, name);
  writeFileSync(p, typeof body === 'string' ? body : JSON.stringify(body));
  return p;
};
const config = (current: string, names: string[]) => ({
  apiVersion: 'v1',
  kind: 'Config',
  'current-context': current,
  clusters: names.map((n) => ({ name: n, cluster: { server: `https://${n}` } })),
  users: names.map((n) => ({ name: n, user: { token: n } })),
  contexts: names.map((n) => ({ name: n, context: { cluster: n, user: n, namespace: `ns-${n}` } })),
});

test('missing files and repeats are dropped; order is kept', () => {
  const a = file('a.yaml', config('a', ['a']));
  const b = file('b.yaml', config('b', ['b']));
  assert.equal(kubeconfigFiles([a, join(dir, 'missing.yaml'), b, a, ''].join(':')), [a, b]);
});

test('the first file sets current-context and wins a name both files define', () => {
  const restricted = file('restricted.yaml', config('restricted', ['restricted', 'shared']));
  const admin = file('admin.yaml', {
    ...config('admin', ['admin', 'shared']),
    contexts: [
      { name: 'shared', context: { cluster: 'admin', user: 'admin' } },
      { name: 'admin', context: { cluster: 'admin', user: 'admin' } },
    ],
  });
  const k = loadKubeconfig([restricted, admin]);
  assert.is(k.currentContext, 'restricted');
  assert.equal(k.contexts.get('shared'), { cluster: 'shared', user: 'shared', namespace: 'ns-shared' });
  assert.ok(k.contexts.has('admin'));
  assert.equal(k.users.get('shared'), { token: 'shared' });
});

test('relative paths are relative to the file that names them; an exec command only when it is a path', () => {
  const sub = join(dir, 'sub');
  mkdirSync(sub, { recursive: true });
  const f = join(sub, 'paths.yaml');
  writeFileSync(
    f,
    JSON.stringify({
      clusters: [{ name: 'c', cluster: { server: 'https://x', 'certificate-authority': 'ca.crt' } }],
      users: [
        { name: 'cert', user: { 'client-certificate': 'certs/u.crt', 'client-key': '/abs/u.key', tokenFile: 'tok' } },
        { name: 'rel', user: { exec: { command: './bin/cred', apiVersion: 'client.authentication.k8s.io/v1' } } },
        { name: 'bare', user: { exec: { command: 'aws', apiVersion: 'client.authentication.k8s.io/v1' } } },
      ],
    }),
  );
  const k = loadKubeconfig([f]);
  assert.is(k.clusters.get('c')?.['certificate-authority'], join(sub, 'ca.crt'));
  assert.is(k.users.get('cert')?.['client-certificate'], join(sub, 'certs/u.crt'));
  assert.is(k.users.get('cert')?.['client-key'], '/abs/u.key');
  assert.is(k.users.get('cert')?.tokenFile, join(sub, 'tok'));
  assert.is(k.users.get('rel')?.exec?.command, join(sub, 'bin/cred'));
  assert.is(k.users.get('bare')?.exec?.command, 'aws', 'a bare name is looked up on PATH');
});

test('client-go field names are kept: tokenFile, as-groups, as-user-extra, exec details, proxy-url', () => {
  const f = file(
    'fields.yaml',
    [
      'clusters:',
      '- name: c',
      '  cluster:',
      '    server: https://x',
      '    proxy-url: http://proxy:3128',
      '    tls-server-name: kubernetes',
      '    disable-compression: true',
      '    extensions:',
      '    - name: client.authentication.k8s.io/exec',
      '      extension: {audience: sts}',
      'users:',
      '- name: u',
      '  user:',
      '    as: alice',
      '    as-groups: [dev, ops]',
      '    as-user-extra: {scopes: [a, b]}',
      '    exec:',
      '      command: cred',
      '      args: [--json]',
      '      env: [{name: A, value: b}]',
      '      apiVersion: client.authentication.k8s.io/v1',
      '      interactiveMode: Never',
      '      provideClusterInfo: true',
      '      installHint: install cred',
    ].join('\n'),
  );
  const k = loadKubeconfig([f]);
  assert.equal(k.clusters.get('c'), {
    server: 'https://x',
    'proxy-url': 'http://proxy:3128',
    'tls-server-name': 'kubernetes',
    'disable-compression': true,
    extensions: { 'client.authentication.k8s.io/exec': { audience: 'sts' } },
  });
  assert.equal(k.users.get('u'), {
    as: 'alice',
    'as-groups': ['dev', 'ops'],
    'as-user-extra': { scopes: ['a', 'b'] },
    exec: {
      command: 'cred',
      args: ['--json'],
      env: [{ name: 'A', value: 'b' }],
      apiVersion: 'client.authentication.k8s.io/v1',
      installHint: 'install cred',
      provideClusterInfo: true,
      interactiveMode: 'Never',
    },
  });
});

test('a YAML error names the file and the place, never the text (a token or key may be on that line)', () => {
  const secret = 'c2VjcmV0LXRva2VuLXZhbHVl';
  const broken = file(
    'broken.yaml',
    `users:\n- name: u\n  user:\n    token: ${secret}\n   client-key-data: [unclosed ${secret}`,
  );
  const error = (() => {
    try {
      loadKubeconfig([broken]);
    } catch (e) {
      return e as Error;
    }
    return undefined;
  })();
  assert.instance(error, PluginError);
  assert.match(error?.message ?? '', /broken\.yaml is not valid YAML \(line \d+, column \d+\)/);
  assert.not.match(`${error?.message} ${(error as PluginError).hint}`, secret);
  assert.is((error as Error).cause, undefined, 'the library error (with its code frame) is not kept');
});

test('an unknown --kube-context is refused before anything runs; no KUBECONFIG means ~/.kube/config', () => {
  const ok = file('ok.yaml', config('a', ['a']));
  const settings = (env: Record<string, string>) => helmSettingsFromEnv({ KUBECONFIG: ok, ...env });
  assert.throws(() => restConfigFromEnv(settings({ HELM_KUBECONTEXT: 'nope' }), {}), /kube context "nope"/);
  assert.is(restConfigFromEnv(settings({ HELM_KUBECONTEXT: 'a' }), {}).server.href, 'https://a/');
  const home = mkdtempSync(join(tmpdir(), 'hph home '));
  assert.equal(filesFor(undefined, home), []);
  mkdirSync(join(home, '.kube'));
  writeFileSync(join(home, '.kube', 'config'), '{}');
  assert.equal(filesFor(undefined, home), [join(home, '.kube', 'config')]);
});

test.run();
