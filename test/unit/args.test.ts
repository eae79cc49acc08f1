/** helm's arguments as the user typed them: flags, values, positionals; and the value flags against helm's --help. */
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  HelmArgs,
  type HelmCommand,
  isStdinPath,
  setFilePaths,
  tokenize,
  VALUE_SHORT_FLAGS,
  valueFlagsFor,
} from '../../src/helm/args.js';

const pos = (args: string[]) => new HelmArgs(args).positionals();

test('install: release and chart found around flags in both forms', () => {
  const args = ['myrel', '--set', 'a=b', './chart', '--values=v.yaml', '-n', 'ns', '--timeout', '10m', '-fother.yaml'];
  const h = new HelmArgs(args);
  assert.equal(h.positionals(), ['myrel', './chart']);
  assert.is(h.value('set'), 'a=b');
  assert.is(h.value('values'), 'other.yaml', '-fother.yaml is the last --values');
  assert.is(h.value('namespace'), 'ns');
  assert.is(h.value('timeout'), '10m');
});

test('--flag v and --flag=v mean the same', () => {
  for (const [a, b] of [
    [['--timeout', '3m'], ['--timeout=3m']],
    [['--set', 'x=1,y=2'], ['--set=x=1,y=2']],
    [['--version', '1.2.3'], ['--version=1.2.3']],
    [['--description', 'two words'], ['--description=two words']],
    [['-n', 'ns'], ['--namespace=ns']],
    [
      ['-o', 'json'],
      ['--output', 'json'],
    ],
  ] as const) {
    const x = new HelmArgs(['rel', ...a, 'chart']);
    const y = new HelmArgs(['rel', ...b, 'chart']);
    const name = x.tokens.find((t) => t.type === 'flag')?.name as string;
    assert.is(x.value(name), y.value(name), name);
    assert.ok(x.value(name) !== undefined, name);
    assert.equal(x.positionals(), ['rel', 'chart']);
    assert.equal(y.positionals(), ['rel', 'chart']);
  }
});

test('short flags: -f v, -fvalue, -f=value, -n ns, -l k=v, -o json', () => {
  assert.is(new HelmArgs(['-f', 'a.yaml']).value('values'), 'a.yaml');
  assert.is(new HelmArgs(['-fa.yaml']).value('values'), 'a.yaml');
  assert.is(new HelmArgs(['-f=a.yaml']).value('values'), 'a.yaml');
  assert.is(new HelmArgs(['-n', 'team-a']).value('namespace'), 'team-a');
  assert.is(new HelmArgs(['-nteam-a']).value('namespace'), 'team-a');
  assert.is(new HelmArgs(['-l', 'k=v']).value('labels'), 'k=v');
  assert.is(new HelmArgs(['-o', 'json']).value('output'), 'json');
  assert.equal(pos(['-f', 'a.yaml', 'rel', '-n', 'ns', 'chart', '-o', 'yaml']), ['rel', 'chart']);
});

test('boolean flags never eat the next positional', () => {
  for (const flag of [
    '--wait',
    '--atomic',
    '--install',
    '-i',
    '--create-namespace',
    '--wait-for-jobs',
    '--force',
    '--no-hooks',
    '--devel',
    '--reuse-values',
    '--reset-values',
    '--cleanup-on-fail',
    '--keep-history',
    '-g',
    '--generate-name',
    '--skip-crds',
    '--dependency-update',
    '--rollback-on-failure',
    '--take-ownership',
  ]) {
    assert.equal(pos([flag, 'rel', 'chart']), ['rel', 'chart'], flag);
    assert.equal(pos(['rel', flag, 'chart']), ['rel', 'chart'], flag);
  }
  const h = new HelmArgs(['-i', 'rel', 'chart']);
  assert.ok(h.bool('install'));
  assert.ok(new HelmArgs(['--install', 'rel', 'chart']).bool('install'));
  assert.ok(new HelmArgs(['rel', 'chart', '--create-namespace']).bool('create-namespace'));
  assert.ok(new HelmArgs(['-g', 'chart']).bool('generate-name'));
});

test('--dry-run never eats the next argument; isDryRun for every form', () => {
  assert.equal(pos(['--dry-run', 'rel', 'chart']), ['rel', 'chart']);
  assert.equal(pos(['rel', '--dry-run', 'chart']), ['rel', 'chart']);
  assert.equal(
    pos(['rel', '--dry-run', 'server']),
    ['rel', 'server'],
    'a bare --dry-run takes no value: "server" is the chart',
  );
  const dry = (args: string[]) => new HelmArgs(args).isDryRun();
  assert.is(dry(['rel', 'chart']), false);
  assert.is(dry(['--dry-run', 'rel', 'chart']), true);
  assert.is(dry(['--dry-run=server', 'rel', 'chart']), true);
  assert.is(dry(['--dry-run=client', 'rel', 'chart']), true);
  assert.is(dry(['--dry-run=true', 'rel', 'chart']), true);
  assert.is(dry(['--dry-run=none', 'rel', 'chart']), false);
  assert.is(dry(['--dry-run=false', 'rel', 'chart']), false);
  // last wins, as in helm
  assert.is(dry(['--dry-run', '--dry-run=none']), false);
  assert.is(dry(['--dry-run=none', '--dry-run=server']), true);
});

