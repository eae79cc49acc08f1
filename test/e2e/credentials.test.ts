/**
 * The credential matrix: for each way a kubeconfig (or helm's own flags) can say who the user is and how to
 * reach the cluster, plain helm installs a chart with a pre-install Job and a post-install ConfigMap, then
 * the plugin installs it (N=2) into another namespace, with the same kubeconfig and flags. Both must work or
 * both must be refused; when they work, every request of the plugin (its node process and its helm calls)
 * is made as exactly helm's identity (the API server's audit log); when refused, nothing of the plugin's is
 * on the cluster and the plugin sent nothing; no output ever shows a token, a key or a certificate.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  auditIn,
  type ConnectProxy,
  caseDir,
  clientCert,
  connectProxy,
  type ExecPlugin,
  execPlugin,
  identity,
  type Lab,
  lab,
  type OidcIssuer,
  oidcIssuer,
  writeKubeconfig,
} from './credential-lab.js';
import {
  CHART,
  dropNamespace,
  helmSetup,
  kube,
  MAJORS,
  namespace,
  objectsIn,
  REPO,
  releaseState,
  valuesFile,
} from './harness.js';

const V1 = 'client.authentication.k8s.io/v1';
const V1BETA1 = 'client.authentication.k8s.io/v1beta1';

const VALUES = valuesFile({
  hooks: [
    { name: 'pre', kind: 'Job', events: 'pre-install', runFor: '300ms' },
    { name: 'post', kind: 'ConfigMap', events: 'post-install' },
  ],
});
/** A pre-install Job that outlives client-go's minute (less 10 s) of keeping a token file's token. */
const ROTATION_VALUES = valuesFile({
  hooks: [
    { name: 'pre-long', kind: 'Job', events: 'pre-install', runFor: '65s' },
    { name: 'post', kind: 'ConfigMap', events: 'post-install' },
  ],
});
/** A request of the plugin's own node process (not of the helm it runs). */
const byPluginNode = (e: { userAgent?: string }) => e.userAgent?.startsWith('helm-parallel-hooks/') === true;

/** A pre-install Job that outlives a credential expiring after a few seconds. */
const LONG_VALUES = valuesFile({
  hooks: [
    { name: 'pre-long', kind: 'Job', events: 'pre-install', runFor: '9s' },
    { name: 'post', kind: 'ConfigMap', events: 'post-install' },
  ],
});

interface Setup {
  env: Record<string, string>;
  /** helm's global flags for this case. */
  flags?: string[];
  cwd?: string;
  /** false: no -n (the context's namespace decides). */
  namespaceFlag?: boolean;
  values?: string;
  /** The identity helm must have (audit form, see identity()). */
  identity?: string;
  exec?: ExecPlugin;
  proxy?: ConnectProxy;
  /** The local OpenID provider of this run, if the case started one. */
  issuer?: OidcIssuer;
  /** Stops what the case started for the run (a local OpenID provider). */
  stop?: () => Promise<void>;
  /** Texts no output may contain. */
  secrets: string[];
}

interface Case {
  name: string;
  expect: 'works' | 'refused';
  /** Minutes of waiting: helm and the plugin run side by side (their own namespaces) instead of in turn. */
  slow?: boolean;
  setup(l: Lab, dir: string, ns: string): Promise<Setup> | Setup;
  /** Extra checks on the plugin's run. */
  check?(run: Outcome, s: Setup, helmRun: Outcome, helmSetup: Setup, l: Lab): void;
}

interface Outcome {
  exitCode: number;
  output: string;
  ns: string;
}

const cluster = (l: Lab, extra: Record<string, unknown> = {}) => ({
  server: l.server,
  'certificate-authority-data': Buffer.from(l.caPem).toString('base64'),
  ...extra,
});
const tokenUser = (l: Lab, user: string) => ({ token: l.tokens[user] });
const id = (user: string, groups = 'hph:audited') => `${user} [${groups}]`;
const kubeconfigEnv = (file: string) => ({ KUBECONFIG: file });
const secretsOf = (l: Lab) => Object.values(l.tokens);

/** A CA no one trusts (its certificate only). */
function strangerCa(dir: string): string {
  const key = join(dir, 'stranger.key');
  const crt = join(dir, 'stranger.crt');
  execFileSync('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', key]);
  execFileSync('openssl', ['req', '-x509', '-new', '-key', key, '-subj', '/CN=stranger', '-days', '2', '-out', crt]);
  return crt;
}

