/** How each helm release runs a hook: chosen from its version and the user's --wait. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { flavourOf, hookWaitMs, waitStrategy } from '../../src/run/context.js';
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

test('--timeout 0 and below: helm 3 waits without limit, helm 4 uses 30 s for 0 and no limit below', () => {
  const v3 = flavourOf({ major: 3, minor: 22 });
  const v4 = flavourOf({ major: 4, minor: 3 });
  assert.is(hookWaitMs({ flavour: v3, timeoutMs: 0 }), Number.POSITIVE_INFINITY);
  assert.is(hookWaitMs({ flavour: v3, timeoutMs: -5000 }), Number.POSITIVE_INFINITY);
  assert.is(hookWaitMs({ flavour: v4, timeoutMs: 0 }), 30_000);
  assert.is(hookWaitMs({ flavour: v4, timeoutMs: -5000 }), Number.POSITIVE_INFINITY);
  assert.is(hookWaitMs({ flavour: v4, timeoutMs: 90_000 }), 90_000);
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

test.run();
