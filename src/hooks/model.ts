/** The hook model: what the plugin knows of one hook, taken from helm's own parse of the chart. */

export const LIFECYCLE_EVENTS = [
  'pre-install',
  'post-install',
  'pre-upgrade',
  'post-upgrade',
  'pre-rollback',
  'post-rollback',
  'pre-delete',
  'post-delete',
] as const;
export type LifecycleEvent = (typeof LIFECYCLE_EVENTS)[number];

export type DeletePolicy = 'before-hook-creation' | 'hook-succeeded' | 'hook-failed';
export type OutputLogPolicy = 'hook-succeeded' | 'hook-failed';

/** Annotation a chart author puts on a hook to keep it out of parallel runs. */
export const SERIAL_ANNOTATION = 'helm-parallel-hooks.io/serial';
/** Annotation a chart author puts on a hook to give it its own wait limit (Go duration, as helm's --timeout). */
export const TIMEOUT_ANNOTATION = 'helm-parallel-hooks.io/timeout';
/** Chart.yaml annotation that caps the parallelism of the chart's hooks. */
export const CHART_CAP_ANNOTATION = 'helm-parallel-hooks.io/max-parallelism';

export interface HookObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string>; [k: string]: unknown };
  [k: string]: unknown;
}

export interface Hook {
  /** metadata.name */
  name: string;
  kind: string;
  apiVersion: string;
  /** The manifest's namespace, else the release namespace (cluster-scoped kinds ignore it). */
  namespace: string;
  /** Template path, e.g. "mychart/templates/migrate.yaml". */
  path: string;
  events: string[];
  /** helm.sh/hook-weight as helm holds it: a Go int64, exact (JSON numbers past 2^53 would round). */
  weight: bigint;
  /** As written in the chart (raw); `effectiveDeletePolicies` applies Helm's default. */
  deletePolicies: string[];
  outputLogPolicies: string[];
  /** Set from discovery for kinds not in CLUSTER_SCOPED_KINDS (custom resources). */
  clusterScoped?: boolean;
  /** The chart author asked for this hook to run alone. */
  serial: boolean;
  /** The chart author's own wait limit for this hook in ms (helm-parallel-hooks.io/timeout), else --timeout. */
  timeoutMs?: number;
  /** Position in helm's render order (kind install order, then file order). */
  renderIndex: number;
  /** The parsed object, for creating it. Never printed: hooks can be Secrets. */
  object: HookObject;
}

/**
 * kind/name (namespace): how a hook is named to a person; a cluster-scoped hook has no namespace. Never
 * the manifest.
 */
export function hookLabel(h: Pick<Hook, 'kind' | 'name' | 'namespace'> & { clusterScoped?: boolean }): string {
  return h.clusterScoped || CLUSTER_SCOPED_KINDS.has(h.kind)
    ? `${h.kind}/${h.name}`
    : `${h.kind}/${h.name} (${h.namespace})`;
}

/**
 * Built-in kinds that have no namespace. A custom resource's scope is known only from discovery; the
 * runner sets `clusterScoped` on such hooks once it has asked.
 */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'StorageClass',
  'CSIDriver',
  'CSINode',
  'VolumeAttachment',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'APIService',
  'PriorityClass',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'IngressClass',
  'RuntimeClass',
  'FlowSchema',
  'PriorityLevelConfiguration',
  'CertificateSigningRequest',
  'DeviceClass',
  'ResourceSlice',
  'StorageVersionMigration',
  'VolumeAttributesClass',
  'IPAddress',
  'ServiceCIDR',
]);

/** Helm gives a hook without delete policy `before-hook-creation`. */
export function effectiveDeletePolicies(h: Pick<Hook, 'deletePolicies'>): string[] {
  return h.deletePolicies.length === 0 ? ['before-hook-creation'] : h.deletePolicies;
}

/** Jobs and Pods are waited for; every other kind is done as soon as it exists. */
export function isWaitedKind(kind: string): boolean {
  return kind === 'Job' || kind === 'Pod';
}
