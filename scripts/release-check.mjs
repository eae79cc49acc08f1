// node scripts/release-check.mjs TAG: a release tag must be v<version> where version is package.json's and
// plugin.yaml's (helm 4 requires strict semver). Prints the version; exits 1 with what differs otherwise.
// Run by .github/workflows/release.yml before anything is built; tested in test/unit/release-check.test.ts.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = process.env.HPH_RELEASE_REPO ?? join(dirname(fileURLToPath(import.meta.url)), '..');
const tag = process.argv[2] ?? '';
const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).version;
const yaml = /^version:\s*["']?([^"'\s]+)["']?\s*$/m.exec(readFileSync(join(repo, 'plugin.yaml'), 'utf8'))?.[1];
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
const problems = [];
if (!/^v/.test(tag)) problems.push(`the tag "${tag}" does not start with v`);
const version = tag.replace(/^v/, '');
if (!SEMVER.test(version)) problems.push(`"${version}" is not a semantic version (helm 4 requires one)`);
if (pkg !== version) problems.push(`package.json says ${pkg}`);
if (yaml !== version) problems.push(`plugin.yaml says ${yaml ?? 'no version'}`);
if (problems.length > 0) {
  console.error(
    `release-check: tag ${tag}: ${problems.join('; ')}. Set the same version in both files, then tag v<version>.`,
  );
  process.exit(1);
}
console.log(version);
