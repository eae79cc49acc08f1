/**
 * The shim that is helm: which commands go through the plugin (route.ts), and the two shims built from the
 * same table, the POSIX sh one (dist/shim/helm) and the node one (dist/shim/shim.cjs, Windows' form), each
 * run against a stand-in helm that prints the arguments and environment it got.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const SH_SHIM = join(REPO, 'dist/shim/helm');
const NODE_SHIM = join(REPO, 'dist/shim/shim.cjs');

import { CASES } from './shim-cases.js';

/** A folder with a stand-in helm that prints a JSON line of its argv and the shim's variables; exits 7. */
function standIn(): { dir: string; helm: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hph shim '));
  const helm = join(dir, 'helm');
  writeFileSync(
    helm,
    [
      `#!${process.execPath}`,
      'process.stdout.write(JSON.stringify({ argv: process.argv.slice(2), shimmed: process.env.HELM_PARALLEL_HOOKS_SHIMMED ?? null, chosen: process.env.HELM_PARALLEL_HOOKS_HELM ?? null }));',
      'process.exitCode = 7;',
    ].join('\n'),
  );
  chmodSync(helm, 0o755);
  return { dir, helm };
}

function runShim(
  shim: 'sh' | 'node',
  argv: string[],
  env: Record<string, string | undefined>,
): {
  status: number | null;
  out: { argv: string[]; shimmed: string | null; chosen: string | null } | undefined;
  err: string;
} {
  const [cmd, args] = shim === 'sh' ? [SH_SHIM, argv] : [process.execPath, [NODE_SHIM, ...argv]];
  const r = spawnSync(cmd, args, { env: env as NodeJS.ProcessEnv, encoding: 'utf8' });
  return { status: r.status, out: r.stdout ? JSON.parse(r.stdout) : undefined, err: r.stderr };
}

for (const shim of ['sh', 'node'] as const) {
  test(`the ${shim} shim routes as route() does, helm's exit code and argv passed through exactly`, () => {
    const { dir, helm } = standIn();
    for (const c of CASES) {
      const r = runShim(shim, c.argv, { PATH: `${dir}:/usr/bin:/bin` });
      assert.is(r.status, 7, `${JSON.stringify(c.argv)}: ${r.err}`);
      assert.equal(r.out?.argv, c.plugin ?? c.argv, JSON.stringify(c.argv));
      assert.is(
        r.out?.shimmed,
        c.plugin ? '1' : null,
        "a routed command is marked, so the plugin's helm calls pass through",
      );
      if (c.plugin) assert.is(r.out?.chosen, helm);
    }
  });

  test(`the ${shim} shim finds the real helm: HELM_PARALLEL_HOOKS_HELM, HELM_BIN, PATH, never itself`, () => {
    const a = standIn();
    const b = standIn();
    // The shim itself on PATH first, under the name helm (as users put it).
    const shimDir = mkdtempSync(join(tmpdir(), 'hph shim path '));
    const target = shim === 'sh' ? SH_SHIM : NODE_SHIM;
    symlinkSync(target, join(shimDir, shim === 'sh' ? 'helm' : 'shim.cjs'));
    const path = `${shim === 'sh' ? shimDir : ''}${shim === 'sh' ? ':' : ''}${a.dir}:${b.dir}:/usr/bin:/bin`;
    assert.is(
      runShim(shim, ['upgrade', 'r', 'c'], { PATH: path }).out?.chosen,
      a.helm,
      'the first helm on PATH after the shim',
    );
    assert.is(runShim(shim, ['upgrade', 'r', 'c'], { PATH: path, HELM_BIN: b.helm }).out?.chosen, b.helm, 'HELM_BIN');
    assert.is(
      runShim(shim, ['upgrade', 'r', 'c'], { PATH: path, HELM_BIN: b.helm, HELM_PARALLEL_HOOKS_HELM: a.helm }).out
        ?.chosen,
      a.helm,
      'HELM_PARALLEL_HOOKS_HELM first',
    );
    const itself = runShim(shim, ['version'], { PATH: path, HELM_PARALLEL_HOOKS_HELM: target });
    assert.is(itself.status, 1);
    assert.match(itself.err, 'names the shim itself');
    const none = runShim(shim, ['version'], { PATH: `${shimDir}:/usr/bin:/bin` });
    assert.is(none.status, 1);
    assert.match(none.err, 'no helm found on PATH other than this shim');
    // Inside a routed command, even a lifecycle command goes straight to helm (no loop).
    const inside = runShim(shim, ['upgrade', 'r', 'c'], { PATH: path, HELM_PARALLEL_HOOKS_SHIMMED: '1' });
    assert.equal(inside.out?.argv, ['upgrade', 'r', 'c']);
  });
}

test('the sh shim is plain POSIX sh (dash parses it) and the Windows wrapper runs node with the shim', () => {
  execFileSync('sh', ['-n', SH_SHIM]);
  const cmd = execFileSync('cat', [join(REPO, 'dist/shim/helm.cmd')], { encoding: 'utf8' });
  assert.match(cmd, 'node "%~dp0shim.cjs" %*');
  assert.match(cmd, '\r\n', 'CRLF line ends for cmd.exe');
  mkdirSync(join(tmpdir(), 'hph-unused'), { recursive: true });
});

test.run();
