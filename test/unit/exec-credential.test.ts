import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PluginError } from '../../src/errors.js';
import { type ExecCredential, ExecCredentialProvider, type ExecRunner } from '../../src/kube/exec-credential.js';
import type { ExecConfig } from '../../src/kube/kubeconfig.js';
import type { ExecClusterInfo } from '../../src/kube/rest-config.js';
import { selfSigned } from './certs.js';

const V1 = 'client.authentication.k8s.io/v1';
const V1BETA1 = 'client.authentication.k8s.io/v1beta1';

interface Run {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  stdin: 'inherit' | 'ignore';
}

type Answer = Partial<Awaited<ReturnType<ExecRunner>>>;

/** A runner that answers `answers` in turn (the last one again when they run out), a tick later. */
function fakeRunner(...answers: (Answer | ((n: number) => Answer))[]): { run: ExecRunner; runs: Run[] } {
  const runs: Run[] = [];
  const run: ExecRunner = async (command, args, opts) => {
    runs.push({ command, args, env: opts.env, stdin: opts.stdin });
    await new Promise((resolve) => setImmediate(resolve));
    const next = answers[Math.min(runs.length, answers.length) - 1];
    const answer = typeof next === 'function' ? next(runs.length) : next;
    return { code: 0, signal: null, stdout: '', notFound: false, ...answer };
  };
  return { run, runs };
}

/** An ExecCredential as a plugin prints it. */
function printed(status: Record<string, unknown>, apiVersion = V1): Answer {
  return { stdout: `${JSON.stringify({ kind: 'ExecCredential', apiVersion, status })}\n` };
}

const tokenAnswer = (n: number) => printed({ token: `token-${n}` });

function provider(
  run: ExecRunner,
  opts: {
    exec?: Partial<ExecConfig>;
    cluster?: ExecClusterInfo;
    env?: NodeJS.ProcessEnv;
    stdinIsTerminal?: boolean;
    now?: () => number;
  } = {},
): ExecCredentialProvider {
  const exec: ExecConfig = { command: 'cred', apiVersion: V1, interactiveMode: 'Never', ...opts.exec };
  return new ExecCredentialProvider(exec, opts.cluster, 'dev-user', {
    env: opts.env ?? {},
    stdinIsTerminal: opts.stdinIsTerminal ?? false,
    run,
    now: opts.now,
  });
}

/** The PluginError `promise` rejects with. */
async function rejection(promise: Promise<unknown>): Promise<PluginError> {
  try {
    await promise;
  } catch (error) {
    assert.instance(error, PluginError, `expected a PluginError, got ${String(error)}`);
    return error as PluginError;
  }
  assert.unreachable('expected a rejection');
  throw new Error('unreachable');
}

// ---------------------------------------------------------------- when the plugin runs

test('100 concurrent get() share one run', async () => {
  const fake = fakeRunner(tokenAnswer);
  const p = provider(fake.run);
  const all = await Promise.all(Array.from({ length: 100 }, () => p.get()));
  assert.is(fake.runs.length, 1);
  assert.is(p.runs, 1);
  assert.ok(all.every((c) => c === all[0]));
  assert.is(all[0]?.token, 'token-1');
  assert.is(all[0]?.cert, undefined);
});

test('a credential is cached until its expirationTimestamp, then one new run serves concurrent callers', async () => {
  let now = Date.parse('2030-01-01T00:00:00Z');
  const expiry = now + 60_000;
  const fake = fakeRunner(
    (n) => printed({ token: `token-${n}`, expirationTimestamp: new Date(expiry).toISOString() }),
    (n) => printed({ token: `token-${n}`, expirationTimestamp: new Date(expiry + 60_000).toISOString() }),
  );
  const p = provider(fake.run, { now: () => now });
  const first = await p.get();
  assert.is(first.expiresAt, expiry);
  now = expiry - 1;
  assert.is(await p.get(), first);
  assert.is(fake.runs.length, 1);
  now = expiry + 1;
  const after = await Promise.all(Array.from({ length: 20 }, () => p.get()));
  assert.is(fake.runs.length, 2);
  assert.ok(after.every((c) => c.token === 'token-2'));
  assert.is(await p.get(), after[0], 'the new one is cached in turn');
  assert.is(fake.runs.length, 2);
});

test('without expirationTimestamp the credential is kept for the whole process', async () => {
  let now = 0;
  const fake = fakeRunner(tokenAnswer);
  const p = provider(fake.run, { now: () => now });
  const first = await p.get();
  now = 365 * 24 * 3600 * 1000;
  assert.is(await p.get(), first);
  assert.is(first.expiresAt, undefined);
  assert.is(fake.runs.length, 1);
});

