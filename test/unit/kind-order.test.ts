/**
 * compareKinds: helm's install order of kinds. The expected order is docs/HELM-SEMANTICS.md §2, checked against
 * the real binaries: `helm template` of hooks of the kinds below prints, with helm 4.1.4,
 *   PriorityClass Namespace ServiceAccount Secret ConfigMap Job IngressClass APIService
 *   MutatingWebhookConfiguration ValidatingWebhookConfiguration Alpha Zeta
 * (helm 3.18.0 prints the same, except that it does not know the two webhook kinds and sorts them among the
 * unknown kinds: ... APIService Alpha MutatingWebhookConfiguration ValidatingWebhookConfiguration Zeta).
 * PriorityClass comes first in both binaries (the binaries list it there).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compareKinds } from '../../src/hooks/kind-order.js';

/** docs/HELM-SEMANTICS.md §2, with PriorityClass (from the binaries) in front and helm 4's webhook kinds. */
const HELM_ORDER = [
  'PriorityClass',
  'Namespace',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'PodSecurityPolicy',
  'PodDisruptionBudget',
  'ServiceAccount',
  'Secret',
  'SecretList',
  'ConfigMap',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleList',
  'ClusterRoleBinding',
  'ClusterRoleBindingList',
  'Role',
  'RoleList',
  'RoleBinding',
  'RoleBindingList',
  'Service',
  'DaemonSet',
  'Pod',
  'ReplicationController',
  'ReplicaSet',
  'Deployment',
  'HorizontalPodAutoscaler',
  'StatefulSet',
  'Job',
  'CronJob',
  'IngressClass',
  'Ingress',
  'APIService',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
];

/** Deterministic shuffle, so the sort has real work to do. */
function shuffled<T>(items: readonly T[], seed = 7): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

test("known kinds sort in helm's install order", () => {
  for (let i = 0; i + 1 < HELM_ORDER.length; i++) {
    const a = HELM_ORDER[i] as string;
    const b = HELM_ORDER[i + 1] as string;
    assert.ok(compareKinds(a, b) < 0, `${a} before ${b}`);
    assert.ok(compareKinds(b, a) > 0, `${b} after ${a}`);
  }
  for (const seed of [1, 7, 42]) assert.equal(shuffled(HELM_ORDER, seed).sort(compareKinds), HELM_ORDER);
});

test('the order helm 4.1.4 itself printed for hooks of these kinds', () => {
  const kinds = [
    'Zeta',
    'Job',
    'ValidatingWebhookConfiguration',
    'MutatingWebhookConfiguration',
    'APIService',
    'IngressClass',
    'Alpha',
    'Namespace',
    'PriorityClass',
    'ConfigMap',
    'ServiceAccount',
    'Secret',
  ];
  assert.equal([...kinds].sort(compareKinds), [
    'PriorityClass',
    'Namespace',
    'ServiceAccount',
    'Secret',
    'ConfigMap',
    'Job',
    'IngressClass',
    'APIService',
    'MutatingWebhookConfiguration',
    'ValidatingWebhookConfiguration',
    'Alpha',
    'Zeta',
  ]);
});

test('unknown kinds come after every known kind, alphabetically (byte order)', () => {
  for (const known of HELM_ORDER) {
    for (const unknown of ['AAA', 'Certificate', 'ZZZ', 'job', 'configmap']) {
      assert.ok(compareKinds(known, unknown) < 0, `${known} before ${unknown}`);
      assert.ok(compareKinds(unknown, known) > 0, `${unknown} after ${known}`);
    }
  }
  assert.equal(['Zeta', 'alpha', 'Beta', 'Job', 'Alpha'].sort(compareKinds), ['Job', 'Alpha', 'Beta', 'Zeta', 'alpha']);
});

test('a kind equals itself; equal kinds keep their order in a stable sort', () => {
  for (const k of [...HELM_ORDER, 'Unknown']) assert.is(compareKinds(k, k), 0);
  const items = [
    { kind: 'ConfigMap', n: 1 },
    { kind: 'Secret', n: 2 },
    { kind: 'ConfigMap', n: 3 },
    { kind: 'Foo', n: 4 },
    { kind: 'Secret', n: 5 },
    { kind: 'Foo', n: 6 },
  ];
  assert.equal(
    items.sort((a, b) => compareKinds(a.kind, b.kind)).map((i) => i.n),
    [2, 5, 1, 3, 4, 6],
  );
});

test.run();