/** An OIDC id-token (a JWT's shape, unsigned) whose `exp` passed long ago. */
function expiredIdToken(): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'none' })}.${b64({ exp: 1_000_000_000, sub: 'old' })}.sig`;
}

/** A kubeconfig user of the oidc auth-provider, client-id `lab`, with this issuer and the rest of its config. */
const oidcUser = (issuer: string, config: Record<string, string>) => ({
  'auth-provider': { name: 'oidc', config: { 'idp-issuer-url': issuer, 'client-id': 'lab', ...config } },
});

/** The exec plugin prints a token of this lab user. */
const tokenExec = (l: Lab, user: string, extra = '') => `${extra} return { token: ${JSON.stringify(l.tokens[user])} };`;

const CASES: Case[] = [
  {
    name: 'exec v1 token, slow (0.4 s)',
    expect: 'works',
    setup: (l, dir) => {
      const exec = execPlugin(dir, 'cred', V1, tokenExec(l, 'cred-a'), 400);
      const file = writeKubeconfig(dir, {
        cluster: cluster(l),
        user: { exec: { command: exec.path, apiVersion: V1, interactiveMode: 'Never' } },
      });
      return { env: kubeconfigEnv(file), identity: id('cred-a'), exec, secrets: secretsOf(l) };
    },
    check: (run, s) => {
      const mine = (s.exec as ExecPlugin).runs().filter((r) => r.parent === 'node');
      assert.is(mine.length, 1, 'the plugin process runs the exec plugin once');
      assert.equal(JSON.parse(mine[0]?.info ?? '{}'), {
        kind: 'ExecCredential',
        apiVersion: V1,
        spec: { interactive: false },
      });
      assert.is(run.exitCode, 0);
    },
  },
  {
    name: 'exec v1beta1 client certificate',
    expect: 'works',
    setup: (l, dir) => {
      const c = clientCert(l, 'cred-exec-cert');
      const exec = execPlugin(
        dir,
        'cred',
        V1BETA1,
        `return { clientCertificateData: ${JSON.stringify(c.cert)}, clientKeyData: ${JSON.stringify(c.key)} };`,
      );
      const file = writeKubeconfig(dir, {
        cluster: cluster(l),
        user: { exec: { command: exec.path, apiVersion: V1BETA1 } },
      });
      return {
        env: kubeconfigEnv(file),
        identity: id('cred-exec-cert'),
        exec,
        secrets: [...secretsOf(l), keyLine(c.key)],
      };
    },
    check: (_run, s) => assert.is((s.exec as ExecPlugin).runs().filter((r) => r.parent === 'node').length, 1),
  },
  {
    name: 'exec token expiring after 3 s during a 9 s hook wait',
    expect: 'works',
    setup: (l, dir) => {
      const exec = execPlugin(
        dir,
        'cred',
        V1,
        `return { token: ${JSON.stringify(l.tokens['cred-a'])}, expirationTimestamp: new Date(Date.now() + 3000).toISOString() };`,
      );
      const file = writeKubeconfig(dir, {
        cluster: cluster(l),
        user: { exec: { command: exec.path, apiVersion: V1, interactiveMode: 'Never' } },
      });
      return { env: kubeconfigEnv(file), identity: id('cred-a'), exec, values: LONG_VALUES, secrets: secretsOf(l) };
    },
    check: (_run, s) => {
      const mine = (s.exec as ExecPlugin).runs().filter((r) => r.parent === 'node').length;
      assert.ok(mine >= 2, `the expired credential was fetched again (${mine} runs)`);
    },
  },
  {
    name: 'exec provideClusterInfo: the plugin picks the account from spec.cluster',
    expect: 'works',
    setup: (l, dir) => {
      const body = `const ok = info.spec && info.spec.cluster && info.spec.cluster.server === ${JSON.stringify(l.server)}
        && info.spec.cluster['certificate-authority-data'] === ${JSON.stringify(Buffer.from(l.caPem).toString('base64'))}
        && JSON.stringify(info.spec.cluster.config) === '{"audience":"lab"}';
        return { token: ok ? ${JSON.stringify(l.tokens['cred-b'])} : ${JSON.stringify(l.tokens['cred-c'])} };`;
      const exec = execPlugin(dir, 'cred', V1, body);
      const file = writeKubeconfig(dir, {
        cluster: cluster(l, {
          extensions: [{ name: 'client.authentication.k8s.io/exec', extension: { audience: 'lab' } }],
        }),
        user: { exec: { command: exec.path, apiVersion: V1, interactiveMode: 'Never', provideClusterInfo: true } },
      });
      return { env: kubeconfigEnv(file), identity: id('cred-b'), exec, secrets: secretsOf(l) };
    },
  },
  {
    name: 'exec with a relative command runs the one beside the kubeconfig, not the one in the current folder',
    expect: 'works',
    setup: (l, dir) => {
      const exec = execPlugin(dir, 'bin/cred', V1, tokenExec(l, 'cred-a'));
      const decoyDir = join(dir, 'cwd');
      mkdirSync(decoyDir, { recursive: true });
      execPlugin(decoyDir, 'bin/cred', V1, tokenExec(l, 'cred-c'));
      const file = writeKubeconfig(dir, {
        cluster: cluster(l),
        user: { exec: { command: './bin/cred', apiVersion: V1, interactiveMode: 'Never' } },
      });
      return { env: kubeconfigEnv(file), cwd: decoyDir, identity: id('cred-a'), exec, secrets: secretsOf(l) };
    },
  },
  {
    name: 'exec with env and args from the kubeconfig',
    expect: 'works',
    setup: (l, dir) => {
      const body = `return { token: process.env.LAB_ACCOUNT === 'b' && process.argv[2] === '--account' ? ${JSON.stringify(l.tokens['cred-b'])} : ${JSON.stringify(l.tokens['cred-c'])} };`;
      const exec = execPlugin(dir, 'cred', V1, body);
      const file = writeKubeconfig(dir, {
        cluster: cluster(l),
        user: {
          exec: {
            command: exec.path,
            args: ['--account'],
            env: [{ name: 'LAB_ACCOUNT', value: 'b' }],
            apiVersion: V1,
            interactiveMode: 'IfAvailable',
          },
        },
      });
      return { env: kubeconfigEnv(file), identity: id('cred-b'), exec, secrets: secretsOf(l) };
    },
  },
  {
    name: 'exec plugin that fails',
    expect: 'refused',
    setup: (l, dir) => {
      const exec = execPlugin(dir, 'cred', V1, `process.stderr.write('cred: login required\\n'); process.exit(1);`);
      const file = writeKubeconfig(dir, {
        cluster: cluster(l),
        user: { exec: { command: exec.path, apiVersion: V1, interactiveMode: 'Never' } },
      });
      return { env: kubeconfigEnv(file), exec, secrets: secretsOf(l) };
    },
    check: (run) => assert.match(run.output, 'cred: login required'),
  },
  {
    name: 'exec command not installed: its installHint is shown',
    expect: 'refused',
    setup: (l, dir) => {
      const file = writeKubeconfig(dir, {
        cluster: cluster(l),
        user: {
          exec: {
            command: 'hph-no-such-credential-tool',
            apiVersion: V1,
            interactiveMode: 'Never',
            installHint: 'install hph-cred from the lab',
          },
        },
      });
      return { env: kubeconfigEnv(file), secrets: secretsOf(l) };
    },
    check: (run) => assert.match(run.output, 'install hph-cred from the lab'),
  },
  {
    name: 'exec interactiveMode Always without a terminal',
    expect: 'refused',
    setup: (l, dir) => {
      const exec = execPlugin(dir, 'cred', V1, tokenExec(l, 'cred-a'));
      const file = writeKubeconfig(dir, {
        cluster: cluster(l),
        user: { exec: { command: exec.path, apiVersion: V1, interactiveMode: 'Always' } },
      });
      return { env: kubeconfigEnv(file), exec, secrets: secretsOf(l) };
    },
    check: (_run, s) => assert.is((s.exec as ExecPlugin).runs().length, 0, 'never run'),
  },
  {
    name: 'token',
    expect: 'works',
    setup: (l, dir) => ({
      env: kubeconfigEnv(writeKubeconfig(dir, { cluster: cluster(l), user: tokenUser(l, 'cred-a') })),
      identity: id('cred-a'),
      secrets: secretsOf(l),
    }),
  },
  {
    name: 'tokenFile, relative to the kubeconfig',
    expect: 'works',
    setup: (l, dir) => {
      writeFileSync(join(dir, 'token'), `${l.tokens['cred-b']}\n`);
      return {
        env: kubeconfigEnv(writeKubeconfig(dir, { cluster: cluster(l), user: { tokenFile: 'token' } })),
        identity: id('cred-b'),
        secrets: secretsOf(l),
      };
    },
  },
  {
    // client-go keeps a token file's token for a minute less 10 s, then reads the file again; a projected or
    // rotated token is picked up without a restart. The file changes 8 s into a 65 s hook wait: helm's and
    // the plugin's later requests are made with the new token (helm's --no-hooks child reads it anew anyway,
    // so the plugin's own node process is checked apart).
    name: 'tokenFile rotated during a 65 s hook wait: read again as client-go reads it again',
    expect: 'works',
    slow: true,
    setup: (l, dir) => {
      const file = join(dir, 'token');
      writeFileSync(file, `${l.tokens['cred-b']}\n`);
      setTimeout(() => writeFileSync(file, `${l.tokens['cred-a']}\n`), 8000).unref();
      return {
        env: kubeconfigEnv(writeKubeconfig(dir, { cluster: cluster(l), user: { tokenFile: 'token' } })),
        values: ROTATION_VALUES,
        secrets: secretsOf(l),
      };
    },
    check: (run, _s, helmRun, _hs, l) => {
      const mine = [...new Set(auditIn(l, run.ns).filter(byPluginNode).map(identity))].sort();
      assert.equal(mine, [id('cred-a'), id('cred-b')], "the plugin's own requests: the old token, then the new");
      assert.equal(identities(l, helmRun.ns).ids, [id('cred-a'), id('cred-b')], 'helm, the same');
    },
  },
  {
    name: 'client certificate and CA by relative path',
    expect: 'works',
    setup: (l, dir) => {
      const c = clientCert(l, 'cred-cert-file');
      execFileSync('cp', [c.certFile, join(dir, 'u.crt')]);
      execFileSync('cp', [c.keyFile, join(dir, 'u.key')]);
      execFileSync('cp', [l.caFile, join(dir, 'ca.crt')]);
      const file = writeKubeconfig(dir, {
        cluster: { server: l.server, 'certificate-authority': 'ca.crt' },
        user: { 'client-certificate': 'u.crt', 'client-key': 'u.key' },
      });
      return { env: kubeconfigEnv(file), identity: id('cred-cert-file'), secrets: [...secretsOf(l), keyLine(c.key)] };
    },
  },
  {
    name: 'client certificate by data',
    expect: 'works',
    setup: (l, dir) => {
      const c = clientCert(l, 'cred-cert-data');
      const file = writeKubeconfig(dir, {
        cluster: cluster(l),
        user: {
          'client-certificate-data': Buffer.from(c.cert).toString('base64'),
          'client-key-data': Buffer.from(c.key).toString('base64'),
        },
      });
      return {
        env: kubeconfigEnv(file),
        identity: id('cred-cert-data'),
        secrets: [...secretsOf(l), keyLine(c.key), Buffer.from(c.key).toString('base64').slice(20, 60)],
      };
    },
  },
  {
    name: 'insecure-skip-tls-verify without a CA',
    expect: 'works',
    setup: (l, dir) => ({
      env: kubeconfigEnv(
        writeKubeconfig(dir, {
          cluster: { server: l.server, 'insecure-skip-tls-verify': true },
          user: tokenUser(l, 'cred-a'),
        }),
      ),
      identity: id('cred-a'),
      secrets: secretsOf(l),
    }),
  },
  {
    name: 'tls-server-name that the certificate names',
    expect: 'works',
    setup: (l, dir) => ({
      env: kubeconfigEnv(
        writeKubeconfig(dir, {
          cluster: cluster(l, { 'tls-server-name': 'kubernetes' }),
          user: tokenUser(l, 'cred-a'),
        }),
      ),
      identity: id('cred-a'),
      secrets: secretsOf(l),
    }),
  },
  {
    name: 'tls-server-name that the certificate does not name',
    expect: 'refused',
    setup: (l, dir) => ({
      env: kubeconfigEnv(
        writeKubeconfig(dir, {
          cluster: cluster(l, { 'tls-server-name': 'wrong.example' }),
          user: tokenUser(l, 'cred-a'),
        }),
      ),
      secrets: secretsOf(l),
    }),
  },
  {
    name: 'proxy-url: a name only the proxy can resolve',
    expect: 'works',
    setup: async (l, dir) => {
      const proxy = await connectProxy({ 'kubernetes.default.svc': '127.0.0.1' });
      const file = writeKubeconfig(dir, {
        cluster: cluster(l, { server: `https://kubernetes.default.svc:${l.port}`, 'proxy-url': proxy.url }),
        user: tokenUser(l, 'cred-a'),
      });
      return { env: kubeconfigEnv(file), identity: id('cred-a'), proxy, secrets: secretsOf(l) };
    },
    check: (_run, s) => assert.ok((s.proxy as ConnectProxy).tunnels.length > 0, 'went through the proxy'),
  },
  {
    name: 'HTTPS_PROXY from the environment',
    expect: 'works',
    setup: async (l, dir) => {
      const proxy = await connectProxy({ 'kubernetes.default.svc': '127.0.0.1' });
      const file = writeKubeconfig(dir, {
        cluster: cluster(l, { server: `https://kubernetes.default.svc:${l.port}` }),
        user: tokenUser(l, 'cred-a'),
      });
      return {
        env: { ...kubeconfigEnv(file), HTTPS_PROXY: proxy.url },
        identity: id('cred-a'),
        proxy,
        secrets: secretsOf(l),
      };
    },
    check: (_run, s) => assert.ok((s.proxy as ConnectProxy).tunnels.length > 0, 'went through the proxy'),
  },
  {
    name: 'HTTPS_PROXY with the server in NO_PROXY (direct, and the name does not resolve)',
    expect: 'refused',
    setup: async (l, dir) => {
      const proxy = await connectProxy({ 'kubernetes.default.svc': '127.0.0.1' });
      const file = writeKubeconfig(dir, {
        cluster: cluster(l, { server: `https://kubernetes.default.svc:${l.port}` }),
        user: tokenUser(l, 'cred-a'),
      });
      return {
        env: { ...kubeconfigEnv(file), HTTPS_PROXY: proxy.url, NO_PROXY: 'example.com,.svc' },
        proxy,
        secrets: secretsOf(l),
      };
    },
    check: (_run, s) => assert.is((s.proxy as ConnectProxy).tunnels.length, 0, 'not through the proxy'),
  },
  {
    name: "the context's namespace, no -n",
    expect: 'works',
    setup: (l, dir, ns) => ({
      env: kubeconfigEnv(
        writeKubeconfig(dir, { cluster: cluster(l), user: tokenUser(l, 'cred-a'), context: { namespace: ns } }),
      ),
      namespaceFlag: false,
      identity: id('cred-a'),
      secrets: secretsOf(l),
    }),
  },
  {
    name: 'disable-compression',
    expect: 'works',
    setup: (l, dir) => ({
      env: kubeconfigEnv(
        writeKubeconfig(dir, { cluster: cluster(l, { 'disable-compression': true }), user: tokenUser(l, 'cred-a') }),
      ),
      identity: id('cred-a'),
      secrets: secretsOf(l),
    }),
  },
  {
    name: 'auth-provider oidc with a valid id-token',
    expect: 'works',
    setup: (l, dir) => ({
      env: kubeconfigEnv(
        writeKubeconfig(dir, {
          cluster: cluster(l),
          user: oidcUser('https://issuer.invalid', { 'id-token': l.tokens['cred-oidc'] as string }),
        }),
      ),
      identity: id('cred-oidc'),
      secrets: secretsOf(l),
    }),
  },
  {
    name: 'auth-provider oidc with an expired id-token and no refresh-token',
    expect: 'refused',
    setup: (l, dir) => {
      const expired = expiredIdToken();
      return {
        env: kubeconfigEnv(
          writeKubeconfig(dir, {
            cluster: cluster(l),
            user: oidcUser('https://issuer.invalid', { 'id-token': expired }),
          }),
        ),
        secrets: [...secretsOf(l), expired],
      };
    },
  },
  {
    // client-go refreshes an expired id-token with the refresh-token at the issuer's token endpoint and
    // writes the new one into the kubeconfig; the plugin leaves that to helm's render and reads the
    // kubeconfig after it, so the refresh happens once per command, by helm, as with helm alone.
    name: 'auth-provider oidc with an expired id-token and a refresh-token',
    expect: 'works',
    setup: async (l, dir, ns) => {
      const expired = expiredIdToken();
      const refreshToken = `lab-refresh-${ns}`;
      const issuer = await oidcIssuer(refreshToken, l.tokens['cred-oidc'] as string);
      return {
        env: kubeconfigEnv(
          writeKubeconfig(dir, {
            cluster: cluster(l),
            user: oidcUser(issuer.url, { 'id-token': expired, 'refresh-token': refreshToken }),
          }),
        ),
        identity: id('cred-oidc'),
        issuer,
        stop: issuer.close,
        secrets: [...secretsOf(l), expired, refreshToken],
      };
    },
    check: (_run, s, _helmRun, helmSetup) => {
      const grants = (setup: Setup) => (setup.issuer as OidcIssuer).grants;
      assert.is(grants(helmSetup).length, 1, 'helm refreshed the id-token once');
      assert.is(grants(s).length, 1, 'once in the plugin command too');
      assert.not.ok(
        grants(s).some((ua) => ua.startsWith('helm-parallel-hooks/')),
        "not by the plugin's own process",
      );
    },
  },
  {
    name: 'basic auth (the API server has no basic authenticator)',
    expect: 'refused',
    setup: (l, dir) => ({
      env: kubeconfigEnv(
        writeKubeconfig(dir, { cluster: cluster(l), user: { username: 'lab', password: 'pw-secret-1234' } }),
      ),
      secrets: [...secretsOf(l), 'pw-secret-1234'],
    }),
  },
  {
    name: '--kube-apiserver (trailing slash), --kube-token, --kube-ca-file over a kubeconfig that points elsewhere',
    expect: 'works',
    setup: (l, dir) => ({
      env: kubeconfigEnv(
        writeKubeconfig(dir, {
          cluster: { server: 'https://127.0.0.1:9', 'tls-server-name': 'wrong.example' },
          user: tokenUser(l, 'cred-c'),
        }),
      ),
      flags: [
        '--kube-apiserver',
        `${l.server}/`,
        '--kube-token',
        l.tokens['cred-a'] as string,
        '--kube-ca-file',
        l.caFile,
      ],
      identity: id('cred-a'),
      secrets: secretsOf(l),
    }),
  },
  {
    name: 'HELM_KUBEAPISERVER, HELM_KUBETOKEN, HELM_KUBECAFILE from the environment',
    expect: 'works',
    setup: (l, dir) => ({
      env: {
        ...kubeconfigEnv(
          writeKubeconfig(dir, { cluster: { server: 'https://127.0.0.1:9' }, user: tokenUser(l, 'cred-c') }),
        ),
        HELM_KUBEAPISERVER: l.server,
        HELM_KUBETOKEN: l.tokens['cred-b'] as string,
        HELM_KUBECAFILE: l.caFile,
      },
      identity: id('cred-b'),
      secrets: secretsOf(l),
    }),
  },
  {
    name: '--kube-ca-file turns verification back on over insecure-skip-tls-verify (a CA that did not sign the server)',
    expect: 'refused',
    setup: (l, dir) => ({
      env: kubeconfigEnv(
        writeKubeconfig(dir, {
          cluster: { server: l.server, 'insecure-skip-tls-verify': true },
          user: tokenUser(l, 'cred-a'),
        }),
      ),
      flags: ['--kube-ca-file', strangerCa(dir)],
      secrets: secretsOf(l),
    }),
  },
  {
    name: "--kube-insecure-skip-tls-verify drops the kubeconfig's (wrong) CA",
    expect: 'works',
    setup: (l, dir) => {
      const ca = strangerCa(dir);
      const file = writeKubeconfig(dir, {
        cluster: { server: l.server, 'certificate-authority': ca },
        user: tokenUser(l, 'cred-a'),
      });
      return {
        env: kubeconfigEnv(file), // helm gives a plugin's global flags their next word as a value (--kube-insecure-skip-tls-verify too):
        // before the plugin's name it must be written with =true, for plain helm and the plugin alike.
        flags: ['--kube-insecure-skip-tls-verify=true'],
        identity: id('cred-a'),
        secrets: secretsOf(l),
      };
    },
  },
  {
    name: '--kube-tls-server-name with --kube-apiserver',
    expect: 'works',
    setup: (l, dir) => ({
      env: kubeconfigEnv(writeKubeconfig(dir, { cluster: cluster(l), user: tokenUser(l, 'cred-a') })),
      flags: ['--kube-apiserver', `https://127.0.0.1:${l.port}`, '--kube-tls-server-name', 'kubernetes.default'],
      identity: id('cred-a'),
      secrets: secretsOf(l),
    }),
  },
  {
    name: '--kube-as-user and --kube-as-group',
    expect: 'works',
    setup: (l, dir) => ({
      env: kubeconfigEnv(writeKubeconfig(dir, { cluster: cluster(l), user: tokenUser(l, 'cred-a') })),
      flags: ['--kube-as-user', 'cred-imp', '--kube-as-group', 'hph:imp', '--kube-as-group', 'lab:second'],
      identity: `${id('cred-a')} as cred-imp [hph:imp,lab:second] {}`,
      secrets: secretsOf(l),
    }),
  },
  {
    name: 'kubeconfig as, as-groups and as-user-extra',
    expect: 'works',
    setup: (l, dir) => ({
      env: kubeconfigEnv(
        writeKubeconfig(dir, {
          cluster: cluster(l),
          user: {
            ...tokenUser(l, 'cred-b'),
            as: 'cred-imp2',
            'as-groups': ['hph:imp'],
            'as-user-extra': { 'lab.io/team': ['a', 'b'] },
          },
        }),
      ),
      identity: `${id('cred-b')} as cred-imp2 [hph:imp] {"lab.io/team":["a","b"]}`,
      secrets: secretsOf(l),
    }),
  },
  {
    name: '--kube-as-group without a user to impersonate',
    expect: 'refused',
    setup: (l, dir) => ({
      env: kubeconfigEnv(writeKubeconfig(dir, { cluster: cluster(l), user: tokenUser(l, 'cred-a') })),
      flags: ['--kube-as-group', 'hph:imp'],
      secrets: secretsOf(l),
    }),
  },
  {
    name: '--qps and --burst-limit',
    expect: 'works',
    setup: (l, dir) => ({
      env: kubeconfigEnv(writeKubeconfig(dir, { cluster: cluster(l), user: tokenUser(l, 'cred-a') })),
      flags: ['--qps', '20', '--burst-limit', '5'],
      identity: id('cred-a'),
      secrets: secretsOf(l),
    }),
  },
  {
    name: 'a server without a scheme (client-go: http, to a TLS port)',
    expect: 'refused',
    setup: (l, dir) => ({
      env: kubeconfigEnv(
        writeKubeconfig(dir, { cluster: cluster(l, { server: `127.0.0.1:${l.port}` }), user: tokenUser(l, 'cred-a') }),
      ),
      secrets: secretsOf(l),
    }),
    check: (run) => assert.not.match(run.output, /TypeError|\n\s+at /),
  },
  {
    name: 'a kubeconfig with a YAML syntax error on a line that holds a token',
    expect: 'refused',
    setup: (l, dir) => {
      const text = [
        'apiVersion: v1',
        'clusters:',
        `- name: lab`,
        '  cluster:',
        `    server: ${l.server}`,
        'users:',
        '- name: lab-user',
        '  user:',
        `    token: ${l.tokens['cred-a']}`,
        `   client-key-data: [${l.tokens['cred-b']}`,
      ].join('\n');
      return { env: kubeconfigEnv(writeKubeconfig(dir, { cluster: {}, user: {} }, text)), secrets: secretsOf(l) };
    },
  },
];

