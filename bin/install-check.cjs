#!/usr/bin/env node
// plugin.yaml's install and update hook on Windows (other systems run install.sh): a release needs only
// Node.js >= 20 and its bundle; a source checkout is built with npm, once. Runs in the user's current folder,
// so every path is the plugin's own.
'use strict';
const { existsSync, statSync, readdirSync } = require('node:fs');
const { join } = require('node:path');
const { spawnSync } = require('node:child_process');

const dir = process.env.HELM_PLUGIN_DIR || join(__dirname, '..');
const fail = (message) => {
  process.stderr.write(`helm-parallel-hooks install: ${message}\n`);
  process.exit(1);
};
const major = Number(process.versions.node.split('.')[0]);
if (major < 20)
  fail(`Node.js 20 or later is required; found ${process.version}. Upgrade Node.js, then reinstall the plugin`);
const bundle = join(dir, 'dist', 'cli.cjs');
if (!existsSync(join(dir, 'src'))) {
  if (!existsSync(bundle))
    fail(`dist/cli.cjs is missing from ${dir}: reinstall the plugin from a release parallel-hooks-<version>.tgz`);
  process.stdout.write(`helm-parallel-hooks: ready (Node.js ${process.version})\n`);
  process.exit(0);
}
// A source checkout: built, and no source newer than the build?
const newest = (p) => {
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(p).map((n) => newest(join(p, n))));
};
if (
  existsSync(bundle) &&
  statSync(bundle).mtimeMs >= Math.max(newest(join(dir, 'src')), newest(join(dir, 'package.json')))
) {
  process.stdout.write('helm-parallel-hooks: already built\n');
  process.exit(0);
}
process.stdout.write('helm-parallel-hooks: installing the build tools and building (once)\n');
const npm = (args) =>
  spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, {
    cwd: dir,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
if (npm(['ci', '--no-audit', '--no-fund', '--loglevel=error']).status !== 0)
  fail(`npm ci failed in ${dir} (see npm's message above)`);
if (npm(['run', '--silent', 'build']).status !== 0) fail(`the build failed in ${dir} (see above)`);
process.stdout.write('helm-parallel-hooks: ready\n');
