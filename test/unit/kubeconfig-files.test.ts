/** KUBECONFIG as client-go reads it: the list, missing files skipped, the first file wins. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PluginError } from '../../src/errors.js';
import { checkClusterSettings, kubeconfigFiles, summarizeKubeconfig } from '../../src/kube/kubeconfig-files.js';

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
  const s = summarizeKubeconfig([restricted, admin]);
  assert.is(s.currentContext, 'restricted');
  assert.equal(s.contexts.get('shared'), { cluster: 'shared', user: 'shared', namespace: 'ns-shared' });
  assert.ok(s.contexts.has('admin'));
});

test('an unreadable kubeconfig or an unknown --kube-context is refused before anything runs', () => {
  const broken = file('broken.yaml', 'clusters: [unclosed');
  assert.throws(
    () => checkClusterSettings({ kubeconfig: broken, kubeContext: undefined }),
    (e: Error) => e instanceof PluginError && e.message.includes('broken.yaml'),
  );
  const ok = file('ok.yaml', config('a', ['a']));
  assert.throws(() => checkClusterSettings({ kubeconfig: ok, kubeContext: 'nope' }), /kube context "nope"/);
  checkClusterSettings({ kubeconfig: ok, kubeContext: 'a' });
  checkClusterSettings({ kubeconfig: undefined, kubeContext: undefined });
});

test.run();