/** One line from the middle of a PEM key (any part of it must never be printed). */
function keyLine(pem: string): string {
  const lines = pem.split('\n').filter((x) => x && !x.startsWith('-----'));
  return lines[Math.floor(lines.length / 2)] as string;
}

async function install(major: 3 | 4, c: Case, plugin: boolean): Promise<{ run: Outcome; setup: Setup }> {
  const l = await lab();
  const ns = await namespace(plugin ? `crp${major}` : `crh${major}`);
  const setup = await c.setup(l, caseDir(l, `${plugin ? 'p' : 'h'}${major}`), ns);
  const { bin, env } = await helmSetup(major);
  const args = [
    ...(setup.flags ?? []),
    ...(plugin ? ['parallel-hooks'] : []),
    'install',
    'cred',
    CHART,
    ...(setup.namespaceFlag === false ? [] : ['-n', ns]),
    '-f',
    setup.values ?? VALUES,
    ...(plugin ? ['--hook-parallelism', '2'] : []),
  ];
  const r = await execa(bin, args, {
    env: { ...env, ...setup.env },
    cwd: setup.cwd ?? REPO,
    reject: false,
    stdin: 'ignore',
    all: true,
  });
  await setup.proxy?.close();
  await setup.stop?.();
  return { run: { exitCode: r.exitCode ?? -1, output: String(r.all), ns }, setup };
}

