// npm run package: the release artifacts, built from dist/ (npm run build runs first) into the repo root or
// --destination DIR. Nothing in them needs npm, node_modules or TypeScript: only Node.js >= 20 at run time.
//
//   parallel-hooks-<version>.tgz        everything under a top folder parallel-hooks/: what helm 4 installs
//                                       from a file, a URL or an OCI registry, and what `helm plugin package`
//                                       writes; extracted, it is the folder helm 3 installs from.
//   parallel-hooks-<version>-helm3.tgz  the same files at the archive's root: helm 3 installs a URL only when
//                                       plugin.yaml is at the root (helm 3 has no install from a local .tgz).
//
// With --sign --key NAME --keyring FILE [--passphrase-file FILE] the first one is written and signed by
// `helm plugin package --sign` (helm 4, $HELM_BIN or helm on PATH), which puts parallel-hooks-<version>.tgz.prov
// beside it for `helm plugin install` to verify.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { tgz } from './tar.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');

/** What the installed plugin holds, with each file's mode. */
export const FILES = [
  ['plugin.yaml', 0o644],
  ['bin/helm-parallel-hooks', 0o755],
  ['bin/install-check.cjs', 0o755],
  ['bin/loader.cjs', 0o644],
  ['dist/cli.cjs', 0o644],
  ['dist/shim/helm', 0o755],
  ['dist/shim/helm.cmd', 0o644],
  ['dist/shim/shim.cjs', 0o644],
  ['dist/cli.cjs.map', 0o644],
  ['dist/cli.cjs.LEGAL.txt', 0o644],
  ['install.sh', 0o755],
  ['README.md', 0o644],
  ['LICENSE', 0o644],
];

/** A path given on the command line, relative to where the user ran npm run package (npm moves to the repo). */
function fromCaller(path) {
  return resolve(process.env.INIT_CWD ?? process.cwd(), path);
}

function fail(message) {
  console.error(`npm run package: ${message}`);
  process.exit(1);
}

function options() {
  try {
    return parseArgs({
      options: {
        destination: { type: 'string', short: 'd', default: repo },
        sign: { type: 'boolean', default: false },
        key: { type: 'string' },
        keyring: { type: 'string' },
        'passphrase-file': { type: 'string' },
      },
    }).values;
  } catch (e) {
    fail(
      `${e.message}\nusage: node scripts/package.mjs [--destination DIR] [--sign --key NAME --keyring FILE [--passphrase-file FILE]]`,
    );
  }
}

/** The plugin's name and version; package.json and plugin.yaml must agree on the version. */
function metadata() {
  const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
  const yaml = readFileSync(join(repo, 'plugin.yaml'), 'utf8');
  // plugin.yaml's top-level scalars, read without a YAML library so that the script runs anywhere
  const field = (key) => yaml.match(new RegExp(`^${key}:\\s*["']?([^"'\\s#]+)`, 'm'))?.[1];
  const plugin = { name: field('name'), version: field('version') };
  if (!plugin.name || !plugin.version) fail('plugin.yaml has no top-level name: and version:');
  if (plugin.version !== pkg.version)
    fail(`package.json says version ${pkg.version}, plugin.yaml says ${plugin.version}: make them equal`);
  return { name: plugin.name, version: pkg.version };
}

/** The archive entries under `prefix` ('' for the archive's root): folders first, then files. */
function entries(prefix) {
  const dirs = new Set(prefix ? [prefix] : []);
  for (const [file] of FILES) if (file.includes('/')) dirs.add(`${prefix}${file.slice(0, file.lastIndexOf('/'))}/`);
  return [
    ...[...dirs].sort().map((name) => ({ name, mode: 0o755 })),
    ...FILES.map(([file, mode]) => ({ name: prefix + file, mode, data: readFileSync(join(repo, file)) })),
  ];
}

/** `helm plugin package --sign` over a staged copy of the files; helm 4 writes the .tgz and its .prov. */
function signWithHelm(opts, destination) {
  if (!opts.key || !opts.keyring)
    fail('--sign needs --key NAME (the signing key) and --keyring FILE (its secret keyring)');
  const helm = process.env.HELM_BIN || 'helm';
  let version;
  try {
    version = execFileSync(helm, ['version', '--template', '{{.Version}}'], { encoding: 'utf8' }).trim();
  } catch {
    fail(
      `--sign runs helm 4's \`helm plugin package --sign\`, and "${helm}" did not run: set HELM_BIN to a helm 4 binary`,
    );
  }
  if (!version.startsWith('v4.'))
    fail(`--sign needs helm 4 (\`helm plugin package\`), and ${helm} is ${version}: set HELM_BIN`);
  const stage = mkdtempSync(join(tmpdir(), 'hph-package-'));
  let failure;
  try {
    const folder = join(stage, 'parallel-hooks');
    for (const [file, mode] of FILES) {
      mkdirSync(dirname(join(folder, file)), { recursive: true });
      copyFileSync(join(repo, file), join(folder, file));
      chmodSync(join(folder, file), mode);
    }
    const args = ['plugin', 'package', folder, '--sign', '--key', opts.key, '--keyring', fromCaller(opts.keyring)];
    args.push('-d', destination);
    if (opts['passphrase-file']) args.push('--passphrase-file', fromCaller(opts['passphrase-file']));
    // stdin stays the terminal: helm asks for the key's passphrase there when no file is given
    execFileSync(helm, args, { stdio: ['inherit', 'ignore', 'inherit'] });
  } catch (e) {
    failure = e;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
  if (failure) fail(`helm plugin package --sign failed (${failure.message.split('\n')[0]}): see helm's message above`);
}

const opts = options();
const { name, version } = metadata();
for (const [file] of FILES)
  if (!existsSync(join(repo, file)))
    fail(`${file} is missing${file.startsWith('dist/') ? ': run npm run build first (npm run package does)' : ''}`);

const destination = fromCaller(opts.destination);
mkdirSync(destination, { recursive: true });
const mtime = Number(process.env.SOURCE_DATE_EPOCH) || Math.floor(Date.now() / 1000);
const main = join(destination, `${name}-${version}.tgz`);
const flat = join(destination, `${name}-${version}-helm3.tgz`);
rmSync(`${main}.prov`, { force: true });
if (opts.sign) signWithHelm(opts, destination);
else writeFileSync(main, tgz(entries(`${name}/`), mtime));
writeFileSync(flat, tgz(entries(''), mtime));
for (const file of [main, flat, ...(opts.sign ? [`${main}.prov`] : [])])
  console.log(`${file} (${(readFileSync(file).length / 1024 / 1024).toFixed(2)} MB)`);
