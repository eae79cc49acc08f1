/** Which commands the shim runs through the plugin (src/shim/route.ts); the cases both shims are run on. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { route } from '../../src/shim/route.js';

import { CASES } from './shim-cases.js';

test('route: lifecycle commands (with helm aliases) through the plugin, everything else to helm as typed', () => {
  for (const c of CASES) {
    const r = route(c.argv);
    assert.equal(r, c.plugin ? { to: 'plugin', args: c.plugin } : { to: 'helm' }, JSON.stringify(c.argv));
  }
});

test.run();
