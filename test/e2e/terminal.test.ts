/**
 * The terminal view, in a real terminal (tmux): the spinner draws while hooks run, and on the first Ctrl-C it
 * stops and the process exits (code 130) within 2 s, saying which signal it received.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CHART, dropNamespace, helmSetup, MAJORS, namespace, REPO, valuesFile } from './harness.js';

const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
const screen = (session: string) => tmux('capture-pane', '-p', '-t', session);
const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

for (const major of MAJORS) {
  const s = suite(`terminal, helm ${major}`);

  s('first Ctrl-C: the spinner stops and the plugin exits within 2 s', async () => {
    const ns = await namespace(`tty${major}`);
    const { bin, env } = await helmSetup(major);
    const values = valuesFile({ hooks: [{ name: 'slow', kind: 'Job', events: 'pre-install', runFor: '1h' }] });
    const session = `hph-tty-${process.pid}-${major}`;
    const vars = {
      ...env,
      HELM_BIN: bin,
      HELM_NAMESPACE: ns,
      HELM_PARALLEL_HOOKS_OUTPUT: 'auto',
      TERM: 'xterm-256color',
    };
    delete (vars as Record<string, string | undefined>).CI;
    const exports = Object.entries(vars)
      .map(([k, v]) => `export ${k}=${quote(v)};`)
      .join(' ');
    const command = `${exports} unset CI NO_COLOR; node ${quote(join(REPO, 'dist/cli.cjs'))} install tty ${quote(CHART)} -f ${quote(values)} --hook-parallelism 4; echo EXIT=$?; sleep 60`;
    tmux('new-session', '-d', '-s', session, '-x', '140', '-y', '30', 'bash', '-c', command);
    try {
      let drawn = '';
      for (let i = 0; i < 200 && !/pre-install: tier 1\/1, 1 running/.test(drawn); i++) {
        await new Promise((r) => setTimeout(r, 100));
        drawn = screen(session);
      }
      assert.match(drawn, /pre-install: tier 1\/1, 1 running, 0\/1 done/, `the spinner draws: ${drawn}`);
      const sent = Date.now();
      tmux('send-keys', '-t', session, 'C-c');
      let after = '';
      while (Date.now() - sent < 5000 && !/EXIT=\d+/.test(after)) {
        await new Promise((r) => setTimeout(r, 50));
        after = screen(session);
      }
      const took = Date.now() - sent;
      assert.match(after, /EXIT=130/, after);
      assert.ok(took <= 2000, `exited ${took} ms after the first Ctrl-C`);
      assert.match(after, /received SIGINT: stopping/);
      assert.not.match(after, /undefined/);
      const spinnerFrame = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/;
      const frozen = screen(session);
      await new Promise((r) => setTimeout(r, 400));
      assert.is(screen(session), frozen, 'nothing redraws after the exit (the spinner stopped)');
      assert.ok(!spinnerFrame.test(frozen.split('\n').slice(-3).join('\n')), 'no spinner frame is left drawing');
    } finally {
      tmux('kill-session', '-t', session);
      await dropNamespace(ns);
    }
  });

  s.run();
}
