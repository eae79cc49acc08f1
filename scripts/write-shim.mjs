// The shim that is helm (helm parallel-hooks shim prints its path): dist/shim/helm, a POSIX sh script written
// here from src/shim/helm-cli.json (the same table src/shim/route.ts reads), and dist/shim/helm.cmd, which
// runs the node shim (dist/shim/shim.cjs, bundled from src/shim/main.ts) on Windows. sh, not node, on POSIX:
// a command that passes through (helm version, helm diff, ...) then costs a shell start, not a node start.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const patterns = (flags) => flags.map((f) => f.replace(/[^A-Za-z0-9_-]/g, '\\$&')).join('|');

export function writeShims(repo) {
  const cli = JSON.parse(readFileSync(join(repo, 'src/shim/helm-cli.json'), 'utf8'));
  const dir = join(repo, 'dist/shim');
  mkdirSync(dir, { recursive: true });
  const sh = `#!/bin/sh
# helm, with install/upgrade/rollback/uninstall run through helm parallel-hooks: for helmfile's helmBinary,
# or as the helm earlier on PATH of scripts and CI templates. Written by scripts/write-shim.mjs from
# src/shim/helm-cli.json (rules: src/shim/route.ts); do not edit.
# The real helm: HELM_PARALLEL_HOOKS_HELM, else HELM_BIN (a path, not this shim), else the first helm on PATH
# that is not this shim. Parallelism: HELM_PARALLEL_HOOKS_PARALLELISM (default 1: exactly helm).
self=$0
die() { echo "Error: helm-parallel-hooks shim: $*" >&2; exit 1; }
real=
if [ -n "\${HELM_PARALLEL_HOOKS_HELM:-}" ]; then
  real=$HELM_PARALLEL_HOOKS_HELM
  [ "$real" -ef "$self" ] && die "HELM_PARALLEL_HOOKS_HELM names the shim itself; set it to the real helm binary"
else
  case \${HELM_BIN:-} in
  */*) if [ -f "$HELM_BIN" ] && [ -x "$HELM_BIN" ] && ! [ "$HELM_BIN" -ef "$self" ]; then real=$HELM_BIN; fi ;;
  esac
  if [ -z "$real" ]; then
    rest=\${PATH:-}:
    while [ -n "$rest" ]; do
      d=\${rest%%:*}
      rest=\${rest#*:}
      c=\${d:-.}/helm
      if [ -f "$c" ] && [ -x "$c" ] && ! [ "$c" -ef "$self" ]; then real=$c; break; fi
    done
  fi
  [ -n "$real" ] || die "no helm found on PATH other than this shim; set HELM_PARALLEL_HOOKS_HELM to the helm binary to run"
fi
# Inside a routed command (the plugin's own helm calls): straight to helm.
[ "\${HELM_PARALLEL_HOOKS_SHIMMED:-}" = 1 ] && exec "$real" "$@"
# The command word, after helm's global flags.
word=
pos=0
skip=
for a do
  pos=$((pos + 1))
  if [ -n "$skip" ]; then skip=; continue; fi
  case $a in
  --|${patterns(cli.helpFlags)}) exec "$real" "$@" ;;
  ${patterns(cli.valueFlags)}) skip=1 ;;
  ${patterns(cli.boolFlags)}|--*=*) ;;
  --*) exec "$real" "$@" ;;
  -n*) ;;
  -*) exec "$real" "$@" ;;
  *) word=$a; break ;;
  esac
done
case $word in
${patterns(cli.lifecycleWords)}) ;;
*) exec "$real" "$@" ;;
esac
# helm's help for these commands is helm's; the rest goes to the plugin, with helm parallel-hooks before the
# word and the bare --kube-insecure-skip-tls-verify written =true (helm gives a plugin's global flags the
# next word as their value).
i=0
for a do
  i=$((i + 1))
  [ "$i" -le "$pos" ] && continue
  case $a in
  --) break ;;
  ${patterns(cli.helpFlags)}) exec "$real" "$@" ;;
  esac
done
n=$#
i=0
dashes=
for a do
  i=$((i + 1))
  if [ -z "$dashes" ]; then
    case $a in
    --) dashes=1 ;;
    --kube-insecure-skip-tls-verify) a=--kube-insecure-skip-tls-verify=true ;;
    esac
  fi
  [ "$i" -eq "$pos" ] && set -- "$@" parallel-hooks
  set -- "$@" "$a"
done
shift "$n"
HELM_PARALLEL_HOOKS_SHIMMED=1
HELM_PARALLEL_HOOKS_HELM=$real
export HELM_PARALLEL_HOOKS_SHIMMED HELM_PARALLEL_HOOKS_HELM
exec "$real" "$@"
`;
  writeFileSync(join(dir, 'helm'), sh);
  chmodSync(join(dir, 'helm'), 0o755);
  // cmd.exe: node with the shim's own path (the node shim finds the real helm and skips itself by it).
  writeFileSync(
    join(dir, 'helm.cmd'),
    '@echo off\r\nset "HELM_PARALLEL_HOOKS_SHIM_SELF=%~f0"\r\nnode "%~dp0shim.cjs" %*\r\nexit /b %ERRORLEVEL%\r\n',
  );
}