test('readsStdin(): -f -, a values list holding -, a --set-file read from /dev/stdin or fd 0', () => {
  const reads = (args: string[]) => new HelmArgs(['rel', './chart', ...args], 'install').readsStdin();
  assert.ok(reads(['-f', '-']));
  assert.ok(reads(['--values=a.yaml,-']));
  assert.ok(reads(['--set-file', 'k=/dev/stdin']));
  assert.ok(reads(['--set-file=a=x.txt,b=/proc/self/fd/0']));
  assert.not.ok(reads(['-f', 'a.yaml', '--set-file', 'k=/dev/stdin.txt']));
  assert.not.ok(reads(['--set', 'k=/dev/stdin']), '--set takes the text itself');
  assert.equal(setFilePaths('a=x.txt,b=/dev/stdin'), ['x.txt', '/dev/stdin']);
  assert.ok(isStdinPath('/dev/stdin'));
  assert.not.ok(isStdinPath('/dev/stdin/x'));
});

test('positionals of rollback and uninstall', () => {
  assert.equal(pos(['rel', '3', '--wait', '--timeout', '10m']), ['rel', '3']);
  assert.equal(pos(['--history-max', '5', 'rel', '2', '--cleanup-on-fail']), ['rel', '2']);
  assert.equal(pos(['rel']), ['rel']);
  assert.equal(pos(['a', 'b', '--cascade', 'foreground', '--keep-history', 'c', '--description', 'bye now']), [
    'a',
    'b',
    'c',
  ]);
  assert.equal(pos(['--cascade=orphan', 'a', '--ignore-not-found']), ['a']);
});

test('value(): last wins; a value flag without value gives undefined', () => {
  const h = new HelmArgs(['--timeout', '1m', 'rel', '--timeout=2m', 'chart', '--set', 'a=1', '--set=b=2']);
  assert.is(h.value('timeout'), '2m');
  assert.is(h.value('set'), 'b=2');
  assert.is(new HelmArgs(['-n', 'a', '--namespace', 'b']).value('namespace'), 'b');
  assert.is(new HelmArgs(['--namespace', 'b', '-n', 'a']).value('namespace'), 'a');
  assert.is(h.value('wait'), undefined);
  const dangling = new HelmArgs(['rel', 'chart', '--timeout']);
  assert.is(dangling.value('timeout'), undefined);
  assert.ok(dangling.has('timeout'));
  assert.equal(dangling.positionals(), ['rel', 'chart']);
});

test('bool(): present, unless =false (last wins)', () => {
  const b = (args: string[]) => new HelmArgs(args).bool('wait');
  assert.is(b([]), false);
  assert.is(b(['--wait']), true);
  assert.is(b(['--wait=true']), true);
  assert.is(b(['--wait=false']), false);
  assert.is(b(['--wait=FALSE']), false);
  assert.is(b(['--wait=0']), false);
  assert.is(b(['--wait', '--wait=false']), false);
  assert.is(b(['--wait=false', '--wait']), true);
  assert.is(b(['--wait-for-jobs']), false, 'another flag with the same prefix');
  assert.is(b(['--wait=watcher']), true, 'helm 4 wait strategy');
});

test('without(): removes a flag in every form with its value, keeps everything else verbatim and in order', () => {
  const args = [
    'rel',
    '-o',
    'yaml',
    'chart',
    '--dry-run',
    '--set',
    'x=1',
    '--output=json',
    '--wait',
    '-ojson',
    '--dry-run=server',
    '-f',
    'v.yaml',
  ];
  assert.equal(new HelmArgs(args).without('output', 'dry-run'), [
    'rel',
    'chart',
    '--set',
    'x=1',
    '--wait',
    '-f',
    'v.yaml',
  ]);
  assert.equal(new HelmArgs(['-g', 'chart', '--timeout', '1m']).without('generate-name'), ['chart', '--timeout', '1m']);
  assert.equal(new HelmArgs(['--generate-name', 'chart']).without('generate-name'), ['chart']);
  assert.equal(new HelmArgs(args).without(), args);
  assert.equal(new HelmArgs(args).without('not-there'), args);
});

test('flagsOnly(): every flag with its value, no positional', () => {
  assert.equal(new HelmArgs(['a', '--cascade', 'orphan', 'b', '--wait', '-n', 'ns', '--timeout=1m', 'c']).flagsOnly(), [
    '--cascade',
    'orphan',
    '--wait',
    '-n',
    'ns',
    '--timeout=1m',
  ]);
  assert.equal(new HelmArgs(['a', 'b']).flagsOnly(), []);
});

