/**
 * scripts/package.mjs (npm run package) on a copy of the repository's run-time files: the two archives' layout
 * and modes, read back by the system's tar; equal versions enforced; a missing build named.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const repo = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** A folder shaped like the repository, with a stand-in build; the real plugin.yaml and package.json. */
function fakeRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hph package '));
  for (const file of [
    'scripts/package.mjs',
    'scripts/tar.mjs',
    'plugin.yaml',
    'package.json',
    'bin/helm-parallel-hooks',
    'bin/install-check.cjs',
    'bin/loader.cjs',
    'install.sh',
    'README.md',
    'LICENSE',
  ])
    cpSync(join(repo, file), join(dir, file));
  mkdirSync(join(dir, 'dist', 'shim'), { recursive: true });
  for (const file of ['cli.cjs', 'cli.cjs.map', 'cli.cjs.LEGAL.txt', 'shim/helm', 'shim/helm.cmd', 'shim/shim.cjs'])
    writeFileSync(join(dir, 'dist', file), `// ${file}\n`);
  return dir;
}

function packageIn(dir: string, ...args: string[]) {
  return spawnSync(process.execPath, [join(dir, 'scripts/package.mjs'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000' },
  });
}

const version = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).version as string;

function listing(archive: string): string[] {
  const r = spawnSync('tar', ['-tvzf', archive], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  // "-rwxr-xr-x root/root 693 2023-11-14 22:13 parallel-hooks/install.sh" -> "-rwxr-xr-x root/root parallel-hooks/install.sh"
  return r.stdout
    .trim()
    .split('\n')
    .map((line) => {
      const f = line.split(/\s+/);
      return `${f[0]} ${f[1]} ${f[5]}`;
    });
}

test('the .tgz: every run-time file under parallel-hooks/, root-owned, scripts executable', () => {
  const dir = fakeRepo();
  const r = packageIn(dir, '--destination', join(dir, 'out'));
  assert.is(r.status, 0, r.stderr);
  assert.equal(listing(join(dir, 'out', `parallel-hooks-${version}.tgz`)), [
    'drwxr-xr-x root/root parallel-hooks/',
    'drwxr-xr-x root/root parallel-hooks/bin/',
    'drwxr-xr-x root/root parallel-hooks/dist/',
    'drwxr-xr-x root/root parallel-hooks/dist/shim/',
    '-rw-r--r-- root/root parallel-hooks/plugin.yaml',
    '-rwxr-xr-x root/root parallel-hooks/bin/helm-parallel-hooks',
    '-rwxr-xr-x root/root parallel-hooks/bin/install-check.cjs',
    '-rw-r--r-- root/root parallel-hooks/bin/loader.cjs',
    '-rw-r--r-- root/root parallel-hooks/dist/cli.cjs',
    '-rwxr-xr-x root/root parallel-hooks/dist/shim/helm',
    '-rw-r--r-- root/root parallel-hooks/dist/shim/helm.cmd',
    '-rw-r--r-- root/root parallel-hooks/dist/shim/shim.cjs',
    '-rw-r--r-- root/root parallel-hooks/dist/cli.cjs.map',
    '-rw-r--r-- root/root parallel-hooks/dist/cli.cjs.LEGAL.txt',
    '-rwxr-xr-x root/root parallel-hooks/install.sh',
    '-rw-r--r-- root/root parallel-hooks/README.md',
    '-rw-r--r-- root/root parallel-hooks/LICENSE',
  ]);
});

test('the -helm3.tgz: the same files at the archive root, contents intact', () => {
  const dir = fakeRepo();
  assert.is(packageIn(dir, '--destination', join(dir, 'out')).status, 0);
  const archive = join(dir, 'out', `parallel-hooks-${version}-helm3.tgz`);
  assert.ok(listing(archive).includes('-rw-r--r-- root/root plugin.yaml'));
  const out = join(dir, 'x');
  mkdirSync(out);
  spawnSync('tar', ['-xzf', archive, '-C', out]);
  assert.is(readFileSync(join(out, 'plugin.yaml'), 'utf8'), readFileSync(join(repo, 'plugin.yaml'), 'utf8'));
  assert.is(readFileSync(join(out, 'LICENSE'), 'utf8'), readFileSync(join(repo, 'LICENSE'), 'utf8'));
});

test('the same input and SOURCE_DATE_EPOCH give the same bytes', () => {
  const dir = fakeRepo();
  packageIn(dir, '--destination', join(dir, 'a'));
  packageIn(dir, '--destination', join(dir, 'b'));
  const name = `parallel-hooks-${version}.tgz`;
  assert.ok(readFileSync(join(dir, 'a', name)).equals(readFileSync(join(dir, 'b', name))));
});

test('package.json and plugin.yaml disagreeing on the version: refused, both named', () => {
  const dir = fakeRepo();
  const yaml = readFileSync(join(dir, 'plugin.yaml'), 'utf8').replace(/^version: .*$/m, 'version: 9.9.9');
  writeFileSync(join(dir, 'plugin.yaml'), yaml);
  const r = packageIn(dir, '--destination', join(dir, 'out'));
  assert.is(r.status, 1);
  assert.match(
    r.stderr,
    new RegExp(`package\\.json says version ${version.replace(/\./g, '\\.')}, plugin\\.yaml says 9\\.9\\.9`),
  );
});

test('no build: names the missing file and npm run build', () => {
  const dir = fakeRepo();
  rmSync(join(dir, 'dist'), { recursive: true });
  const r = packageIn(dir, '--destination', join(dir, 'out'));
  assert.is(r.status, 1);
  assert.match(r.stderr, /dist\/cli\.cjs is missing: run npm run build/);
});

test('--sign without a key: says what it needs', () => {
  const dir = fakeRepo();
  const r = packageIn(dir, '--sign');
  assert.is(r.status, 1);
  assert.match(r.stderr, /--sign needs --key NAME .* and --keyring FILE/);
});

test.run();