/** The identities of every request made in a namespace, and whether the plugin's node process made any. */
function identities(l: Lab, ns: string): { ids: string[]; byPlugin: number } {
  const events = auditIn(l, ns);
  return {
    ids: [...new Set(events.map(identity))].sort(),
    byPlugin: events.filter(byPluginNode).length,
  };
}

for (const major of MAJORS) {
  const s = suite(`credentials, helm ${major}`);
  const made: string[] = [];
  s.after(async () => {
    for (const ns of made) await dropNamespace(ns);
  });
  for (const c of CASES) {
    s(
      `${c.name}: ${c.expect === 'works' ? 'works as helm, as the same identity' : 'refused, as helm refuses it'}`,
      async () => {
        const l = await lab();
        const [h, p] = c.slow
          ? await Promise.all([install(major, c, false), install(major, c, true)])
          : [await install(major, c, false), await install(major, c, true)];
        made.push(h.run.ns, p.run.ns);
        const context = `\n--- helm:\n${h.run.output}\n--- plugin:\n${p.run.output}`;
        for (const secret of p.setup.secrets) {
          assert.not.ok(secret && p.run.output.includes(secret), `the plugin printed a secret${context}`);
        }
        if (c.expect === 'works') {
          assert.is(h.run.exitCode, 0, `plain helm works${context}`);
          assert.is(p.run.exitCode, 0, `the plugin works${context}`);
          assert.is((await releaseState(major, 'cred', p.run.ns))?.status, 'deployed');
          assert.equal(await objectsIn(p.run.ns), await objectsIn(h.run.ns), 'the same objects');
          const helmIds = identities(l, h.run.ns);
          const pluginIds = identities(l, p.run.ns);
          if (p.setup.identity) assert.equal(helmIds.ids, [p.setup.identity], "helm's identity is the case's");
          assert.equal(pluginIds.ids, helmIds.ids, 'every request of the plugin is made as helm makes them');
          assert.ok(pluginIds.byPlugin > 0, "the plugin's own requests are in the audit log");
        } else {
          assert.is.not(h.run.exitCode, 0, `plain helm refuses it${context}`);
          assert.is.not(p.run.exitCode, 0, `the plugin refuses it${context}`);
          assert.equal(await objectsIn(p.run.ns), [], `nothing of the plugin's was applied${context}`);
          assert.is(await releaseState(major, 'cred', p.run.ns), undefined, 'no release recorded');
          assert.is(identities(l, p.run.ns).byPlugin, 0, 'the plugin sent nothing where helm refused');
        }
        c.check?.(p.run, p.setup, h.run, h.setup, l);
      },
    );
  }

  s(
    'an exec plugin that fails only in the plugin process: refused before anything is applied, in its words',
    async () => {
      const l = await lab();
      const c: Case = {
        name: 'fails-for-the-plugin',
        expect: 'refused',
        setup: (lb, dir) => {
          const body = `if (info.spec && fs.readFileSync('/proc/' + process.ppid + '/comm', 'utf8').trim() === 'node') {
          process.stderr.write('cred: the lab refuses this process\\n'); process.exit(7); }
          return { token: ${JSON.stringify(lb.tokens['cred-a'])} };`;
          const exec = execPlugin(dir, 'cred', V1, body);
          const file = writeKubeconfig(dir, {
            cluster: cluster(lb),
            user: { exec: { command: exec.path, apiVersion: V1, interactiveMode: 'Never' } },
          });
          return { env: kubeconfigEnv(file), exec, secrets: secretsOf(lb) };
        },
      };
      const p = await install(major, c, true);
      made.push(p.run.ns);
      assert.is(p.run.exitCode, 1, p.run.output);
      assert.match(p.run.output, 'cred: the lab refuses this process', 'its stderr is shown');
      assert.match(p.run.output, /exec: executable .+ failed with exit code 7/, "client-go's words");
      assert.equal(await objectsIn(p.run.ns), [], 'no hook ran');
      assert.is(await releaseState(major, 'cred', p.run.ns), undefined, 'no release recorded');
      assert.is(identities(l, p.run.ns).byPlugin, 0);
    },
  );

  s('an API server restart during a hook wait, as a user RBAC judges: the plugin goes on as helm does', async () => {
    const l = await lab();
    const ns = await namespace(`crr${major}`);
    made.push(ns);
    const dir = caseDir(l, `restart${major}`);
    const file = writeKubeconfig(dir, { cluster: cluster(l), user: tokenUser(l, 'cred-a') });
    const { bin, env } = await helmSetup(major);
    const values = valuesFile({
      hooks: [
        { name: 'pre-long', kind: 'Job', events: 'pre-install', runFor: '8s' },
        { name: 'post-a', kind: 'Job', events: 'post-install', runFor: '300ms' },
      ],
    });
    const run = execa(
      bin,
      ['parallel-hooks', 'install', 'cred', CHART, '-n', ns, '-f', values, '--hook-parallelism', '2'],
      { env: { ...env, KUBECONFIG: file }, reject: false, stdin: 'ignore', all: true },
    );
    const { batch } = kube();
    for (let i = 0; i < 300; i++) {
      const jobs = await batch.listNamespacedJob({ namespace: ns });
      if (jobs.items.some((j) => j.metadata?.name === 'pre-long')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const local = (...a: string[]) => execFileSync(join(REPO, 'scripts/local-cluster'), a, { stdio: 'ignore' });
    local('kill-component', 'kube-apiserver');
    await new Promise((r) => setTimeout(r, 1000));
    local('restart-component', 'kube-apiserver');
    const r = await run;
    assert.is(r.exitCode, 0, String(r.all));
    assert.is((await releaseState(major, 'cred', ns))?.status, 'deployed');
  });

  s.run();
}