test('after --, everything is a positional, verbatim', () => {
  const h = new HelmArgs(['rel', '--wait', '--', '--not-a-flag', '-n']);
  assert.equal(h.positionals(), ['rel', '--not-a-flag', '-n']);
  assert.is(h.has('not-a-flag'), false);
  assert.is(h.value('namespace'), undefined);
  assert.equal(h.without('wait'), ['rel', '--', '--not-a-flag', '-n']);
  assert.equal(
    new HelmArgs(['--timeout', '--', 'x']).value('timeout'),
    '--',
    'the value of a value flag is taken as is',
  );
});

test('negative numbers are positionals, not short flags', () => {
  assert.equal(pos(['rel', '-1']), ['rel', '-1']);
});

test('tokenize never changes an argument: the raw parts give argv back', () => {
  for (const args of [
    ['rel', 'chart', '--set', 'a=b', '-fv.yaml', '-n', 'ns', '--wait', '--dry-run=server', '--', 'x', '--y'],
    ['-ig', 'chart', '--timeout', '5m', '--description', '  spaced  ', '-o=json'],
    ['rel', '--timeout'],
    [
      '--set-string',
      'k=--v',
      '-l',
      'a=b',
      '--labels=c=d',
      '--post-renderer',
      './pr.sh',
      '--post-renderer-args',
      '--flag',
    ],
  ]) {
    assert.equal(
      tokenize(args).flatMap((t) => t.raw),
      args,
    );
  }
});

// ---- value flags against helm's own --help

interface HelpFlag {
  name: string;
  short: string | undefined;
  /** "string", "duration", ...: undefined for a boolean */
  type: string | undefined;
  line: string;
}

/**
 * The flag lines of cobra's help ("  -f, --values strings   description", "      --wait   description").
 * A type is one word right after the name; a boolean has none. `string[="client"]` is an optional value: it
 * only binds with `=`, so the next argument is never its value.
 */
function helpFlags(text: string): HelpFlag[] {
  const flags: HelpFlag[] = [];
  for (const line of text.split('\n')) {
    const m = /^ {2,}(?:-([A-Za-z]), )?--([a-z0-9][a-z0-9-]*)(?: (\S+))?(?: {2,}|$)/.exec(line);
    if (m) flags.push({ short: m[1], name: m[2] as string, type: m[3], line: line.trim() });
  }
  return flags;
}

const HELP_VERSIONS = ['3.18.0', '4.1.4'];
const HELP_COMMANDS: HelmCommand[] = ['install', 'upgrade', 'rollback', 'uninstall'];
const helpText = (v: string, c: string) =>
  readFileSync(new URL(`../fixtures/helm/${v}/help-${c}.txt`, import.meta.url), 'utf8');

test('the help parser reads the recorded help texts (sanity)', () => {
  const flags = helpFlags(helpText('3.18.0', 'install'));
  const get = (n: string) => flags.find((f) => f.name === n);
  assert.is(get('timeout')?.type, 'duration');
  assert.is(get('wait')?.type, undefined);
  assert.is(get('values')?.short, 'f');
  assert.is(get('dry-run')?.type, 'string[="client"]');
  assert.is(get('namespace')?.short, 'n', 'global flags are read too');
  assert.ok(flags.length > 50, `${flags.length} flags`);
  for (const v of HELP_VERSIONS)
    for (const c of HELP_COMMANDS) assert.ok(helpFlags(helpText(v, c)).length > 20, `${v} ${c}`);
});

for (const version of HELP_VERSIONS) {
  for (const command of HELP_COMMANDS) {
    test(`value flags of ${command} match helm ${version} ${command} --help`, () => {
      const wrong: string[] = [];
      const valueFlags = valueFlagsFor(command);
      for (const f of helpFlags(helpText(version, command))) {
        const takesNext = f.type !== undefined && !f.type.includes('[=');
        if (takesNext !== valueFlags.has(f.name)) {
          wrong.push(
            `--${f.name} (${f.type ?? 'boolean'}) ${takesNext ? 'takes' : 'does not take'} the next argument as value, valueFlagsFor(${command}) says otherwise`,
          );
        }
        if (f.short !== undefined && takesNext !== VALUE_SHORT_FLAGS.has(f.short)) {
          wrong.push(`-${f.short} (--${f.name}, ${f.type ?? 'boolean'}) disagrees with VALUE_SHORT_FLAGS`);
        }
      }
      assert.equal(wrong, [], wrong.join('\n'));
    });
  }
}

test('tokenize follows the help texts: a value flag eats the next argument, a boolean or optional-value flag does not', () => {
  for (const version of HELP_VERSIONS) {
    for (const command of HELP_COMMANDS) {
      for (const f of helpFlags(helpText(version, command))) {
        const takesNext = f.type !== undefined && !f.type.includes('[=');
        const expected = takesNext ? ['rel'] : ['VALUE', 'rel'];
        // Skip flags the per-command test above already reports, so each disagreement shows once.
        if (takesNext !== valueFlagsFor(command).has(f.name)) continue;
        const positionals = new HelmArgs([`--${f.name}`, 'VALUE', 'rel'], command).positionals();
        assert.equal(positionals, expected, `${version} ${command} --${f.name}`);
      }
    }
  }
});

test.run();
