/**
 * The release artifact (npm run package) installed for real, the way users install it: into fresh helm homes
 * (paths with spaces) with a PATH that holds node and the shell, but no npm; then a hooked
 * `helm parallel-hooks install` through the installed plugin on the local control plane.
 *   helm 4.1.4  the .tgz signed by `helm plugin package --sign` (throwaway GPG key), verification on; the
 *               unsigned .tgz refused with verification on, installed with --verify=false
 *   helm 4.3.1  the signed .tgz from an oci:// reference (a local registry, scripts/fetch-registry)
 *   helm 3.18.0 and 3.22.0: the extracted folder, and an http URL (the -helm3.tgz, served as application/gzip)
 *   a source checkout, which install.sh builds with npm
 * Install wall times are printed, not asserted.
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pushPlugin } from '../../scripts/oci-push.js';
import { CHART, dropNamespace, find, kubeconfig, namespace, REPO, record, valuesFile } from './harness.js';

const work = mkdtempSync(join(tmpdir(), 'hph install e2e '));
const KEY = 'helm-parallel-hooks e2e <e2e@example.invalid>';
const MAX_PLUGIN_BYTES = 5 * 1024 * 1024;

function lastLine(out: string): string {
  return out.trim().split('\n').pop() as string;
}

function fetchHelm(version: string): string {
  return lastLine(execFileSync(join(REPO, 'scripts/fetch-helm'), [version], { encoding: 'utf8' }));
}

/** A bin folder with node and what helm's hooks and the launcher run (sh, bash, dirname): no npm. */
function toolsWithoutNpm(): string {
  const dir = join(work, 'bin');
  mkdirSync(dir);
  for (const tool of ['node', 'sh', 'bash', 'dirname']) {
    const found = execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
    symlinkSync(found, join(dir, tool));
  }
  return dir;
}
const TOOLS = toolsWithoutNpm();

interface Home {
  helm: string;
  env: Record<string, string>;
  plugins: string;
}

/** helm of that version with a fresh, empty home; PATH without npm unless `path` says otherwise. */
function freshHome(version: string, path = TOOLS): Home {
  const dir = mkdtempSync(join(work, `helm ${version} home `));
  const plugins = join(dir, 'data home', 'plugins');
  const env = {
    PATH: path,
    HOME: dir,
    KUBECONFIG: kubeconfig(),
    HELM_DATA_HOME: join(dir, 'data home'),
    HELM_CONFIG_HOME: join(dir, 'config home'),
    HELM_CACHE_HOME: join(dir, 'cache home'),
    HELM_PLUGINS: plugins,
    HELM_PARALLEL_HOOKS_OUTPUT: 'plain',
  };
  return { helm: fetchHelm(version), env, plugins };
}

async function run(home: Home, args: string[], cwd = work) {
  const r = await execa(home.helm, args, { env: home.env, extendEnv: false, cwd, reject: false, stdin: 'ignore' });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** `helm plugin install ...`, timed and printed. */
async function install(home: Home, label: string, args: string[]) {
  const start = performance.now();
  const r = await run(home, ['plugin', 'install', ...args]);
  console.log(`    install wall time, ${label}: ${((performance.now() - start) / 1000).toFixed(2)} s`);
  return r;
}

function bytesUnder(dir: string): { bytes: number; nodeModules: boolean } {
  let bytes = 0;
  let nodeModules = false;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.name === 'node_modules') nodeModules = true;
    if (e.isFile()) bytes += statSync(join(e.parentPath, e.name)).size;
  }
  return { bytes, nodeModules };
}

/** The installed plugin folder (a folder install is a symlink to it): small, and no node_modules. */
function assertInstalledFolder(home: Home): void {
  const dir = realpathSync(join(home.plugins, 'parallel-hooks'));
  const { bytes, nodeModules } = bytesUnder(dir);
  console.log(`    installed plugin folder: ${(bytes / 1024 / 1024).toFixed(2)} MB`);
  assert.ok(bytes <= MAX_PLUGIN_BYTES, `plugin folder is ${bytes} bytes, more than 5 MB`);
  assert.not.ok(nodeModules, 'no node_modules in the installed plugin');
}

const hookValues = valuesFile({
  hooks: [
    { name: 'pre-a', kind: 'Job', events: 'pre-install', weight: '0', runFor: '300ms' },
    { name: 'pre-b', kind: 'Job', events: 'pre-install', weight: '0', runFor: '300ms' },
    { name: 'post', kind: 'Job', events: 'post-install', weight: '0', runFor: '300ms' },
  ],
});

