/** The exit-code contract: 0 ok, 1 error, 2 usage, 3 hook failure, 130 interrupted, helm's own code when helm fails. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ExitCode,
  exitCodeFor,
  HelmError,
  HookFailureError,
  InterruptedError,
  PluginError,
  UsageError,
} from '../../src/errors.js';

test("the contract's numbers", () => {
  assert.equal({ ...ExitCode }, { ok: 0, error: 1, usage: 2, hookFailed: 3, interrupted: 130 });
});

test('UsageError exits 2 and points at --help', () => {
  const e = new UsageError('bad flag');
  assert.is(exitCodeFor(e), 2);
  assert.ok(e instanceof PluginError);
  assert.is(e.message, 'bad flag');
  assert.match(e.hint ?? '', /--help/);
  assert.is(new UsageError('x', 'my hint').hint, 'my hint');
});

test('HookFailureError exits 3 and keeps every failure', () => {
  const e = new HookFailureError('pre-install', [
    'Job/a (ns): job failed: BackoffLimitExceeded',
    'Pod/b (ns): pod b failed',
  ]);
  assert.is(exitCodeFor(e), 3);
  assert.is(e.event, 'pre-install');
  assert.is(e.failures.length, 2);
  assert.match(e.message, /pre-install/);
  assert.match(e.message, /2 hooks/);
  assert.match(new HookFailureError('post-delete', ['x']).message, /1 hook did not/);
});

test('InterruptedError exits 130', () => {
  const e = new InterruptedError('waiting for Job/a');
  assert.is(exitCodeFor(e), 130);
  assert.match(e.message, /waiting for Job\/a/);
});

test("HelmError passes helm's exit code on; 0 (helm said ok but we failed) becomes 1", () => {
  const make = (code: number) =>
    new HelmError('helm upgrade failed', { exitCode: code, helmArgs: ['upgrade'], stderr: 'Error: x' });
  assert.is(exitCodeFor(make(1)), 1);
  assert.is(exitCodeFor(make(2)), 2);
  assert.is(exitCodeFor(make(137)), 137);
  assert.is(exitCodeFor(make(0)), 1);
  assert.is(make(5).stderr, 'Error: x');
  assert.equal(make(5).helmArgs, ['upgrade']);
});

test('anything else is 1', () => {
  assert.is(exitCodeFor(new Error('boom')), 1);
  assert.is(exitCodeFor(new TypeError('x is undefined')), 1);
  assert.is(exitCodeFor(new PluginError('cluster unreachable')), 1);
  assert.is(exitCodeFor('a string'), 1);
  assert.is(exitCodeFor(undefined), 1);
  assert.is(exitCodeFor({ exitCode: 7 }), 1, 'an object that only looks like a PluginError');
  assert.is(exitCodeFor(new PluginError('custom', { exitCode: 4 })), 4);
});

test.run();
