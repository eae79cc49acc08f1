/**
 * bin/helm-parallel-hooks on a stand-in bundle: the plugin folder found from the launcher's own path
 * (absolute or relative, no dirname process), and NODE_EXTRA_CA_CERTS handed over to the bundle instead
 * of being loaded by node at start-up, except under --use-openssl-ca (src/kube/extra-ca.ts).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const repo = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** A plugin folder (path with a space) whose bundle prints what it was started with. */
function pluginFolder(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'hph launcher ')), 'parallel hooks');
  mkdirSync(join(dir, 'bin'), { recursive: true });
  cpSync(join(repo, 'bin/helm-parallel-hooks'), join(dir, 'bin/helm-parallel-hooks'));
  cpSync(join(repo, 'bin/loader.cjs'), join(dir, 'bin/loader.cjs'));
  mkdirSync(join(dir, 'dist'));
  writeFileSync(
    join(dir, 'dist/cli.cjs'),
    'process.stdout.write(JSON.stringify({ file: __filename, args: process.argv.slice(2), nodeCa: process.env.NODE_EXTRA_CA_CERTS ?? null, handed: process.env.HELM_PARALLEL_HOOKS_EXTRA_CA_CERTS ?? null }));\n',
  );
  return dir;
}

function launch(cwd: string, launcher: string, env: Record<string, string | undefined>) {
  const { NODE_EXTRA_CA_CERTS: _, NODE_OPTIONS: __, ...base } = process.env;
  const r = spawnSync(launcher, ['upgrade', 'app', './chart'], {
    cwd,
    encoding: 'utf8',
    env: { ...base, HELM_PARALLEL_HOOKS_CODE_CACHE: '0', ...env },
  });
  assert.is(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { file: string; args: string[]; nodeCa: string | null; handed: string | null };
}

test('absolute path: the bundle beside it runs with the arguments as given', () => {
  const dir = pluginFolder();
  const out = launch(tmpdir(), join(dir, 'bin/helm-parallel-hooks'), {});
  assert.is(out.file, join(dir, 'dist/cli.cjs'));
  assert.equal(out.args, ['upgrade', 'app', './chart']);
  assert.equal([out.nodeCa, out.handed], [null, null]);
});

test('relative path: the same bundle, by an absolute file name', () => {
  const dir = pluginFolder();
  const out = launch(dir, 'bin/helm-parallel-hooks', {});
  assert.is(out.file, join(dir, 'dist/cli.cjs'));
});

test('NODE_EXTRA_CA_CERTS is handed over, not left for node to load at start-up', () => {
  const out = launch(tmpdir(), join(pluginFolder(), 'bin/helm-parallel-hooks'), {
    NODE_EXTRA_CA_CERTS: '/etc/extra ca.pem',
  });
  assert.equal([out.nodeCa, out.handed], [null, '/etc/extra ca.pem']);
});

test('empty NODE_EXTRA_CA_CERTS, or --use-openssl-ca in NODE_OPTIONS: node keeps it as it is', () => {
  const launcher = join(pluginFolder(), 'bin/helm-parallel-hooks');
  const empty = launch(tmpdir(), launcher, { NODE_EXTRA_CA_CERTS: '' });
  assert.equal([empty.nodeCa, empty.handed], ['', null]);
  const openssl = launch(tmpdir(), launcher, {
    NODE_EXTRA_CA_CERTS: '/etc/extra ca.pem',
    NODE_OPTIONS: '--use-openssl-ca',
  });
  assert.equal([openssl.nodeCa, openssl.handed], ['/etc/extra ca.pem', null]);
});

test.run();
