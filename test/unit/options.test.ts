/** The plugin's own options out of argv; everything else reaches helm verbatim. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UsageError } from '../../src/errors.js';
import {
  COMMAND_ALIASES,
  ENV_OUTPUT,
  ENV_PARALLELISM,
  MAX_PARALLELISM,
  parseArgv,
  parseParallelism,
  resolveOutput,
} from '../../src/options.js';

test('plugin flags in both forms, anywhere in argv; helm arguments verbatim and in order', () => {
  const helm = ['rel', './chart', '--set', 'a=b', '-f', 'v.yaml', '--wait', '--timeout=5m'];
  const forms: string[][] = [
    ['install', '--hook-parallelism', '4', ...helm],
    ['install', '--hook-parallelism=4', ...helm],
    ['--hook-parallelism', '4', 'install', ...helm],
    ['install', ...helm.slice(0, 3), '--hook-parallelism=4', ...helm.slice(3)],
    ['install', ...helm, '--hook-parallelism', '4'],
  ];
  for (const argv of forms) {
    const p = parseArgv(argv, {});
    assert.is(p.commandWord, 'install', argv.join(' '));
    assert.is(p.parallelism, 4, argv.join(' '));
    assert.equal(p.helmArgs, helm, argv.join(' '));
    assert.is(p.help, false);
    assert.is(p.version, false);
  }
});

test('--hook-output in both forms', () => {
  assert.is(parseArgv(['upgrade', '--hook-output', 'plain', 'r', 'c'], {}).output, 'plain');
  assert.is(parseArgv(['upgrade', 'r', '--hook-output=spinner', 'c'], {}).output, 'spinner');
  assert.is(parseArgv(['upgrade', 'r', 'c'], {}).output, 'auto');
  assert.equal(parseArgv(['upgrade', 'r', '--hook-output=plain', 'c'], {}).helmArgs, ['r', 'c']);
  assert.is(parseArgv(['upgrade', 'r', 'c'], { [ENV_OUTPUT]: 'plain' }).output, 'plain');
  assert.is(parseArgv(['upgrade', 'r', 'c', '--hook-output', 'spinner'], { [ENV_OUTPUT]: 'plain' }).output, 'spinner');
  assert.throws(
    () => parseArgv(['upgrade', '--hook-output', 'fancy'], {}),
    (e: Error) => e instanceof UsageError && e.message.includes('fancy'),
  );
});

test('a plugin flag without value is a usage error', () => {
  assert.throws(
    () => parseArgv(['install', 'r', 'c', '--hook-parallelism'], {}),
    (e: Error) => e instanceof UsageError,
  );
  assert.throws(
    () => parseArgv(['install', 'r', 'c', '--hook-output'], {}),
    (e: Error) => e instanceof UsageError,
  );
});

test('helm flags that only look like ours pass through', () => {
  const p = parseArgv(['upgrade', 'r', 'c', '--hook-parallelism-x', '3', '--hooks', '--no-hooks'], {});
  assert.equal(p.helmArgs, ['r', 'c', '--hook-parallelism-x', '3', '--hooks', '--no-hooks']);
  assert.is(p.parallelism, 1);
});

test('-- stops parsing: what follows goes to helm, verbatim', () => {
  const p = parseArgv(['install', 'rel', 'chart', '--', '--hook-parallelism', '5', '--help'], {});
  assert.is(p.parallelism, 1);
  assert.is(p.help, false);
  assert.equal(p.helmArgs, ['rel', 'chart', '--', '--hook-parallelism', '5', '--help']);
});

test('parallelism from the environment, overridden by the flag; default 1', () => {
  assert.is(parseArgv(['install', 'r', 'c'], {}).parallelism, 1);
  assert.is(parseArgv(['install', 'r', 'c'], { [ENV_PARALLELISM]: '6' }).parallelism, 6);
  assert.is(parseArgv(['install', 'r', 'c', '--hook-parallelism', '2'], { [ENV_PARALLELISM]: '6' }).parallelism, 2);
  assert.is(parseArgv(['install', 'r', 'c'], { [ENV_PARALLELISM]: '' }).parallelism, 1);
  assert.throws(
    () => parseArgv(['install', 'r', 'c'], { [ENV_PARALLELISM]: 'lots' }),
    (e: Error) => e instanceof UsageError && e.message.includes(ENV_PARALLELISM) && e.message.includes('lots'),
  );
  assert.throws(
    () => parseArgv(['install', 'r', 'c', '--hook-parallelism=lots'], {}),
    (e: Error) =>
      e instanceof UsageError && e.message.includes('--hook-parallelism') && !e.message.includes(ENV_PARALLELISM),
  );
});

test('help and version', () => {
  const h = parseArgv(['install', '--help'], {});
  assert.is(h.help, true);
  assert.is(h.commandWord, 'install');
  assert.equal(h.helmArgs, []);
  assert.is(parseArgv(['-h'], {}).help, true);
  assert.is(parseArgv(['-h'], {}).commandWord, undefined);
  assert.is(parseArgv(['upgrade', 'r', 'c', '-h'], {}).help, true);
  const v = parseArgv(['--version'], {});
  assert.is(v.version, true);
  assert.is(v.commandWord, undefined);
  // After the command, --version is helm's chart version constraint.
  const chartVersion = parseArgv(['upgrade', 'r', 'c', '--version', '1.2.3'], {});
  assert.is(chartVersion.version, false);
  assert.equal(chartVersion.helmArgs, ['r', 'c', '--version', '1.2.3']);
  assert.is(parseArgv([], {}).commandWord, undefined);
});

test('command words: delete is uninstall', () => {
  assert.is(parseArgv(['delete', 'r'], {}).commandWord, 'delete');
  assert.is(COMMAND_ALIASES.delete, 'uninstall');
  for (const c of ['install', 'upgrade', 'rollback', 'uninstall']) assert.is(COMMAND_ALIASES[c], c);
  assert.is(COMMAND_ALIASES.template, undefined);
});

test('parseParallelism: whole numbers; <=1 is serial; huge values are capped', () => {
  assert.is(parseParallelism('8'), 8);
  assert.is(parseParallelism(' 8 '), 8);
  assert.is(parseParallelism('+3'), 3);
  assert.is(parseParallelism('1'), 1);
  assert.is(parseParallelism('0'), 1);
  assert.is(parseParallelism('-3'), 1);
  assert.is(parseParallelism('99999999999999999999999'), MAX_PARALLELISM);
  assert.is(parseParallelism(String(MAX_PARALLELISM + 1)), MAX_PARALLELISM);
  assert.is(parseParallelism(String(MAX_PARALLELISM)), MAX_PARALLELISM);
  assert.ok(Number.isSafeInteger(MAX_PARALLELISM) && MAX_PARALLELISM >= 1000);
  // unset, or an empty environment variable: the default; an empty flag value is a usage error
  assert.is(parseParallelism(undefined), 1);
  assert.is(parseParallelism('', false), 1);
  assert.throws(
    () => parseParallelism('', true),
    (e: Error) => e instanceof UsageError && e.message.includes('""'),
  );
  for (const bad of ['abc', '-1.5', '1.5', '1e3', '4x', '0x10', ' ', 'Infinity', 'NaN']) {
    assert.throws(
      () => parseParallelism(bad),
      (e: Error) => e instanceof UsageError && e.message.includes(`"${bad}"`),
      bad,
    );
  }
});

test('resolveOutput: a spinner only for a terminal that wants one', () => {
  const tty = { stdout: true, stderr: true };
  assert.is(resolveOutput('auto', {}, tty), 'spinner');
  assert.is(resolveOutput('auto', { TERM: 'xterm-256color' }, tty), 'spinner');
  assert.is(resolveOutput('auto', { CI: 'true' }, tty), 'plain');
  assert.is(resolveOutput('auto', { CI: '1' }, tty), 'plain');
  assert.is(resolveOutput('auto', { NO_COLOR: '1' }, tty), 'plain');
  assert.is(resolveOutput('auto', { TERM: 'dumb' }, tty), 'plain');
  assert.is(resolveOutput('auto', {}, { stdout: false, stderr: true }), 'plain');
  assert.is(resolveOutput('auto', {}, { stdout: true, stderr: false }), 'plain');
  assert.is(resolveOutput('auto', {}, { stdout: false, stderr: false }), 'plain');
  // An explicit choice is kept.
  assert.is(resolveOutput('plain', {}, tty), 'plain');
  assert.is(resolveOutput('spinner', { CI: 'true' }, { stdout: false, stderr: false }), 'spinner');
});

test.run();

test("a helm flag with a value may stand before the command word (yargs passes it through; helm's model finds the word)", () => {
  const p = parseArgv(['--timeout', '60s', 'upgrade', 'r', 'c', '-nprod', '--hook-parallelism', '8'], {});
  assert.is(p.commandWord, 'upgrade');
  assert.equal(p.helmArgs, ['--timeout', '60s', 'r', 'c', '-nprod']);
  assert.is(p.parallelism, 8);
  const q = parseArgv(['-nprod', '--kube-context=x', 'rollback', 'r', '2'], {});
  assert.is(q.commandWord, 'rollback');
  assert.equal(q.helmArgs, ['-nprod', '--kube-context=x', 'r', '2']);
});

test('--hook-report and --hook-report-format: both forms, env fallback, kept out of helm arguments', async () => {
  const { ENV_REPORT, ENV_REPORT_FORMAT } = await import('../../src/options.js');
  const p = parseArgv(['upgrade', 'r', '--hook-report', 'out/h.json', 'c', '--hook-report-format=junit'], {});
  assert.is(p.report, 'out/h.json');
  assert.is(p.reportFormat, 'junit');
  assert.equal(p.helmArgs, ['r', 'c']);
  const q = parseArgv(['upgrade', 'r', 'c'], { [ENV_REPORT]: 'env.xml', [ENV_REPORT_FORMAT]: 'JUnit' });
  assert.is(q.report, 'env.xml');
  assert.is(q.reportFormat, 'junit');
  const none = parseArgv(['upgrade', 'r', 'c'], {});
  assert.is(none.report, undefined);
  assert.is(none.reportFormat, 'json');
  assert.is(
    parseArgv(['upgrade', 'r', 'c', '--hook-report-format', 'json'], { [ENV_REPORT_FORMAT]: 'junit' }).reportFormat,
    'json',
  );
});

test('unknown report formats and an empty report file are usage errors', async () => {
  const { ENV_REPORT_FORMAT } = await import('../../src/options.js');
  for (const [argv, env, pattern] of [
    [['upgrade', 'r', 'c', '--hook-report-format', 'xml'], {}, /--hook-report-format must be json or junit; got "xml"/],
    [['upgrade', 'r', 'c'], { [ENV_REPORT_FORMAT]: 'html' }, /HELM_PARALLEL_HOOKS_REPORT_FORMAT must be json or junit/],
    [['upgrade', 'r', 'c', '--hook-report='], {}, /--hook-report needs a file name/],
    [['upgrade', 'r', 'c', '--hook-report'], {}, /--hook-report needs a value/],
  ] as const) {
    try {
      parseArgv(argv, env);
      assert.unreachable(argv.join(' '));
    } catch (error) {
      assert.instance(error, UsageError);
      assert.match((error as Error).message, pattern);
    }
  }
});
