/**
 * The Kubernetes client configuration, built from exactly what helm uses: KUBECONFIG (helm sets it for
 * --kubeconfig), HELM_KUBECONTEXT, and the HELM_KUBE* overrides of the API server, token, CA, TLS name and
 * impersonated user.
 */
import { createHash, type Hash } from 'node:crypto';
import { type AgentOptions, Agent as HttpsAgent } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import type { Cluster, Context, User } from '@kubernetes/client-node/dist/config_types.js';
import { PluginError } from '../errors.js';
import type { HelmSettings } from '../helm/env.js';
import { trustExtraCa } from './extra-ca.js';
import { kubeconfigFiles } from './kubeconfig-files.js';

export function kubeConfigFor(settings: HelmSettings): KubeConfig {
  return impersonateGroups(reuseConnections(load(settings)), settings.kubeAsGroups);
}

/**
 * --kube-as-group: one Impersonate-Group header per group on every request (the JSON client and the
 * watches both take their headers from applyToHTTPSOptions; an array becomes repeated headers).
 */
function impersonateGroups(kc: KubeConfig, groups: readonly string[]): KubeConfig {
  if (groups.length === 0) return kc;
  const apply = kc.applyToHTTPSOptions.bind(kc);
  kc.applyToHTTPSOptions = async (opts) => {
    await apply(opts);
    (opts as { headers?: Record<string, unknown> }).headers = {
      ...(opts.headers ?? {}),
      'Impersonate-Group': [...groups],
    };
  };
  return kc;
}

type AgentFactory = (cluster: Cluster | null, options: AgentOptions) => unknown;

/**
 * client-node builds a new https.Agent for every request, so every request pays a TLS handshake and its
 * memory (500 hooks: ~1000 handshakes). One keep-alive agent per distinct TLS setting serves them all.
 * Proxied clusters keep client-node's own agents.
 */
function reuseConnections(kc: KubeConfig): KubeConfig {
  const target = kc as unknown as { createAgent: AgentFactory };
  const original = target.createAgent.bind(kc);
  const agents = new Map<string, HttpsAgent>();
  target.createAgent = (cluster, given) => {
    const options = cluster?.server.startsWith('https:') ? trustExtraCa(given) : given;
    if (!cluster?.server.startsWith('https:') || cluster.proxyUrl) return original(cluster, options);
    const key = agentKey(cluster.server, options);
    let agent = agents.get(key);
    if (!agent) {
      agent = new HttpsAgent({ ...options, keepAlive: true });
      agents.set(key, agent);
      requestAgents.set(agent, new HttpsAgent({ ...options, keepAlive: true, maxSockets: REQUEST_SOCKETS }));
    }
    return agent;
  };
  return kc;
}

/**
 * Which agent serves these settings. Called for every request with freshly read certificates, so it hashes
 * Buffers as bytes: JSON of a Buffer is an array of numbers (measured: ~3 ms a request with a CA bundle).
 */
function agentKey(server: string, options: AgentOptions): string {
  const hash = createHash('sha256').update(server);
  for (const [name, value] of Object.entries(options)) {
    if (value === undefined) continue;
    hash.update(`\0${name}=`);
    if (Array.isArray(value)) hash.update(arrayDigest(value));
    else hashValue(hash, value);
  }
  return hash.digest('hex');
}

function hashValue(hash: Hash, value: unknown): void {
  if (Buffer.isBuffer(value)) hash.update(value);
  else hash.update(typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value)));
}

/**
 * An array option (a CA list: node's ~140 bundled roots plus NODE_EXTRA_CA_CERTS, extra-ca.ts) comes as the
 * same array on every request: its digest is made once, not ~200 kB hashed per request.
 */
const arrayDigests = new WeakMap<readonly unknown[], string>();
function arrayDigest(value: readonly unknown[]): string {
  let digest = arrayDigests.get(value);
  if (digest === undefined) {
    const hash = createHash('sha256');
    for (const item of value) {
      hash.update('\0');
      hashValue(hash, item);
    }
    digest = hash.digest('hex');
    arrayDigests.set(value, digest);
  }
  return digest;
}

/**
 * Connections for short requests (create, delete, read, logs), at most REQUEST_SOCKETS at once per TLS
 * setting; more requests queue for a free one. Watches keep the unlimited agent above (one long-lived
 * connection per namespace and kind), so no watch waits behind requests and no request behind watches.
 * Measured at 500 hooks and N=100: ~100 connections cost ~13 MB of peak memory and as many TLS handshakes
 * (8 serve the same hook throughput); helm (client-go, HTTP/2) uses one.
 */