test('unauthorized(used) runs again only while `used` is the cached credential', async () => {
  const fake = fakeRunner(tokenAnswer);
  const p = provider(fake.run);
  const first = await p.get();
  // Many 401s answered to the same credential: one new run.
  const renewed = await Promise.all(Array.from({ length: 10 }, () => p.unauthorized(first)));
  assert.is(fake.runs.length, 2);
  assert.ok(renewed.every((c) => c.token === 'token-2'));
  // A late 401 to the old credential: the newer one is already there.
  assert.is(await p.unauthorized(first), renewed[0]);
  assert.is(fake.runs.length, 2);
  // A 401 to the current one runs again.
  const third = await p.unauthorized(renewed[0] as ExecCredential);
  assert.is(third.token, 'token-3');
  assert.is(fake.runs.length, 3);
});

// ---------------------------------------------------------------- what the plugin is given

test('KUBERNETES_EXEC_INFO is client-go text: kind, apiVersion, spec, a trailing newline', async () => {
  const fake = fakeRunner(tokenAnswer);
  await provider(fake.run).get();
  assert.is(
    fake.runs[0]?.env.KUBERNETES_EXEC_INFO,
    '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}\n',
  );
  const beta = fakeRunner(printed({ token: 't' }, V1BETA1));
  await provider(beta.run, { exec: { apiVersion: V1BETA1 } }).get();
  assert.is(
    beta.runs[0]?.env.KUBERNETES_EXEC_INFO,
    '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","spec":{"interactive":false}}\n',
  );
});

test('KUBERNETES_EXEC_INFO with provideClusterInfo: spec.cluster first, config null without the extension', async () => {
  const fake = fakeRunner(tokenAnswer);
  await provider(fake.run, { cluster: { server: 'https://h:6443' } }).get();
  assert.is(
    fake.runs[0]?.env.KUBERNETES_EXEC_INFO,
    '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"cluster":{"server":"https://h:6443","config":null},"interactive":false}}\n',
  );
  const full = fakeRunner(tokenAnswer);
  const cluster: ExecClusterInfo = {
    server: 'https://h:6443',
    'tls-server-name': 'api',
    'insecure-skip-tls-verify': true,
    'proxy-url': 'http://proxy:3128',
    config: { audience: 'sts' },
  };
  await provider(full.run, { cluster }).get();
  const info = JSON.parse(full.runs[0]?.env.KUBERNETES_EXEC_INFO ?? '');
  assert.equal(info.spec, { cluster, interactive: false });
  assert.equal(Object.keys(info.spec.cluster), [
    'server',
    'tls-server-name',
    'insecure-skip-tls-verify',
    'proxy-url',
    'config',
  ]);
});

test('interactive: by stdin being a terminal and the mode; stdin is given only when interactive', async () => {
  const cases: { mode: string; terminal: boolean; interactive: boolean }[] = [
    { mode: 'Never', terminal: false, interactive: false },
    { mode: 'Never', terminal: true, interactive: false },
    { mode: 'IfAvailable', terminal: false, interactive: false },
    { mode: 'IfAvailable', terminal: true, interactive: true },
    { mode: 'Always', terminal: true, interactive: true },
  ];
  for (const c of cases) {
    const fake = fakeRunner(tokenAnswer);
    await provider(fake.run, { exec: { interactiveMode: c.mode }, stdinIsTerminal: c.terminal }).get();
    const run = fake.runs[0];
    const label = `${c.mode}, terminal ${c.terminal}`;
    assert.is(JSON.parse(run?.env.KUBERNETES_EXEC_INFO ?? '').spec.interactive, c.interactive, label);
    assert.is(run?.stdin, c.interactive ? 'inherit' : 'ignore', label);
  }
});

test('Always without a terminal fails before anything runs', async () => {
  const fake = fakeRunner(tokenAnswer);
  const p = provider(fake.run, { exec: { interactiveMode: 'Always' }, stdinIsTerminal: false });
  const error = await rejection(p.get());
  assert.match(error.message, 'exec plugin cannot support interactive mode: standard input is not a terminal');
  assert.match(error.message, 'user "dev-user"');
  assert.is(fake.runs.length, 0);
  assert.is(p.runs, 0);
});

