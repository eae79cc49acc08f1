/** A Connection to a scripted API server for unit tests: the server as given, no credentials, no proxy. */

import { helmSettingsFromEnv } from '../../src/helm/env.js';
import type { Connection } from '../../src/kube/config.js';
import { Credentials } from '../../src/kube/credentials.js';
import { restConfigFor } from '../../src/kube/rest-config.js';
import { Transport } from '../../src/kube/transport.js';

export function testConnection(server: string): Connection {
  const config = restConfigFor(
    {
      files: [],
      currentContext: 'fake',
      clusters: new Map([['fake', { server, 'insecure-skip-tls-verify': true }]]),
      users: new Map([['nobody', {}]]),
      contexts: new Map([['fake', { cluster: 'fake', user: 'nobody', namespace: 'app' }]]),
    },
    helmSettingsFromEnv({}),
  );
  return {
    config,
    credentials: new Credentials(config.auth, config.impersonate, { env: {}, stdinIsTerminal: false }),
    transport: new Transport(config, {}),
  };
}
