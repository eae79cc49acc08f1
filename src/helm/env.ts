/**
 * Helm's global settings as a plugin receives them: helm strips its global flags from the plugin's
 * arguments and passes them in the environment (docs/HELM-SEMANTICS.md §6). Child helm processes inherit the
 * same variables, so they talk to the same cluster; the Kubernetes client is built from the same values.
 */
export interface HelmSettings {
  bin: string;
  namespace: string | undefined;
  kubeContext: string | undefined;
  kubeconfig: string | undefined;
  kubeToken: string | undefined;
  kubeApiServer: string | undefined;
  kubeCaFile: string | undefined;
  kubeInsecureSkipTlsVerify: boolean;
  kubeTlsServerName: string | undefined;
  kubeAsUser: string | undefined;
  kubeAsGroups: string[];
  debug: boolean;
  /** HELM_QPS / HELM_BURST_LIMIT: helm's client-side rate limit (0: none set). */
  qps: number;
  burst: number;
}

const nonEmpty = (v: string | undefined) => (v === undefined || v === '' ? undefined : v);
/** Go's strconv.ParseBool, as helm reads its boolean variables (anything else: false). */
export const truthy = (v: string | undefined) => v !== undefined && /^(1|t|T|TRUE|true|True)$/.test(v);
/** helm's envCSV: the value trimmed of commas and spaces at its ends, split at commas (items kept as they are). */
const csv = (v: string | undefined) => {
  const trimmed = (v ?? '').replace(/^[, ]+|[, ]+$/g, '');
  return trimmed === '' ? [] : trimmed.split(',');
};

export function helmSettingsFromEnv(env: NodeJS.ProcessEnv): HelmSettings {
  return {
    bin: nonEmpty(env.HELM_BIN) ?? 'helm',
    namespace: nonEmpty(env.HELM_NAMESPACE),
    kubeContext: nonEmpty(env.HELM_KUBECONTEXT),
    kubeconfig: nonEmpty(env.KUBECONFIG),
    kubeToken: nonEmpty(env.HELM_KUBETOKEN),
    kubeApiServer: nonEmpty(env.HELM_KUBEAPISERVER),
    kubeCaFile: nonEmpty(env.HELM_KUBECAFILE),
    kubeInsecureSkipTlsVerify: truthy(env.HELM_KUBEINSECURE_SKIP_TLS_VERIFY),
    kubeTlsServerName: nonEmpty(env.HELM_KUBETLS_SERVER_NAME),
    kubeAsUser: nonEmpty(env.HELM_KUBEASUSER),
    kubeAsGroups: csv(env.HELM_KUBEASGROUPS),
    debug: truthy(env.HELM_DEBUG),
    qps: Math.max(Number(env.HELM_QPS) || 0, 0),
    burst: Number(env.HELM_BURST_LIMIT) > 0 ? Number(env.HELM_BURST_LIMIT) : 100,
  };
}