test("the kubeconfig's exec env is added over the process env; args are passed verbatim", async () => {
  const fake = fakeRunner(tokenAnswer);
  const env = { PATH: '/usr/bin', AWS_PROFILE: 'inherited', KUBERNETES_EXEC_INFO: 'stale' };
  const exec = {
    args: ['eks', 'get-token', '--cluster-name', '$CLUSTER', 'a b'],
    env: [
      { name: 'AWS_PROFILE', value: 'prod' },
      { name: 'EXTRA', value: 'x=y' },
    ],
  };
  await provider(fake.run, { exec, env }).get();
  const run = fake.runs[0];
  assert.is(run?.command, 'cred');
  assert.equal(run?.args, exec.args);
  assert.is(run?.env.PATH, '/usr/bin');
  assert.is(run?.env.AWS_PROFILE, 'prod');
  assert.is(run?.env.EXTRA, 'x=y');
  assert.match(run?.env.KUBERNETES_EXEC_INFO ?? '', /^\{"kind":"ExecCredential"/);
  assert.equal(env, { PATH: '/usr/bin', AWS_PROFILE: 'inherited', KUBERNETES_EXEC_INFO: 'stale' }, 'not changed');
});

// ---------------------------------------------------------------- run failures

test('a bare command not found on PATH: client-go text and the installHint (control characters replaced)', async () => {
  const hint = 'Install with: brew install cred\u001b[31m';
  const fake = fakeRunner({ notFound: true, code: null });
  const error = await rejection(provider(fake.run, { exec: { command: 'cred', installHint: hint } }).get());
  assert.match(
    error.message,
    'exec: executable cred not found\n\nIt looks like you are trying to use a client-go credential plugin that is not installed.',
  );
  assert.match(
    error.message,
    'https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins',
  );
  assert.ok(error.message.endsWith('\n\nInstall with: brew install credU+001B[31m'), error.message);
  const noHint = await rejection(provider(fakeRunner({ notFound: true, code: null }).run).get());
  assert.ok(noHint.message.endsWith('#client-go-credential-plugins'), noHint.message);
});

test('a path command that does not exist fails as the OS says, without the install hint', async () => {
  const fake = fakeRunner({ notFound: true, code: null });
  const error = await rejection(
    provider(fake.run, { exec: { command: '/opt/plugins/cred', installHint: 'install me' } }).get(),
  );
  assert.match(error.message, 'exec: fork/exec /opt/plugins/cred: no such file or directory');
  assert.not.match(error.message, 'install me');
  assert.not.match(error.message, 'not installed');
});

test('a non-zero exit is "failed with exit code <n>"; a later get() runs again', async () => {
  const fake = fakeRunner({ code: 3 }, tokenAnswer);
  const p = provider(fake.run);
  const error = await rejection(p.get());
  assert.match(error.message, 'exec: executable cred failed with exit code 3');
  assert.is((await p.get()).token, 'token-2');
  assert.is(fake.runs.length, 2);
});

test("decode failures follow client-go's checks and never quote the plugin's stdout", async () => {
  const secret = 'FAKE-TOKEN-3f9a1c77e2';
  const cases: { stdout: string; message: string }[] = [
    { stdout: `token: ${secret}\n`, message: 'decoding stdout' },
    { stdout: `{"kind":"ExecCredential","status":{"token":"${secret}"`, message: 'decoding stdout' },
    {
      stdout: JSON.stringify({ kind: 'Other', apiVersion: V1, status: { token: secret } }),
      message: 'decoding stdout',
    },
    {
      stdout: JSON.stringify({ kind: 'ExecCredential', apiVersion: V1BETA1, status: { token: secret } }),
      message: `exec plugin is configured to use API version ${V1}, plugin returned version ${V1BETA1}`,
    },
    {
      stdout: JSON.stringify({ kind: 'ExecCredential', apiVersion: V1, token: secret }),
      message: "exec plugin didn't return a status field",
    },
    {
      stdout: JSON.stringify({ kind: 'ExecCredential', apiVersion: V1, status: { other: secret } }),
      message: "exec plugin didn't return a token or cert/key pair",
    },
    {
      stdout: JSON.stringify({
        kind: 'ExecCredential',
        apiVersion: V1,
        status: { token: secret, expirationTimestamp: `x${secret}` },
      }),
      message: 'expirationTimestamp',
    },
  ];
  for (const c of cases) {
    const error = await rejection(provider(fakeRunner({ stdout: c.stdout }).run).get());
    assert.match(error.message, c.message, c.stdout);
    assert.not.match(`${error.message}\n${error.hint}\n${String(error.cause ?? '')}`, secret, c.stdout);
  }
});

const certAndKey = () => selfSigned('exec-user');

test("a certificate or key that is not PEM is refused in client-go's words", async () => {
  const { cert } = certAndKey();
  const key = '-----BEGIN EC PRIVATE KEY-----\nMHcCkey\n-----END EC PRIVATE KEY-----\n';
  const error = await rejection(
    provider(fakeRunner(printed({ clientCertificateData: cert, clientKeyData: key })).run).get(),
  );
  assert.match(error.message, 'failed parsing client key/certificate');
  assert.not.match(error.message, 'MHcCkey');
});

test('a client certificate and key are returned as Buffers (with a token, if given)', async () => {
  const { cert, key } = certAndKey();
  const onlyCert = await provider(fakeRunner(printed({ clientCertificateData: cert, clientKeyData: key })).run).get();
  assert.instance(onlyCert.cert, Buffer);
  assert.instance(onlyCert.key, Buffer);
  assert.is(onlyCert.cert?.toString('utf8'), cert);
  assert.is(onlyCert.key?.toString('utf8'), key);
  assert.is(onlyCert.token, undefined);
  const both = await provider(
    fakeRunner(printed({ token: 'tok', clientCertificateData: cert, clientKeyData: key })).run,
  ).get();
  assert.is(both.token, 'tok');
  assert.is(both.cert?.toString('utf8'), cert);
});

test('only a certificate, or only a key, is refused', async () => {
  const certOnly = await rejection(provider(fakeRunner(printed({ clientCertificateData: 'CERT' })).run).get());
  assert.match(certOnly.message, 'exec plugin returned only certificate or key, not both');
  const keyOnly = await rejection(provider(fakeRunner(printed({ token: 't', clientKeyData: 'KEY' })).run).get());
  assert.match(keyOnly.message, 'exec plugin returned only certificate or key, not both');
});

// ---------------------------------------------------------------- the real runner

test('the real runner: 50 concurrent get() run a node script once; it sees KUBERNETES_EXEC_INFO and the env', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hph exec '));
  const counter = join(dir, 'runs');
  writeFileSync(counter, '');
  const script = join(dir, 'plugin.mjs');
  writeFileSync(
    script,
    [
      "import { appendFileSync } from 'node:fs';",
      'appendFileSync(process.argv[2], "run\\n");',
      'const info = JSON.parse(process.env.KUBERNETES_EXEC_INFO);',
      "const token = ['tok', info.apiVersion, info.spec.interactive, process.env.FROM_KUBECONFIG].join('-');",
      'setTimeout(() => {',
      "  process.stdout.write(JSON.stringify({ kind: 'ExecCredential', apiVersion: info.apiVersion, status: { token } }));",
      '}, 20);',
    ].join('\n'),
  );
  const p = new ExecCredentialProvider(
    {
      command: process.execPath,
      args: [script, counter],
      env: [{ name: 'FROM_KUBECONFIG', value: 'yes' }],
      apiVersion: V1,
      interactiveMode: 'Never',
    },
    undefined,
    'dev-user',
    { env: { ...process.env }, stdinIsTerminal: false },
  );
  const all = await Promise.all(Array.from({ length: 50 }, () => p.get()));
  assert.is(readFileSync(counter, 'utf8'), 'run\n');
  assert.is(p.runs, 1);
  assert.ok(all.every((c) => c === all[0]));
  assert.is(all[0]?.token, `tok-${V1}-false-yes`);
});

