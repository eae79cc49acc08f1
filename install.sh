#!/usr/bin/env bash
# Run by `helm plugin install` / `helm plugin update` (in the user's current directory, so everything is
# relative to the plugin's own folder).
# - A packaged plugin (a release .tgz: dist/cli.cjs bundled, no src/) needs only Node.js >= 20: checked, done.
#   No npm, no network.
# - A source checkout (src/ present) installs the build tools and builds dist/cli.cjs when it is missing or
#   older than src/ or package.json.
set -euo pipefail
dir="${HELM_PLUGIN_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}"
cd "$dir"

fail() { echo "helm-parallel-hooks install: $*" >&2; exit 1; }
# What to run once Node.js is fixed: a source checkout builds on update; a release needs nothing more, and
# helm updates only plugins installed from git.
if [ -d src ]; then again="then run: helm plugin update parallel-hooks"; else again="then helm parallel-hooks works as installed"; fi
command -v node >/dev/null 2>&1 || fail "Node.js 20 or later is required, and node is not on PATH. Install Node.js >= 20, $again"
major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$major" -ge 20 ] || fail "Node.js 20 or later is required; found $(node --version). Upgrade Node.js, $again"

if [ ! -d src ]; then
  [ -f dist/cli.cjs ] || fail "dist/cli.cjs is missing from $dir, so this package is incomplete. Reinstall the plugin from a release parallel-hooks-<version>.tgz (or a source checkout, which builds it)"
  echo "helm-parallel-hooks: ready (Node.js $(node --version))"
  exit 0
fi

# A source checkout. Up to date: built, and no source newer than the build.
if [ -f dist/cli.cjs ] && [ -z "$(find src package.json -newer dist/cli.cjs -print -quit 2>/dev/null)" ]; then
  echo "helm-parallel-hooks: already built"
  exit 0
fi
command -v npm >/dev/null 2>&1 || fail "a source checkout is built with npm, and npm is not on PATH. Install npm (it comes with Node.js), or install a release parallel-hooks-<version>.tgz, which needs only node"
echo "helm-parallel-hooks: installing the build tools and building (once)"
npm ci --no-audit --no-fund --loglevel=error || fail "npm ci failed in $dir (see npm's message above). Check the network or npm's registry settings, then run: helm plugin update parallel-hooks"
npm run --silent build || fail "the build failed in $dir (see above). Run npm run build there to see why"
echo "helm-parallel-hooks: ready"