const REQUEST_SOCKETS = 8;
const requestAgents = new WeakMap<object, HttpsAgent>();

/** The capped twin of one of the shared agents above; any other agent (a proxy's, none) unchanged. */
export function requestAgent<T>(agent: T): T | HttpsAgent {
  return (agent && requestAgents.get(agent as object)) || agent;
}

/** KUBECONFIG's files merged as client-go merges them (see kubeconfig-files.ts); else client-node's default. */
function loadFiles(settings: HelmSettings): KubeConfig {
  const kc = new KubeConfig();
  if (!settings.kubeconfig) {
    kc.loadFromDefault();
    return kc;
  }
  const files = kubeconfigFiles(settings.kubeconfig);
  if (files.length === 0) {
    throw new PluginError(`none of the kubeconfig files in KUBECONFIG exists: ${settings.kubeconfig}`, {
      hint: 'Pass --kubeconfig to helm, or set KUBECONFIG, as for any helm command.',
    });
  }
  const clusters = new Map<string, Cluster>();
  const users = new Map<string, User>();
  const contexts = new Map<string, Context>();
  let currentContext = '';
  for (const file of files) {
    const one = new KubeConfig();
    one.loadFromFile(file); // relative certificate paths become absolute, from this file's folder
    if (!currentContext && one.currentContext) currentContext = one.currentContext;
    for (const c of one.clusters) if (!clusters.has(c.name)) clusters.set(c.name, c);
    for (const u of one.users) if (!users.has(u.name)) users.set(u.name, u);
    for (const c of one.contexts) if (!contexts.has(c.name)) contexts.set(c.name, c);
  }
  kc.loadFromOptions({
    clusters: [...clusters.values()],
    users: [...users.values()],
    contexts: [...contexts.values()],
    currentContext,
  });
  return kc;
}

function load(settings: HelmSettings): KubeConfig {
  let kc: KubeConfig;
  try {
    kc = loadFiles(settings);
  } catch (cause) {
    if (cause instanceof PluginError) throw cause;
    throw new PluginError(`cannot read the kubeconfig${settings.kubeconfig ? ` ${settings.kubeconfig}` : ''}`, {
      cause,
      hint: 'Pass --kubeconfig to helm, or set KUBECONFIG, as for any helm command.',
    });
  }
  if (settings.kubeContext) {
    if (!kc.getContextObject(settings.kubeContext)) {
      throw new PluginError(`kube context "${settings.kubeContext}" is not in the kubeconfig`, {
        hint: 'Check --kube-context against `kubectl config get-contexts`.',
      });
    }
    kc.setCurrentContext(settings.kubeContext);
  }
  const overrides =
    settings.kubeApiServer ||
    settings.kubeToken ||
    settings.kubeCaFile ||
    settings.kubeInsecureSkipTlsVerify ||
    settings.kubeTlsServerName ||
    settings.kubeAsUser;
  if (!overrides) return kc;

  const context = kc.getContextObject(kc.getCurrentContext());
  const cluster = kc.getCurrentCluster();
  const user = kc.getCurrentUser();
  const server = settings.kubeApiServer ?? cluster?.server;
  if (!server) throw new PluginError('no Kubernetes API server is configured (no kubeconfig and no --kube-apiserver)');
  const merged = new KubeConfig();
  merged.loadFromOptions({
    clusters: [
      {
        ...(cluster ?? {}),
        name: 'helm',
        server,
        ...(settings.kubeCaFile ? { caFile: settings.kubeCaFile, caData: undefined } : {}),
        ...(settings.kubeInsecureSkipTlsVerify ? { skipTLSVerify: true } : {}),
        ...(settings.kubeTlsServerName ? { tlsServerName: settings.kubeTlsServerName } : {}),
      },
    ],
    users: [
      {
        ...(user ?? {}),
        name: 'helm',
        ...(settings.kubeToken ? { token: settings.kubeToken, exec: undefined, authProvider: undefined } : {}),
        ...(settings.kubeAsUser ? { impersonateUser: settings.kubeAsUser } : {}),
      },
    ],
    contexts: [{ name: 'helm', cluster: 'helm', user: 'helm', namespace: context?.namespace }],
    currentContext: 'helm',
  });
  return merged;
}
