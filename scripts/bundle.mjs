// npm run build: the CLI and every runtime dependency in one tree-shaken file, dist/cli.cjs, with its source
// map beside it. Types are checked by npm run lint (tsc), not here.
//
// CommonJS, not an ES module: a module reached only through import() is then initialized, with the Node.js
// built-ins it needs, when it is first used, so the path to the first helm call loads little (an ES module
// bundle would load every built-in up front).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { writeShims } from './write-shim.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
rmSync(join(repo, 'dist'), { recursive: true, force: true });
const result = await build({
  absWorkingDir: repo,
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: true,
  keepNames: false,
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'linked',
  metafile: true,
  // The version is stamped in; the source's fallback (reading package.json beside it) is then dead code.
  define: { HPH_VERSION: JSON.stringify(version), 'import.meta.url': '""' },
  logLevel: 'warning',
});
// The shim that is helm (src/shim): its node form for Windows, and the POSIX sh form written from the same table.
await build({
  absWorkingDir: repo,
  entryPoints: ['src/shim/main.ts'],
  outfile: 'dist/shim/shim.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});
writeShims(repo);
// The launcher compiles the bundle as a plain script (vm.Script, for the code cache), which has no loader
// for import(): every import must be bundled or a require().
const built = readFileSync(join(repo, 'dist/cli.cjs'), 'utf8');
const dynamic = [...new Set(built.match(/\bimport\((["'`])[^"'`]*\1\)/g) ?? [])];
if (dynamic.length > 0) {
  console.error(
    `dist/cli.cjs keeps import() calls the launcher cannot serve: ${dynamic.join(', ')}; import them statically`,
  );
  process.exit(1);
}
// HPH_BUNDLE_META=FILE keeps esbuild's metafile, to see what the bundle holds (e.g. on esbuild.github.io/analyze).
if (process.env.HPH_BUNDLE_META) writeFileSync(process.env.HPH_BUNDLE_META, JSON.stringify(result.metafile));
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
if (process.env.HPH_BUNDLE_QUIET !== '1')
  console.log(`dist/cli.cjs and its map: ${(bytes / 1024 / 1024).toFixed(2)} MB`);
