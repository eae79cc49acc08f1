/**
 * Which commands the shim runs through the plugin: helm's command word is found after helm's global flags
 * (`--flag v`, `--flag=v`, `-nVALUE`), and install, upgrade, rollback and uninstall (with helm's aliases) go
 * to `helm parallel-hooks`; everything else (version, diff, template, repo, help, a plugin, ...) goes to
 * helm unchanged. The POSIX shim (scripts/bundle.mjs) applies the same rules, from the same table.
 */
import cli from './helm-cli.json' with { type: 'json' };

export type Route = { to: 'plugin'; args: string[] } | { to: 'helm' };

const VALUE = new Set(cli.valueFlags);
const BOOL = new Set(cli.boolFlags);
const HELP = new Set(cli.helpFlags);
const LIFECYCLE = new Set(cli.lifecycleWords);
/** helm gives every global flag the next word as its value when it calls a plugin: this one is written =true. */
const BARE_BOOL = '--kube-insecure-skip-tls-verify';

export function route(argv: readonly string[]): Route {
  let word = -1;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--' || HELP.has(a)) return { to: 'helm' };
    if (VALUE.has(a)) {
      i++;
      continue;
    }
    if (BOOL.has(a) || (a.startsWith('--') && a.includes('=')) || (a.startsWith('-n') && !a.startsWith('--'))) continue;
    // An unknown flag before the command word: helm's to judge, in its own words.
    if (a.startsWith('-')) return { to: 'helm' };
    word = i;
    break;
  }
  if (word < 0 || !LIFECYCLE.has(argv[word] as string)) return { to: 'helm' };
  const rest = argv.slice(word + 1);
  const dashes = rest.indexOf('--');
  if ((dashes < 0 ? rest : rest.slice(0, dashes)).some((a) => HELP.has(a))) return { to: 'helm' };
  const fix = (a: string) => (a === BARE_BOOL ? `${BARE_BOOL}=true` : a);
  const restFixed = dashes < 0 ? rest.map(fix) : [...rest.slice(0, dashes).map(fix), ...rest.slice(dashes)];
  return {
    to: 'plugin',
    args: [...argv.slice(0, word).map(fix), 'parallel-hooks', argv[word] as string, ...restFixed],
  };
}