test('the real runner: a missing command and a failing one', async () => {
  const missing = new ExecCredentialProvider(
    { command: 'hph-no-such-credential-plugin', apiVersion: V1, interactiveMode: 'Never' },
    undefined,
    'dev-user',
    { env: { PATH: process.env.PATH }, stdinIsTerminal: false },
  );
  const notFound = await rejection(missing.get());
  assert.match(notFound.message, 'exec: executable hph-no-such-credential-plugin not found');
  const failing = new ExecCredentialProvider(
    { command: process.execPath, args: ['-e', 'process.exit(7)'], apiVersion: V1, interactiveMode: 'Never' },
    undefined,
    'dev-user',
    { env: {}, stdinIsTerminal: false },
  );
  const failed = await rejection(failing.get());
  assert.match(failed.message, `exec: executable ${process.execPath} failed with exit code 7`);
});

test('prefetch: one run started ahead; the first get() takes its credential, or its failure, without a second run', async () => {
  const ok = fakeRunner(printed({ token: 'early' }));
  const p = provider(ok.run);
  p.prefetch();
  p.prefetch();
  assert.is((await p.get()).token, 'early');
  assert.is((await p.get()).token, 'early');
  assert.is(ok.runs.length, 1);
  const bad = fakeRunner({ code: 1 });
  const q = provider(bad.run);
  q.prefetch();
  const error = await q.get().then(
    () => undefined,
    (e: Error) => e,
  );
  assert.match(error?.message ?? '', 'failed with exit code 1');
  assert.is(bad.runs.length, 1, 'the failure is reported from the early run');
});

test.run();
