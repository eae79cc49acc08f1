/** How each helm release runs a hook (run/helm-behaviour.ts): chosen from its version, the command, the user's arguments and the release. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HelmArgs, type HelmCommand } from '../../src/helm/args.js';
import { deleteWaitMs, flavourFor, flavourOf, hookWaitMs, waitStrategy } from '../../src/run/helm-behaviour.js';
import { createFailureText, waitFailureText } from '../../src/run/helm-errors.js';
import { makeHook } from './hook-factory.js';

test('per version: create or apply, the clean-up of succeeded hooks, the delete wait, the waiter', () => {
  assert.equal(flavourOf({ major: 3, minor: 18 }), {
    applyHooks: false,
    deleteSucceededOnFailure: false,
    deleteWait: 'poll',
    waiter: 'watch',
    messages: 3,
  });
  assert.is(flavourOf({ major: 3, minor: 19 }).deleteSucceededOnFailure, true);
  assert.equal(flavourOf({ major: 4, minor: 1 }), {
    applyHooks: true,
    deleteSucceededOnFailure: true,
    deleteWait: 'none',
    waiter: 'kstatus',
    messages: 4,
  });
  assert.equal(flavourOf({ major: 4, minor: 3 }, 'watcher').deleteWait, 'wait');
  assert.equal(flavourOf({ major: 4, minor: 3 }, 'legacy').waiter, 'watch');
});

test('--wait as helm 4 reads it', () => {
  assert.is(waitStrategy(undefined, false), 'hookOnly');
  assert.is(waitStrategy(undefined, true), 'watcher');
  assert.is(waitStrategy('true', true), 'watcher');
  assert.is(waitStrategy('legacy', true), 'legacy');
  assert.is(waitStrategy('false', true), 'hookOnly');
});

test("--timeout 0 and below: helm 3 and helm 4's legacy waiter wait without limit, its status watcher 30 s for 0, none below", () => {
  const v3 = flavourOf({ major: 3, minor: 22 });
  const v4 = flavourOf({ major: 4, minor: 3 });
  assert.is(hookWaitMs({ flavour: v3, timeoutMs: 0 }), Number.POSITIVE_INFINITY);
  assert.is(hookWaitMs({ flavour: v3, timeoutMs: -5000 }), Number.POSITIVE_INFINITY);
  assert.is(hookWaitMs({ flavour: v4, timeoutMs: 0 }), 30_000);
  assert.is(hookWaitMs({ flavour: v4, timeoutMs: -5000 }), Number.POSITIVE_INFINITY);
  assert.is(hookWaitMs({ flavour: v4, timeoutMs: 90_000 }), 90_000);
  // helm 4.3.1 pkg/kube/wait.go: the legacy waiter's watch takes 0 as "no deadline" (client-go's optional timeout).
  const legacy = flavourOf({ major: 4, minor: 3 }, 'legacy');
  assert.is(hookWaitMs({ flavour: legacy, timeoutMs: 0 }), Number.POSITIVE_INFINITY);
  assert.is(hookWaitMs({ flavour: legacy, timeoutMs: -5000 }), Number.POSITIVE_INFINITY);
});

test("helm's error texts per major", () => {
  const hook = makeHook('migrate', { path: 'app/templates/migrate.yaml' }, 'prod');
  const v3 = flavourOf({ major: 3, minor: 22 });
  const v4 = flavourOf({ major: 4, minor: 3 });
  assert.is(
    waitFailureText(v3, hook, { type: 'job-failed', reason: 'BackoffLimitExceeded', failed: 1, completions: 1 }),
    '1 error occurred:\n\t* job migrate failed: BackoffLimitExceeded\n\n',
  );
  assert.is(
    waitFailureText(v4, hook, { type: 'job-failed', reason: 'BackoffLimitExceeded', failed: 1, completions: 1 }),
    'resource Job/prod/migrate not ready. status: Failed, message: Job Failed. failed: 1/1',
  );
  assert.is(
    waitFailureText(v3, hook, { type: 'watch-timeout' }),
    '1 error occurred:\n\t* timed out waiting for the condition\n\n',
  );
  assert.is(
    waitFailureText(v4, hook, { type: 'timeout', status: 'NotFound', message: 'Resource not found' }),
    'resource Job/prod/migrate not ready. status: NotFound, message: Resource not found\ncontext deadline exceeded',
  );
  assert.is(
    createFailureText(v3, 'pre-install', hook, 'jobs.batch "migrate" already exists'),
    'warning: Hook pre-install app/templates/migrate.yaml failed: 1 error occurred:\n\t* jobs.batch "migrate" already exists\n\n',
  );
});

const applies = (major: number, command: HelmCommand, argv: string[], applyMethod?: string) =>
  flavourFor({ major, minor: 3 }, new HelmArgs(argv, command), {
    command,
    release: { name: 'r', namespace: 'n', version: 1, ...(applyMethod ? { apply_method: applyMethod } : {}) },
  }).applyHooks;

test('helm 3 creates hooks for every command, whatever the arguments', () => {
  for (const command of ['install', 'upgrade', 'rollback', 'uninstall'] as const)
    assert.is(applies(3, command, ['--server-side=true'], 'ssa'), false, command);
});

test('helm 4 install: applied unless --server-side=false', () => {
  assert.is(applies(4, 'install', []), true);
  assert.is(applies(4, 'install', ['--server-side']), true);
  assert.is(applies(4, 'install', ['--server-side=false']), false);
});

test("helm 4 upgrade: the release's apply method (server-side unless it says client-side)", () => {
  assert.is(applies(4, 'upgrade', []), true);
  assert.is(applies(4, 'upgrade', [], 'ssa'), true);
  assert.is(applies(4, 'upgrade', [], 'csa'), false);
});

test("helm 4 rollback: --server-side true/false, auto (the default) the target revision's method", () => {
  assert.is(applies(4, 'rollback', ['--server-side', 'true'], 'csa'), true);
  assert.is(applies(4, 'rollback', ['--server-side=false'], 'ssa'), false);
  assert.is(applies(4, 'rollback', ['--server-side=auto'], 'ssa'), true);
  assert.is(applies(4, 'rollback', [], 'ssa'), true);
  assert.is(applies(4, 'rollback', [], 'csa'), false);
  assert.is(applies(4, 'rollback', []), false, 'a target without a method was not server-side applied');
});

test('helm 4 uninstall: delete hooks always applied', () => {
  assert.is(applies(4, 'uninstall', ['--server-side=false'], 'csa'), true);
});

test('flavourFor reads --wait for the delete wait and the waiter', () => {
  const four = (argv: string[]) =>
    flavourFor({ major: 4, minor: 3 }, new HelmArgs(argv, 'upgrade'), { command: 'upgrade' });
  assert.is(four([]).deleteWait, 'none');
  assert.is(four(['--wait']).deleteWait, 'wait');
  assert.is(four(['--wait=legacy']).waiter, 'watch');
  assert.is(
    flavourFor({ major: 3, minor: 18 }, new HelmArgs(['--wait'], 'upgrade'), { command: 'upgrade' }).deleteWait,
    'poll',
  );
});

test("the wait after a delete: helm 3 polls within --timeout as given (<= 0: looks once), helm 4's status watcher 30 s for 0, none below, its legacy waiter none for either", () => {
  const v3 = flavourOf({ major: 3, minor: 22 });
  const v4 = flavourOf({ major: 4, minor: 3 }, 'watcher');
  assert.is(deleteWaitMs({ flavour: v3, timeoutMs: 60_000 }), 60_000);
  assert.is(deleteWaitMs({ flavour: v3, timeoutMs: 0 }), 0);
  assert.is(deleteWaitMs({ flavour: v3, timeoutMs: -5000 }), -5000);
  assert.is(deleteWaitMs({ flavour: v4, timeoutMs: 60_000 }), 60_000);
  assert.is(deleteWaitMs({ flavour: v4, timeoutMs: 0 }), 30_000);
  assert.is(deleteWaitMs({ flavour: v4, timeoutMs: -5000 }), Number.POSITIVE_INFINITY);
  const legacy = flavourOf({ major: 4, minor: 3 }, 'legacy');
  assert.is(deleteWaitMs({ flavour: legacy, timeoutMs: 60_000 }), 60_000);
  assert.is(deleteWaitMs({ flavour: legacy, timeoutMs: 0 }), Number.POSITIVE_INFINITY);
  assert.is(deleteWaitMs({ flavour: legacy, timeoutMs: -5000 }), Number.POSITIVE_INFINITY);
});

test.run();
