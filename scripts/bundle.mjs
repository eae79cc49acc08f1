// npm run build: the CLI and every runtime dependency in one tree-shaken ES module, dist/cli.js, with its
// source map beside it. Types are checked by npm run lint (tsc), not here.
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
rmSync(join(repo, 'dist'), { recursive: true, force: true });
const result = await build({
  absWorkingDir: repo,
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  keepNames: false,
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'linked',
  metafile: true,
  define: { HPH_VERSION: JSON.stringify(version) },
  logLevel: 'warning',
  // Dependencies written as CommonJS call require(); an ES module has none, so give it one.
  banner: {
    js: "import { createRequire as __hphRequire } from 'node:module'; const require = __hphRequire(import.meta.url);",
  },
});
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
if (process.env.HPH_BUNDLE_QUIET !== '1')
  console.log(`dist/cli.js and its map: ${(bytes / 1024 / 1024).toFixed(2)} MB`);
