#!/usr/bin/env bash
# Run by `helm plugin install` / `helm plugin update` (in the user's current directory, so everything is
# relative to the plugin's own folder). Installs the runtime dependencies and builds the CLI when needed.
set -euo pipefail
dir="${HELM_PLUGIN_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}"
cd "$dir"

fail() { echo "helm-parallel-hooks install: $*" >&2; exit 1; }
command -v node >/dev/null 2>&1 || fail "Node.js 20 or later is required, and node is not on PATH. Install Node.js >= 20, then run: helm plugin update parallel-hooks"
major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$major" -ge 20 ] || fail "Node.js 20 or later is required; found $(node --version). Upgrade Node.js, then run: helm plugin update parallel-hooks"
command -v npm >/dev/null 2>&1 || fail "npm is required to install the plugin's dependencies, and it is not on PATH"

# Up to date: built, dependencies present, and no source newer than the build.
if [ -f dist/cli.cjs ] && [ -d node_modules/yargs ] && [ -z "$(find src package.json -newer dist/cli.cjs -print -quit 2>/dev/null)" ]; then
  echo "helm-parallel-hooks: already built"
  exit 0
fi
echo "helm-parallel-hooks: installing dependencies and building (once)"
npm ci --no-audit --no-fund --loglevel=error
npm run --silent build
echo "helm-parallel-hooks: ready"