/** A hooked install through the installed plugin: exit 0, every hook Job ran and completed, release deployed. */
async function assertHookedInstall(home: Home, label: string): Promise<void> {
  const ns = await namespace(`inst-${label}`);
  const rec = await record(ns);
  const r = await run(home, [
    'parallel-hooks',
    'install',
    'hooked',
    CHART,
    '-n',
    ns,
    '-f',
    hookValues,
    '--hook-parallelism',
    '2',
  ]);
  const recs = await rec.stop();
  assert.is(r.exitCode, 0, r.stderr);
  for (const name of ['pre-a', 'pre-b', 'post']) {
    const [job] = find(recs, 'Job', name);
    assert.ok(job?.finishedAt !== undefined && !job.failed, `hook Job ${name} ran and completed`);
  }
  const status = await run(home, ['status', 'hooked', '-n', ns, '-o', 'json']);
  assert.is((JSON.parse(status.stdout) as { info: { status: string } }).info.status, 'deployed');
  // The installed plugin's shim is helm: a command through it passes to helm unchanged.
  const shim = (await run(home, ['parallel-hooks', 'shim'])).stdout.trim();
  const viaShim = await execa(shim, ['status', 'hooked', '-n', ns, '-o', 'json'], {
    env: { ...home.env, HELM_PARALLEL_HOOKS_HELM: home.helm },
    extendEnv: false,
    reject: false,
  });
  assert.is(viaShim.exitCode, 0, String(viaShim.stderr));
  assert.is(String(viaShim.stdout), status.stdout, 'the shim passes helm status through');
  await dropNamespace(ns);
}

