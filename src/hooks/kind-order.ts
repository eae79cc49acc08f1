/**
 * Helm's install order of kinds (releaseutil.InstallOrder). Helm renders hooks in this order, and the plugin
 * creates a tier's "done on creation" objects in it when running in parallel. Helm 4 adds the two webhook
 * configuration kinds at the end; helm 3 sorts them among unknown kinds, alphabetically. The plugin uses
 * helm 4's list for both majors: it only decides the create order inside a parallel tier (N > 1), where
 * helm 3 has no order of its own; at N = 1 hooks follow helm's own render order.
 */
export const INSTALL_ORDER: readonly string[] = [
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

const RANK = new Map(INSTALL_ORDER.map((kind, i) => [kind, i]));

/** Compares two kinds as Helm's install order does: known kinds by rank, unknown kinds last, alphabetically. */
export function compareKinds(a: string, b: string): number {
  const ra = RANK.get(a);
  const rb = RANK.get(b);
  if (ra !== undefined && rb !== undefined) return ra - rb;
  if (ra !== undefined) return -1;
  if (rb !== undefined) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
