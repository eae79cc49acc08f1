/**
 * The real helm the shim hands to: HELM_PARALLEL_HOOKS_HELM, else HELM_BIN when it is a path to a helm that
 * is not the shim, else the first helm on PATH that is not the shim; never the shim itself.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

export class NoHelmError extends Error {}

function sameFile(a: string, b: string): boolean {
  try {
    const x = statSync(a);
    const y = statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

function executable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The names helm has on PATH: helm, or on Windows helm with each PATHEXT extension. */
function names(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string[] {
  if (platform !== 'win32') return ['helm'];
  const exts = (env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean);
  return exts.map((e) => `helm${e.toLowerCase()}`);
}

export function findHelm(env: NodeJS.ProcessEnv, self: string, platform: NodeJS.Platform = process.platform): string {
  const chosen = env.HELM_PARALLEL_HOOKS_HELM;
  if (chosen) {
    if (sameFile(chosen, self))
      throw new NoHelmError('HELM_PARALLEL_HOOKS_HELM names the shim itself; set it to the real helm binary');
    return chosen;
  }
  const bin = env.HELM_BIN;
  if (bin && (bin.includes('/') || bin.includes('\\')) && executable(bin) && !sameFile(bin, self)) return bin;
  for (const dir of (env.PATH ?? env.Path ?? '').split(platform === 'win32' ? ';' : delimiter)) {
    for (const name of names(env, platform)) {
      const candidate = join(dir === '' ? '.' : dir, name);
      if (executable(candidate) && !sameFile(candidate, self))
        return isAbsolute(candidate) ? candidate : resolve(candidate);
    }
  }
  throw new NoHelmError(
    'no helm found on PATH other than this shim; set HELM_PARALLEL_HOOKS_HELM to the helm binary to run',
  );
}
