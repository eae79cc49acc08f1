/**
 * plugin.yaml's platformCommand / platformHooks: the Windows entries run node directly (no shell, no .cmd),
 * every other system the sh launcher and install.sh; helm splits each command at spaces before expanding
 * $HELM_PLUGIN_DIR, so each must be a single word per argument. The node entries run here as Windows runs them.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));

interface Entry {
  os?: string;
  arch?: string;
  command: string;
  args?: string[];
}
const manifest = parse(readFileSync(join(REPO, 'plugin.yaml'), 'utf8')) as {
  command?: string;
  hooks?: unknown;
  platformCommand: Entry[];
  platformHooks: Record<string, Entry[]>;
};

/** As helm 3.18+ and 4 do: split at spaces, then expand $HELM_PLUGIN_DIR in each part. */
const argv = (e: Entry, pluginDir: string) =>
  [...e.command.split(' '), ...(e.args ?? [])].map((p) => p.replaceAll('$HELM_PLUGIN_DIR', pluginDir));

test('only platformCommand and platformHooks (helm 4 refuses command beside platformCommand), no args field (helm 3.17 refuses it)', () => {
  assert.is(manifest.command, undefined);
  assert.is(manifest.hooks, undefined);
  for (const e of [...manifest.platformCommand, ...Object.values(manifest.platformHooks).flat()])
    assert.is(e.args, undefined, e.command);
  assert.equal(Object.keys(manifest.platformHooks).sort(), ['install', 'update']);
});

test('each list has a Windows entry running node, and an entry for every other system', () => {
  for (const list of [manifest.platformCommand, ...Object.values(manifest.platformHooks)]) {
    const windows = list.filter((e) => e.os === 'windows');
    const any = list.filter((e) => e.os === undefined && e.arch === undefined);
    assert.is(windows.length, 1);
    assert.is(any.length, 1);
    assert.is(argv(windows[0] as Entry, 'C:/p d')[0], 'node');
    assert.not.match((any[0] as Entry).command, /^(sh|bash|cmd)\b|\.cmd$/, 'no shell command, no .cmd');
  }
  const dir = '/plugins/with space';
  assert.equal(argv(manifest.platformCommand.find((e) => e.os === 'windows') as Entry, dir), [
    'node',
    `${dir}/dist/cli.cjs`,
  ]);
});

test('the Windows command entry (node on the bundle) runs the plugin and says it had no launcher', () => {
  const entry = manifest.platformCommand.find((e) => e.os === 'windows') as Entry;
  const [cmd, ...args] = argv(entry, REPO);
  const r = spawnSync(cmd === 'node' ? process.execPath : (cmd as string), [...args, '--version'], {
    env: { ...process.env, HELM_DEBUG: 'true', HELM_PARALLEL_HOOKS_LAUNCHER: '' },
    encoding: 'utf8',
  });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout.trim(), JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version);
  assert.match(r.stderr, 'started by node on dist/cli.cjs (no launcher)');
});

test('the Windows install hook (node): a release folder is ready with node >= 20; without its bundle it says what to do', () => {
  const entry = manifest.platformHooks.install?.find((e) => e.os === 'windows') as Entry;
  const dir = mkdtempSync(join(tmpdir(), 'hph win plugin '));
  mkdirSync(join(dir, 'bin'));
  cpSync(join(REPO, 'bin/install-check.cjs'), join(dir, 'bin/install-check.cjs'));
  const run = () => {
    const [, ...args] = argv(entry, dir);
    return spawnSync(process.execPath, args, { env: { ...process.env, HELM_PLUGIN_DIR: dir }, encoding: 'utf8' });
  };
  const missing = run();
  assert.is(missing.status, 1);
  assert.match(missing.stderr, 'dist/cli.cjs is missing');
  mkdirSync(join(dir, 'dist'));
  writeFileSync(join(dir, 'dist/cli.cjs'), '');
  const ready = run();
  assert.is(ready.status, 0, ready.stderr);
  assert.match(ready.stdout, `ready (Node.js ${process.version})`);
});

test.run();
