/**
 * install.sh, run by `helm plugin install`: refuses a missing or old Node.js with a message that says what to
 * do; a packaged plugin needs nothing but node (npm is never run); a source checkout builds when stale.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const script = resolve(fileURLToPath(new URL('../../install.sh', import.meta.url)));

function executable(file: string, body: string): void {
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
}

/**
 * A PATH holding a fake `node` of that version (or none), optionally a fake `npm` that logs its arguments to
 * npm.log beside it (and, for `run build`, writes dist/cli.cjs), plus the shell tools install.sh uses.
 */
function pathWith(fakeNodeVersion: string | undefined, withNpm = false): string {
  const dir = mkdtempSync(join(tmpdir(), 'hph fake node '));
  if (fakeNodeVersion !== undefined) {
    const major = fakeNodeVersion.split('.')[0];
    executable(join(dir, 'node'), `case "$1" in -p) echo ${major} ;; --version) echo v${fakeNodeVersion} ;; esac`);
  }
  if (withNpm)
    executable(
      join(dir, 'npm'),
      `echo "$*" >> "${join(dir, 'npm.log')}"\ncase "$*" in *build*) mkdir -p dist && echo built > dist/cli.cjs ;; esac`,
    );
  for (const tool of ['dirname', 'find', 'mkdir']) {
    const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    if (found) spawnSync('ln', ['-s', found, join(dir, tool)]);
  }
  return dir;
}

/** npm's calls logged by the fake npm in that PATH directory, one per line. */
function npmCalls(path: string): string[] {
  const log = join(path, 'npm.log');
  return existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
}

/** A plugin folder with install.sh: packaged (dist/cli.cjs, no src/) or a source checkout (src/, package.json). */
function pluginFolder(kind: 'packaged' | 'source', built: 'built' | 'stale' | 'unbuilt' = 'built'): string {
  const dir = mkdtempSync(join(tmpdir(), 'hph plugin '));
  copyFileSync(script, join(dir, 'install.sh'));
  if (kind === 'source') {
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src/cli.ts'), '');
    writeFileSync(join(dir, 'package.json'), '{}');
  }
  if (built !== 'unbuilt') {
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist/cli.cjs'), '');
    // stale: the build is older than the source
    const when = built === 'stale' ? new Date(Date.now() - 3600_000) : new Date(Date.now() + 60_000);
    utimesSync(join(dir, 'dist/cli.cjs'), when, when);
  }
  return dir;
}

function install(path: string, pluginDir = resolve(script, '..')) {
  // from another directory, as helm runs install hooks in the user's current directory
  return spawnSync('/bin/bash', [join(pluginDir, 'install.sh')], {
    cwd: tmpdir(),
    env: { PATH: path, HELM_PLUGIN_DIR: pluginDir },
    encoding: 'utf8',
  });
}

test('install.sh without node: a clear message, exit 1', () => {
  const r = install(pathWith(undefined));
  assert.is(r.status, 1);
  assert.match(r.stderr, /Node\.js 20 or later is required, and node is not on PATH/);
});

test('install.sh with Node.js 18: names the version found and what to do', () => {
  const r = install(pathWith('18.19.0'));
  assert.is(r.status, 1);
  assert.match(r.stderr, /Node\.js 20 or later is required; found v18\.19\.0/);
  assert.match(r.stderr, /helm plugin update parallel-hooks/);
});

test('a packaged plugin: node 20 is enough; npm is never run, even when it is there', () => {
  const path = pathWith('20.11.1', true);
  const r = install(path, pluginFolder('packaged'));
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /ready \(Node\.js v20\.11\.1\)/);
  assert.equal(npmCalls(path), []);
});

test('a packaged plugin without npm on PATH installs', () => {
  const r = install(pathWith('22.3.0'), pluginFolder('packaged'));
  assert.is(r.status, 0, r.stderr);
});

test('a packaged plugin with node 18 is refused like a checkout, and says nothing else is needed', () => {
  const r = install(pathWith('18.19.0', true), pluginFolder('packaged'));
  assert.is(r.status, 1);
  assert.match(r.stderr, /found v18\.19\.0\. Upgrade Node\.js, then helm parallel-hooks works as installed/);
});

test('a packaged plugin without dist/cli.cjs: says the package is incomplete and what to install', () => {
  const r = install(pathWith('22.3.0'), pluginFolder('packaged', 'unbuilt'));
  assert.is(r.status, 1);
  assert.match(r.stderr, /dist\/cli\.cjs is missing .* package is incomplete/);
  assert.match(r.stderr, /parallel-hooks-<version>\.tgz/);
});

test('a source checkout with a stale build: npm ci, then the build', () => {
  const path = pathWith('22.3.0', true);
  const dir = pluginFolder('source', 'stale');
  const r = install(path, dir);
  assert.is(r.status, 0, r.stderr);
  assert.equal(
    npmCalls(path).map((c) => c.split(' ').slice(0, 2).join(' ')),
    ['ci --no-audit', 'run --silent'],
  );
  assert.is(readFileSync(join(dir, 'dist/cli.cjs'), 'utf8').trim(), 'built');
});

test('a source checkout never built: builds', () => {
  const path = pathWith('22.3.0', true);
  const r = install(path, pluginFolder('source', 'unbuilt'));
  assert.is(r.status, 0, r.stderr);
  assert.is(npmCalls(path).length, 2);
});

test('a source checkout already built: nothing to do, npm not run', () => {
  const path = pathWith('22.3.0', true);
  const r = install(path, pluginFolder('source', 'built'));
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /already built/);
  assert.equal(npmCalls(path), []);
});

test('a source checkout that needs a build, without npm: says so and offers the release .tgz', () => {
  const r = install(pathWith('22.3.0'), pluginFolder('source', 'stale'));
  assert.is(r.status, 1);
  assert.match(r.stderr, /npm is not on PATH/);
  assert.match(r.stderr, /release parallel-hooks-<version>\.tgz/);
});

test('a failing npm ci: names the step and what to check', () => {
  const path = pathWith('22.3.0');
  executable(join(path, 'npm'), 'exit 1');
  const r = install(path, pluginFolder('source', 'stale'));
  assert.is(r.status, 1);
  assert.match(r.stderr, /npm ci failed in .*Check the network/);
});

test.run();
