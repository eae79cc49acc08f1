/** helm's words for failed and cancelled deploys, and what --atomic / --rollback-on-failure carry. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  canceledDescription,
  hookFailedDescription,
  pendingStatus,
  rollbackFlags,
  rollbackTarget,
} from '../../src/commands/outcome.js';
import { HelmArgs } from '../../src/helm/args.js';

test("descriptions in helm's own format", () => {
  assert.is(hookFailedDescription('install', 'app', 'pre', 'boom'), 'Release "app" failed: failed pre-install: boom');
  assert.is(hookFailedDescription('install', 'app', 'post', 'boom'), 'Release "app" failed: failed post-install: boom');
  assert.is(
    hookFailedDescription('upgrade', 'app', 'pre', 'boom'),
    'Upgrade "app" failed: pre-upgrade hooks failed: boom',
  );
  assert.is(
    hookFailedDescription('upgrade', 'app', 'post', 'boom'),
    'Upgrade "app" failed: post-upgrade hooks failed: boom',
  );
  assert.is(canceledDescription('install', 'app'), 'Release "app" failed: context canceled');
  assert.is(canceledDescription('upgrade', 'app'), 'Upgrade "app" failed: context canceled');
  assert.equal(pendingStatus('install'), { status: 'pending-install', description: 'Initial install underway' });
  assert.equal(pendingStatus('upgrade'), { status: 'pending-upgrade', description: 'Preparing upgrade' });
});

test('the rollback target is the newest deployed or superseded revision before the failed one', () => {
  const h = [
    { version: 1, status: 'superseded' },
    { version: 2, status: 'failed' },
    { version: 3, status: 'deployed' },
    { version: 4, status: 'failed' },
  ];
  assert.is(rollbackTarget(h, 4), 3);
  assert.is(rollbackTarget(h, 3), 1);
  assert.is(rollbackTarget([{ version: 1, status: 'failed' }], 2), undefined);
});

test('flags carried into the rollback: helm 3 waits, helm 4 keeps its server-side options', () => {
  const args = new HelmArgs(
    ['app', './c', '--timeout', '2m', '--wait-for-jobs', '--force', '--server-side=true', '--force-conflicts'],
    'upgrade',
  );
  assert.equal(rollbackFlags(args, 3, 'ns'), [
    '--namespace',
    'ns',
    '--timeout',
    '2m',
    '--wait-for-jobs',
    '--wait',
    '--force',
  ]);
  assert.equal(rollbackFlags(args, 4, 'ns'), [
    '--namespace',
    'ns',
    '--timeout',
    '2m',
    '--wait-for-jobs',
    '--wait=watcher',
    '--force-replace',
    '--force-conflicts',
    '--server-side=true',
  ]);
  assert.equal(rollbackFlags(new HelmArgs(['app', './c', '--wait=legacy'], 'upgrade'), 4, 'x'), [
    '--namespace',
    'x',
    '--wait=legacy',
  ]);
});

test.run();
