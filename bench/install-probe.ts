/**
 * Install probe: the release archive (npm run package) installed into fresh helm homes whose PATH holds node
 * and the shell but no npm, and whose proxy variables point at a closed port, so any network use would fail:
 * helm 4 from the .tgz (`--verify=false`), helm 3 from the -helm3.tgz over a local http URL. Median wall time
 * of `helm plugin install`, and the installed plugin folder's size (after one run, its code cache included).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import { REPO } from '../test/e2e/harness.js';
import { median } from './measure.js';

export interface InstallProbe {
  /** Per helm major: median seconds of `helm plugin install`, the installed folder's MB, and whether it runs. */
  byMajor: Record<string, { helmVersion: string; seconds: number; folderMB: number; runs: boolean }>;
  archiveMB: number;
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop() as string;
}

function folderBytes(dir: string): number {
  let bytes = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) bytes += statSync(join(e.parentPath, e.name)).size;
  return bytes;
}

export async function installProbe(rounds = 3): Promise<InstallProbe> {
  const work = mkdtempSync(join(tmpdir(), 'hph-install-probe-'));
  const server = createServer();
  try {
    execFileSync('node', [join(REPO, 'scripts/package.mjs'), '--destination', join(work, 'out')], { stdio: 'ignore' });
    const files = readdirSync(join(work, 'out'));
    const main = join(work, 'out', files.find((f) => f.endsWith('.tgz') && !f.endsWith('-helm3.tgz')) as string);
    const flat = join(work, 'out', files.find((f) => f.endsWith('-helm3.tgz')) as string);
    const data = readFileSync(flat);
    server.on('request', (req, res) => {
      res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': data.length });
      res.end(req.method === 'GET' ? data : undefined);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/${basename(flat)}`;

    const bin = join(work, 'bin');
    mkdirSync(bin);
    for (const tool of ['node', 'sh', 'bash', 'dirname'])
      symlinkSync(execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim(), join(bin, tool));

    const byMajor: InstallProbe['byMajor'] = {};
    for (const major of ['3', '4']) {
      const helm = lastLine(execFileSync(join(REPO, 'scripts/fetch-helm'), [major], { encoding: 'utf8' }));
      const helmVersion = execFileSync(helm, ['version', '--template', '{{.Version}}'], { encoding: 'utf8' }).trim();
      const times: number[] = [];
      let folderMB = 0;
      let runs = false;
      for (let i = 0; i < rounds; i++) {
        const home = mkdtempSync(join(work, `helm${major}-`));
        const env = {
          PATH: bin,
          HOME: home,
          HELM_DATA_HOME: join(home, 'data'),
          HELM_CONFIG_HOME: join(home, 'config'),
          HELM_CACHE_HOME: join(home, 'cache'),
          HTTP_PROXY: 'http://127.0.0.1:9',
          HTTPS_PROXY: 'http://127.0.0.1:9',
          NO_PROXY: '127.0.0.1',
        };
        const args = major === '4' ? ['plugin', 'install', main, '--verify=false'] : ['plugin', 'install', url];
        const t0 = performance.now();
        const r = await execa(helm, args, { env, extendEnv: false, reject: false, cwd: home });
        times.push((performance.now() - t0) / 1000);
        if (r.exitCode !== 0) throw new Error(`helm ${helmVersion} ${args.join(' ')} failed:\n${r.stderr}`);
        const v = await execa(helm, ['parallel-hooks', '--version'], { env, extendEnv: false, reject: false });
        runs = v.exitCode === 0 && /^\d+\.\d+\.\d+/.test(String(v.stdout).trim());
        folderMB =
          folderBytes(join(home, 'data', 'plugins', readdirSync(join(home, 'data', 'plugins'))[0] as string)) /
          1024 /
          1024;
      }
      byMajor[major] = {
        helmVersion,
        seconds: Math.round(median(times) * 1000) / 1000,
        folderMB: Math.round(folderMB * 100) / 100,
        runs,
      };
    }
    return { byMajor, archiveMB: Math.round((statSync(main).size / 1024 / 1024) * 100) / 100 };
  } finally {
    server.close();
    rmSync(work, { recursive: true, force: true });
  }
}