/** The artifacts, built once: npm run package's, and the signed .tgz + .prov from a throwaway GPG key. */
const artifacts = (() => {
  const plain = join(work, 'plain');
  const signed = join(work, 'signed');
  execFileSync('npm', ['run', '--silent', 'package', '--', '--destination', plain], {
    cwd: REPO,
    env: { ...process.env, HPH_BUNDLE_QUIET: '1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const gnupg = join(work, 'gnupg');
  mkdirSync(gnupg, { mode: 0o700 });
  const secring = join(work, 'secring.gpg');
  const pubring = join(work, 'pubring.gpg');
  const gpg = (args: string[], out?: string) => {
    try {
      const bytes = execFileSync('gpg', ['--batch', ...args], {
        env: { ...process.env, GNUPGHOME: gnupg },
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      if (out) writeFileSync(out, bytes);
    } catch (e) {
      throw new Error(`gpg ${args.join(' ')} failed (${(e as Error).message}); is gpg installed? (scripts/setup)`);
    }
  };
  gpg(['--pinentry-mode', 'loopback', '--passphrase', '', '--quick-gen-key', KEY, 'rsa2048', 'sign', 'never']);
  gpg(['--export-secret-keys'], secring); // helm reads legacy keyring files
  gpg(['--export'], pubring);
  execFileSync('node', ['scripts/package.mjs', '--destination', signed, '--sign', '--key', KEY, '--keyring', secring], {
    cwd: REPO,
    env: { ...process.env, HELM_BIN: fetchHelm('4') },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const version = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version as string;
  return {
    tgz: join(plain, `parallel-hooks-${version}.tgz`),
    flat: join(plain, `parallel-hooks-${version}-helm3.tgz`),
    signed: join(signed, `parallel-hooks-${version}.tgz`),
    pubring,
  };
})();

test('npm run package: one top folder parallel-hooks/ holding only the run-time files', () => {
  const listing = execFileSync('tar', ['-tzf', artifacts.tgz], { encoding: 'utf8' }).trim().split('\n');
  const files = listing.filter((f) => !f.endsWith('/')).sort();
  assert.equal(files, [
    'parallel-hooks/LICENSE',
    'parallel-hooks/README.md',
    'parallel-hooks/bin/helm-parallel-hooks',
    'parallel-hooks/bin/install-check.cjs',
    'parallel-hooks/bin/loader.cjs',
    'parallel-hooks/dist/cli.cjs',
    'parallel-hooks/dist/cli.cjs.LEGAL.txt',
    'parallel-hooks/dist/cli.cjs.map',
    'parallel-hooks/dist/shim/helm',
    'parallel-hooks/dist/shim/helm.cmd',
    'parallel-hooks/dist/shim/shim.cjs',
    'parallel-hooks/install.sh',
    'parallel-hooks/plugin.yaml',
  ]);
  const flat = execFileSync('tar', ['-tzf', artifacts.flat], { encoding: 'utf8' });
  assert.match(flat, /^plugin\.yaml$/m);
});

test('helm 4.1.4: the signed .tgz with verification on (the default), then a hooked install', async () => {
  const home = freshHome('4.1.4');
  const r = await install(home, 'helm 4.1.4, signed .tgz, verified', [
    artifacts.signed,
    '--keyring',
    artifacts.pubring,
  ]);
  assert.is(r.exitCode, 0, r.stderr);
  assert.match(r.stdout, /Signed by: helm-parallel-hooks e2e/);
  assert.match(r.stdout, /Plugin Hash Verified: sha256:/);
  assertInstalledFolder(home);
  await assertHookedInstall(home, 'h4-signed');
});

test('helm 4.1.4: a .tgz that is not the one its .prov signed is refused', async () => {
  const dir = mkdtempSync(join(work, 'tampered '));
  const tgz = join(dir, basename(artifacts.signed));
  cpSync(artifacts.tgz, tgz); // same name, other bytes
  cpSync(`${artifacts.signed}.prov`, `${tgz}.prov`);
  const home = freshHome('4.1.4');
  const r = await run(home, ['plugin', 'install', tgz, '--keyring', artifacts.pubring]);
  assert.is.not(r.exitCode, 0);
  assert.match(r.stderr, /plugin verification failed/);
  assert.not.ok(existsSync(join(home.plugins, 'parallel-hooks')), 'nothing installed');
});

test('helm 4.1.4: the unsigned .tgz is refused with verification on, installs with --verify=false', async () => {
  const refused = await run(freshHome('4.1.4'), ['plugin', 'install', artifacts.tgz]);
  assert.is.not(refused.exitCode, 0);
  assert.match(refused.stderr, /no provenance file/);
  const home = freshHome('4.1.4');
  const r = await install(home, 'helm 4.1.4, .tgz, --verify=false', [artifacts.tgz, '--verify=false']);
  assert.is(r.exitCode, 0, r.stderr);
  assertInstalledFolder(home);
  const help = await run(home, ['parallel-hooks', '--help']);
  assert.is(help.exitCode, 0, help.stderr);
  assert.match(help.stdout, /--hook-parallelism/);
});

/** Serves the -helm3.tgz over http as application/gzip (helm 3 checks the content type with a HEAD). */
async function serveFlat(): Promise<{ url: string; close: () => void }> {
  const data = readFileSync(artifacts.flat);
  const server = createServer((req, res) => {
    const ok = req.url === `/${basename(artifacts.flat)}`;
    res.writeHead(ok ? 200 : 404, ok ? { 'content-type': 'application/gzip', 'content-length': data.length } : {});
    res.end(ok && req.method === 'GET' ? data : undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/${basename(artifacts.flat)}`;
  return { url, close: () => server.close() };
}

const extracted = join(work, 'extracted');
mkdirSync(extracted);
execFileSync('tar', ['-xzf', artifacts.tgz, '-C', extracted]);

for (const version of ['3.18.0', '3.22.0']) {
  test(`helm ${version}: the extracted folder, then a hooked install`, async () => {
    const home = freshHome(version);
    const r = await install(home, `helm ${version}, extracted folder`, [join(extracted, 'parallel-hooks')]);
    assert.is(r.exitCode, 0, r.stderr);
    assertInstalledFolder(home);
    await assertHookedInstall(home, `h${version.replace(/\./g, '')}-folder`);
  });

  test(`helm ${version}: an http URL (the -helm3.tgz, application/gzip), then a hooked install`, async () => {
    const server = await serveFlat();
    try {
      const home = freshHome(version);
      const r = await install(home, `helm ${version}, URL`, [server.url]);
      assert.is(r.exitCode, 0, r.stderr);
      assertInstalledFolder(home);
      await assertHookedInstall(home, `h${version.replace(/\./g, '')}-url`);
    } finally {
      server.close();
    }
  });
}

async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

test('helm 4.3.1: the signed .tgz from an oci:// reference (local registry), verified, then a hooked install', async () => {
  const registryBin = lastLine(execFileSync(join(REPO, 'scripts/fetch-registry'), { encoding: 'utf8' }));
  const port = await freePort();
  const storage = join(work, 'registry');
  const config = join(work, 'registry.yaml');
  writeFileSync(
    config,
    `version: 0.1\nlog: {level: error}\nstorage: {filesystem: {rootdirectory: "${storage}"}}\nhttp: {addr: "127.0.0.1:${port}"}\n`,
  );
  const registry = spawn(registryBin, ['serve', config], { stdio: 'ignore' });
  try {
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      const up = await fetch(`${base}/v2/`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) break;
      if (i > 100) throw new Error('the local OCI registry did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    await pushPlugin(base, 'plugins/parallel-hooks', '0.1.0', artifacts.signed, `${artifacts.signed}.prov`);
    const home = freshHome('4.3.1');
    const ref = `oci://127.0.0.1:${port}/plugins/parallel-hooks:0.1.0`;
    const r = await install(home, 'helm 4.3.1, oci://, verified', [
      ref,
      '--plain-http',
      '--keyring',
      artifacts.pubring,
    ]);
    assert.is(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /Plugin Hash Verified: sha256:/);
    assertInstalledFolder(home);
    await assertHookedInstall(home, 'h4-oci');
  } finally {
    registry.kill();
  }
});

test('a source checkout: install.sh installs the build tools with npm and builds', async () => {
  const checkout = join(work, 'checkout');
  const tracked = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: REPO, encoding: 'utf8' });
  for (const file of tracked.split('\0').filter(Boolean)) {
    mkdirSync(join(checkout, file, '..'), { recursive: true });
    cpSync(join(REPO, file), join(checkout, file));
  }
  const home = freshHome('3.18.0', process.env.PATH);
  const r = await install(home, 'helm 3.18.0, source checkout (npm ci + build)', [checkout]);
  assert.is(r.exitCode, 0, r.stderr);
  assert.match(r.stdout, /installing the build tools and building/);
  const help = await run(home, ['parallel-hooks', '--help']);
  assert.is(help.exitCode, 0, help.stderr);
  assert.match(help.stdout, /--hook-parallelism/);
});

// The source checkout alone holds 200+ MB of node_modules.
test.after(() => rmSync(work, { recursive: true, force: true }));

test.run();
