/**
 * The connection helm makes, decided as client-go decides it (docs/CREDENTIALS.md) from the merged kubeconfig
 * and helm's global settings (--kube-context, --kube-apiserver, --kube-token, --kube-ca-file,
 * --kube-insecure-skip-tls-verify, --kube-tls-server-name, --kube-as-user, --kube-as-group and their HELM_*
 * variables). Pure but for reading the files the kubeconfig names (CA, client certificate and key), which
 * client-go also reads when it builds its client, before the first request.
 */
import { existsSync, readFileSync } from 'node:fs';
import { PluginError } from '../errors.js';
import type { HelmSettings } from '../helm/env.js';
import {
  type ExecConfig,
  filesFor,
  type KubeCluster,
  type Kubeconfig,
  type KubeUser,
  loadKubeconfig,
} from './kubeconfig.js';

export interface TlsSettings {
  /** PEM bytes of the CA bundle to trust; undefined: the system's (node's) roots. */
  ca: Buffer | undefined;
  insecure: boolean;
  serverName: string | undefined;
  /** A static client certificate (an exec plugin's comes later, per credential). */
  cert: Buffer | undefined;
  key: Buffer | undefined;
}

export type AuthConfig =
  | { type: 'none' }
  | { type: 'token'; token: string; file: string | undefined }
  | { type: 'basic'; username: string; password: string }
  | { type: 'exec'; exec: ExecConfig; cluster: ExecClusterInfo | undefined; user: string }
  | { type: 'oidc'; config: Record<string, string>; user: string };

/** spec.cluster of KUBERNETES_EXEC_INFO (client.authentication.k8s.io Cluster, JSON names). */
export interface ExecClusterInfo {
  server: string;
  'tls-server-name'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'certificate-authority-data'?: string;
  'proxy-url'?: string;
  'disable-compression'?: boolean;
  config?: unknown;
}

export interface Impersonation {
  user: string;
  uid: string | undefined;
  groups: string[];
  extra: Record<string, string[]>;
}

export interface RestConfig {
  /** scheme, host, port and path prefix, without a trailing slash: request paths are appended. */
  server: URL;
  /** The server as configured (what an exec plugin is told). */
  host: string;
  /** undefined for an http:// server: client-go then sends no credentials and no client certificate. */
  tls: TlsSettings | undefined;
  auth: AuthConfig;
  impersonate: Impersonation | undefined;
  /** The cluster's proxy-url; without it, HTTPS_PROXY / HTTP_PROXY / NO_PROXY decide (transport.ts). */
  proxyUrl: string | undefined;
  /** For messages: which kubeconfig entries were used. */
  contextName: string | undefined;
  userName: string | undefined;
}

const EXEC_API_VERSIONS = new Set(['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1']);
const INTERACTIVE_MODES = new Set(['Never', 'IfAvailable', 'Always']);
/** The extension whose value client-go hands an exec plugin as spec.cluster.config. */
const EXEC_EXTENSION = 'client.authentication.k8s.io/exec';

function invalid(reason: string): PluginError {
  return new PluginError(`invalid kubeconfig: ${reason}; nothing was run`, {
    hint: 'helm refuses this kubeconfig too: fix the entry named above (kubectl config view shows it, without secrets).',
  });
}

/** The in-cluster service account (a pod's helm without a kubeconfig), where client-go would use it. */
export interface InCluster {
  host: string;
  port: string;
  tokenFile: string;
  caFile: string;
}

const SERVICE_ACCOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

/** client-go's in-cluster configuration, when this process runs in a pod with a service account token. */
export function inClusterOf(env: NodeJS.ProcessEnv): InCluster | undefined {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  const tokenFile = `${SERVICE_ACCOUNT}/token`;
  if (!host || !port || !existsSync(tokenFile)) return undefined;
  return { host, port, tokenFile, caFile: `${SERVICE_ACCOUNT}/ca.crt` };
}

/** The connection helm would make, from helm's settings and environment (files read, nothing sent). */
export function restConfigFromEnv(settings: HelmSettings, env: NodeJS.ProcessEnv): RestConfig {
  return restConfigFor(loadKubeconfig(filesFor(settings.kubeconfig)), settings, inClusterOf(env));
}

