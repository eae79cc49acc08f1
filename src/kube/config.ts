/**
 * The plugin's connection to the cluster, built from exactly what helm uses: KUBECONFIG (helm sets it for
 * --kubeconfig; else ~/.kube/config, else a pod's service account), HELM_KUBECONTEXT and the HELM_KUBE*
 * overrides. kubeconfig.ts reads the files, rest-config.ts decides as client-go does, credentials.ts and
 * transport.ts carry it out; docs/CREDENTIALS.md says what each kubeconfig shape does.
 */
import type { HelmSettings } from '../helm/env.js';
import { Credentials } from './credentials.js';
import { type RestConfig, restConfigFromEnv } from './rest-config.js';
import { Transport } from './transport.js';

export interface Connection {
  config: RestConfig;
  credentials: Credentials;
  transport: Transport;
}

/**
 * Everything client-go checks before its first request: the files, the context, the server URL, readable
 * certificates and token file, a usable OIDC token, the proxy. Throws a PluginError that shows no secret.
 */
export function connectionFor(
  settings: HelmSettings,
  env: NodeJS.ProcessEnv,
  opts: { stdinIsTerminal: boolean },
): Connection {
  const config = restConfigFromEnv(settings, env);
  const credentials = new Credentials(config.auth, config.impersonate, { env, stdinIsTerminal: opts.stdinIsTerminal });
  credentials.check();
  return { config, credentials, transport: new Transport(config, env) };
}
