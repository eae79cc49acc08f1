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

  s(
    'N=8 with 16 hooks: the running hooks listed, longest-running first, with elapsed time and waiting reason',
    async () => {
      const ns = await namespace(`ttyw${major}`);
      const { bin, env } = await helmSetup(major);
      const hooks = Array.from({ length: 16 }, (_, i) => ({
        name: `h${String(i).padStart(2, '0')}`,
        kind: 'Job',
        events: 'pre-install',
        runFor: '1h',
        ...(i % 4 === 0 ? { nodeSelector: { 'hph.test/node': 'none-such' } } : {}),
      }));
      const values = valuesFile({ configmap: { enabled: false }, hooks });
      const session = `hph-ttyw-${process.pid}-${major}`;
      const vars = {
        ...env,
        HELM_BIN: bin,
        HELM_NAMESPACE: ns,
        HELM_PARALLEL_HOOKS_OUTPUT: 'auto',
        TERM: 'xterm-256color',
      };
      const exports = Object.entries(vars)
        .map(([k, v]) => `export ${k}=${quote(v)};`)
        .join(' ');
      const command = `${exports} unset CI NO_COLOR; node ${quote(join(REPO, 'dist/cli.cjs'))} install ttyw ${quote(CHART)} -f ${quote(values)} --hook-parallelism 8; echo EXIT=$?; sleep 60`;
      tmux('new-session', '-d', '-s', session, '-x', '140', '-y', '30', 'bash', '-c', command);
      try {
        const hookLine = /^ {2}Job\/(h\d\d) \([^)]+\)\s+([\d.]+)(ms|s)\s+(.+)$/;
        let drawn = '';
        let listed: RegExpMatchArray[] = [];
        for (let i = 0; i < 300; i++) {
          await new Promise((r) => setTimeout(r, 100));
          drawn = screen(session);
          listed = drawn
            .split('\n')
            .map((l) => l.trimEnd().match(hookLine))
            .filter((m): m is RegExpMatchArray => m !== null);
          const reasons = listed.map((m) => m[4]);
          const count = (r: string | undefined) => reasons.filter((x) => x === r).length;
          if (count('Pending: Unschedulable') === 2 && count('running') === 6) break;
        }
        assert.match(drawn, /pre-install: tier 1\/1, 8 running, 0\/16 done/, drawn);
        if (process.env.HPH_SHOW_SCREEN) console.log(drawn);
        assert.is(listed.length, 8, `the 8 running hooks are listed:\n${drawn}`);
        const reasons = listed.map((m) => m[4]);
        assert.ok(reasons.includes('Pending: Unschedulable'), drawn);
        assert.is(reasons.filter((r) => r === 'running').length, 6, drawn);
        const unschedulable = listed.filter((m) => m[4] === 'Pending: Unschedulable').map((m) => m[1]);
        assert.equal(unschedulable, ['h00', 'h04'], 'the hooks whose pods match no node');
        const seconds = listed.map((m) => Number(m[2]) / (m[3] === 'ms' ? 1000 : 1));
        assert.equal(
          seconds,
          [...seconds].sort((a, b) => b - a),
          'longest-running first',
        );
        tmux('send-keys', '-t', session, 'C-c');
        let after = '';
        for (let i = 0; i < 100 && !/EXIT=\d+/.test(after); i++) {
          await new Promise((r) => setTimeout(r, 100));
          after = screen(session);
        }
        assert.match(after, /EXIT=130/, after);
      } finally {
        tmux('kill-session', '-t', session);
        await dropNamespace(ns);
      }
    },
  );

  s.run();
}