export function restConfigFor(kc: Kubeconfig, settings: HelmSettings, inCluster?: InCluster): RestConfig {
  const contextName = settings.kubeContext ?? kc.currentContext;
  const context = contextName === undefined ? undefined : kc.contexts.get(contextName);
  if (settings.kubeContext && !context) {
    throw new PluginError(`kube context "${settings.kubeContext}" is not in the kubeconfig; nothing was run`, {
      hint: 'Check --kube-context against `kubectl config get-contexts`.',
    });
  }
  const clusterName = context?.cluster;
  const userName = context?.user;
  let cluster: KubeCluster = { ...(clusterName ? kc.clusters.get(clusterName) : undefined) };
  let user: KubeUser = { ...(userName ? kc.users.get(userName) : undefined) };

  const empty = kc.clusters.size === 0 && kc.users.size === 0 && kc.contexts.size === 0;
  if (empty && inCluster) {
    // client-go's fallback when no kubeconfig says anything: the pod's service account.
    cluster = {
      server: `https://${joinHostPort(inCluster.host, inCluster.port)}`,
      'certificate-authority': inCluster.caFile,
    };
    user = { tokenFile: inCluster.tokenFile };
  }

  // helm's overrides, merged as clientcmd merges ConfigOverrides (an empty value overrides nothing).
  // A server override also replaces the kubeconfig's tls-server-name (with --kube-tls-server-name, or none).
  if (settings.kubeApiServer) cluster.server = settings.kubeApiServer;
  if (settings.kubeTlsServerName || settings.kubeApiServer) cluster['tls-server-name'] = settings.kubeTlsServerName;
  if (settings.kubeInsecureSkipTlsVerify || settings.kubeCaFile) {
    // An override of the CA or of insecure-skip-tls-verify replaces all three: a given CA turns verification
    // back on; an insecure override without a CA drops the kubeconfig's CA.
    cluster['insecure-skip-tls-verify'] = settings.kubeInsecureSkipTlsVerify;
    cluster['certificate-authority'] = settings.kubeCaFile;
    delete cluster['certificate-authority-data'];
  }
  if (settings.kubeToken) user.token = settings.kubeToken;
  if (settings.kubeAsUser) user.as = settings.kubeAsUser;
  if (settings.kubeAsGroups.length > 0) user['as-groups'] = [...settings.kubeAsGroups];

  const host = cluster.server ?? '';
  if (host === '') {
    throw new PluginError(
      empty
        ? 'no Kubernetes cluster is configured: no kubeconfig and no --kube-apiserver; nothing was run'
        : `no server is set for cluster "${clusterName ?? ''}" of context "${contextName ?? ''}"; nothing was run`,
      { hint: 'Pass --kubeconfig or --kube-context to helm, or set KUBECONFIG, as for any helm command.' },
    );
  }
  validateUser(user, userName ?? '');
  if (cluster['certificate-authority'] && cluster['certificate-authority-data']) {
    throw invalid(
      `certificate-authority-data and certificate-authority are both specified for ${clusterName ?? ''}. certificate-authority-data will override.`,
    );
  }
  const proxy = cluster['proxy-url'];
  if (proxy && !/^(https?|socks5):\/\/[^/]/i.test(proxy)) {
    throw invalid(`invalid 'proxy-url' for cluster "${clusterName ?? ''}": it must be an http, https or socks5 URL`);
  }

  const server = serverUrl(host);
  const impersonate = user.as
    ? { user: user.as, uid: user['as-uid'], groups: user['as-groups'] ?? [], extra: user['as-user-extra'] ?? {} }
    : undefined;
  const base = { server, host, impersonate, proxyUrl: cluster['proxy-url'], contextName, userName };
  // client-go reads credentials and TLS settings only for an https server.
  if (server.protocol !== 'https:') return { ...base, tls: undefined, auth: { type: 'none' } };

  const tls = tlsOf(cluster, user, clusterName ?? '', userName ?? '');
  return { ...base, tls, auth: authOf(user, userName ?? '', host, tls, cluster) };
}

function joinHostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * client-go's server URL: a URL, or host[:port] (then http://, since no TLS setting is in force at that
 * point of clientcmd); a path is a prefix for every request; no query or fragment.
 */
export function serverUrl(host: string): URL {
  let url: URL | undefined;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(host)) {
    try {
      url = new URL(host);
    } catch {
      url = undefined;
    }
  } else {
    try {
      url = new URL(`http://${host}`);
      // host[:port] only: a path needs a scheme (client-go: "host must be a URL or a host:port pair").
      if (url.pathname !== '/' || url.search || url.hash) url = undefined;
    } catch {
      url = undefined;
    }
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.hostname === '') {
    throw new PluginError(`the Kubernetes API server "${host}" is not a URL or a host:port pair; nothing was run`, {
      hint: 'Set the cluster server (or --kube-apiserver) to https://HOST:PORT.',
    });
  }
  const prefix = url.pathname.replace(/\/+$/, '');
  return new URL(`${url.protocol}//${url.host}${prefix}`);
}

function readFile(path: string, what: string, owner: string): Buffer {
  try {
    return readFileSync(path);
  } catch (cause) {
    throw invalid(`unable to read ${what} ${path} for ${owner} (${(cause as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

function base64(value: string, what: string, owner: string): Buffer {
  const clean = value.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) throw invalid(`${what} of ${owner} is not base64`);
  return Buffer.from(clean, 'base64');
}

function tlsOf(cluster: KubeCluster, user: KubeUser, clusterName: string, userName: string): TlsSettings {
  const caData = cluster['certificate-authority-data'];
  const ca = caData
    ? base64(caData, 'certificate-authority-data', `cluster "${clusterName}"`)
    : cluster['certificate-authority']
      ? readFile(cluster['certificate-authority'], 'certificate-authority', `cluster "${clusterName}"`)
      : undefined;
  const insecure = cluster['insecure-skip-tls-verify'] === true;
  if (insecure && ca !== undefined) {
    throw invalid(
      `cluster "${clusterName}" sets insecure-skip-tls-verify and a certificate authority (client-go: "specifying a root certificates file with the insecure flag is not allowed")`,
    );
  }
  const owner = `user "${userName}"`;
  const certData = user['client-certificate-data'];
  const keyData = user['client-key-data'];
  const cert = certData
    ? base64(certData, 'client-certificate-data', owner)
    : user['client-certificate']
      ? readFile(user['client-certificate'], 'client-certificate', owner)
      : undefined;
  const key = keyData
    ? base64(keyData, 'client-key-data', owner)
    : user['client-key']
      ? readFile(user['client-key'], 'client-key', owner)
      : undefined;
  // A key without a certificate is ignored (client-go only reads the key for a certificate).
  if (cert !== undefined && key === undefined)
    throw invalid(
      `client-key-data or client-key must be specified for ${userName} to use the clientCert authentication method.`,
    );
  return {
    ca,
    insecure,
    serverName: cluster['tls-server-name'] || undefined,
    cert,
    key: cert === undefined ? undefined : key,
  };
}

function validateUser(user: KubeUser, name: string): void {
  const owner = `user "${name}"`;
  if (user.exec && user['auth-provider'])
    throw invalid(`${owner} has both exec and auth-provider; only one authentication plugin is allowed`);
  const exec = user.exec;
  if (exec) {
    if (!exec.command) throw invalid(`command must be specified for ${name} to use exec authentication plugin`);
    if (!exec.apiVersion) throw invalid(`apiVersion must be specified for ${name} to use exec authentication plugin`);
    if (!EXEC_API_VERSIONS.has(exec.apiVersion))
      throw invalid(
        `exec plugin of ${owner}: unsupported apiVersion "${exec.apiVersion}" (client-go supports v1 and v1beta1)`,
      );
    for (const e of exec.env ?? [])
      if (!e.name) throw invalid(`env variable name must be specified for ${name} to use exec authentication plugin`);
    if (exec.interactiveMode === undefined || exec.interactiveMode === '') {
      // client-go defaults v1beta1 to IfAvailable; v1 must say it.
      if (exec.apiVersion === 'client.authentication.k8s.io/v1')
        throw invalid(`interactiveMode must be specified for ${name} to use exec authentication plugin`);
    } else if (!INTERACTIVE_MODES.has(exec.interactiveMode)) {
      throw invalid(`invalid interactiveMode for ${name}: "${exec.interactiveMode}"`);
    }
  }
  if ((user.token || user.tokenFile) && (user.username || user.password))
    throw invalid(
      `more than one authentication method found for ${name}; found [token basicAuth], only one is allowed`,
    );
  const extra = user['as-user-extra'] ?? {};
  if (!user.as && (user['as-uid'] || (user['as-groups'] ?? []).length > 0 || Object.keys(extra).length > 0))
    throw invalid(`requesting uid, groups or user-extra for ${name} without impersonating a user`);
}

function authOf(user: KubeUser, name: string, host: string, tls: TlsSettings, cluster: KubeCluster): AuthConfig {
  // An auth-provider is built (and refused) whatever else the user has, as client-go builds it.
  const provider = user['auth-provider'];
  if (provider) checkProvider(provider, name);
  // A token, basic auth or a client certificate is used as given: an exec plugin then never runs (client-go).
  if (user.token || user.tokenFile)
    return { type: 'token', token: user.token ?? '', file: user.tokenFile || undefined };
  if (user.username || user.password)
    return { type: 'basic', username: user.username ?? '', password: user.password ?? '' };
  if (provider) return { type: 'oidc', config: provider.config ?? {}, user: name };
  if (tls.cert) return { type: 'none' };
  if (user.exec) {
    const info: ExecClusterInfo | undefined = user.exec.provideClusterInfo
      ? execClusterInfo(host, tls, cluster)
      : undefined;
    return {
      type: 'exec',
      exec: { ...user.exec, interactiveMode: user.exec.interactiveMode || 'IfAvailable' },
      cluster: info,
      user: name,
    };
  }
  return { type: 'none' };
}

/** Only oidc is an auth-provider helm's client-go still has; gcp and azure were removed from it. */
function checkProvider(provider: { name: string; config?: Record<string, string> }, name: string): void {
  if (provider.name === 'oidc') {
    const config = provider.config ?? {};
    const missing = !config['idp-issuer-url'] ? 'idp-issuer-url' : !config['client-id'] ? 'client-id' : undefined;
    if (missing) {
      throw new PluginError(`the OIDC auth-provider of user "${name}": Must provide ${missing}; nothing was run`, {
        hint: 'helm fails the same way: fix the auth-provider entry in the kubeconfig.',
      });
    }
    return;
  }
  const replacement =
    provider.name === 'gcp'
      ? 'the "gke-gcloud-auth-plugin" exec credential plugin'
      : provider.name === 'azure'
        ? 'the kubelogin exec credential plugin (https://github.com/Azure/kubelogin)'
        : undefined;
  throw new PluginError(
    replacement
      ? `the ${provider.name} auth-provider of user "${name}" has been removed from helm's client library; nothing was run`
      : `no Auth Provider found for name "${provider.name}" (user "${name}"); nothing was run`,
    {
      hint: replacement
        ? `Use ${replacement} in the kubeconfig (helm refuses it too).`
        : 'Use an exec credential plugin in the kubeconfig.',
    },
  );
}

function execClusterInfo(host: string, tls: TlsSettings, cluster: KubeCluster): ExecClusterInfo {
  // rest.Config's Host: a URL with a path keeps it, without query or fragment.
  const info: ExecClusterInfo = {
    server: /^[a-z][a-z0-9+.-]*:\/\/[^/]+\/./i.test(host) ? host.replace(/[?#].*$/, '') : host,
  };
  if (tls.serverName) info['tls-server-name'] = tls.serverName;
  if (tls.insecure) info['insecure-skip-tls-verify'] = true;
  if (tls.ca) info['certificate-authority-data'] = tls.ca.toString('base64');
  if (cluster['proxy-url']) info['proxy-url'] = cluster['proxy-url'];
  if (cluster['disable-compression']) info['disable-compression'] = true;
  const extension = cluster.extensions?.[EXEC_EXTENSION];
  if (extension !== undefined) info.config = extension;
  return info;
}
