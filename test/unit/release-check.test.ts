/** scripts/release-check.mjs: the tag, package.json and plugin.yaml agree, or the release stops, saying which differs. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const version = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version as string;

function check(tag: string, repo = REPO) {
  return spawnSync(process.execPath, [join(REPO, 'scripts/release-check.mjs'), tag], {
    encoding: 'utf8',
    env: { ...process.env, HPH_RELEASE_REPO: repo },
  });
}

test('the repository as it is: v<version> passes and prints the version', () => {
  const r = check(`v${version}`);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout.trim(), version);
});

test('a tag without v, another version, or files that disagree stop the release, naming what differs', () => {
  assert.match(check(version).stderr, 'does not start with v');
  assert.match(check('v9.9.9').stderr, `package.json says ${version}`);
  assert.match(check('v1.2').stderr, 'not a semantic version');
  const dir = mkdtempSync(join(tmpdir(), 'hph release '));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ version: '1.0.0' }));
  writeFileSync(join(dir, 'plugin.yaml'), 'name: parallel-hooks\nversion: 1.0.1\n');
  const r = check('v1.0.0', dir);
  assert.is(r.status, 1);
  assert.match(r.stderr, 'plugin.yaml says 1.0.1');
});

test.run();
