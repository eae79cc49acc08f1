/** install.sh, run by `helm plugin install`: refuses a missing or old Node.js with a message that says what to do. */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const script = resolve(fileURLToPath(new URL('../../install.sh', import.meta.url)));

/** A PATH holding only a fake `node` (or none) plus the shell tools install.sh uses. */
function pathWith(fakeNodeVersion: string | undefined): string {
  const dir = mkdtempSync(join(tmpdir(), 'hph fake node '));
  if (fakeNodeVersion !== undefined) {
    const major = fakeNodeVersion.split('.')[0];
    const node = join(dir, 'node');
    writeFileSync(node, `#!/bin/sh\ncase "$1" in -p) echo ${major} ;; --version) echo v${fakeNodeVersion} ;; esac\n`);
    chmodSync(node, 0o755);
  }
  for (const tool of ['dirname', 'find']) {
    const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    if (found) spawnSync('ln', ['-s', found, join(dir, tool)]);
  }
  return dir;
}

function install(path: string) {
  // from another directory, as helm runs install hooks in the user's current directory
  return spawnSync('/bin/bash', [script], {
    cwd: tmpdir(),
    env: { PATH: path, HELM_PLUGIN_DIR: resolve(script, '..') },
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

test.run();
