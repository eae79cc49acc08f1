/**
 * The terminal view, in a real terminal (tmux): the spinner draws while hooks run, and on the first Ctrl-C it
 * stops and the process exits (code 130), saying which signal it received, without waiting out the hooks'
 * timeout. A wall-clock figure for that exit belongs in the benchmark: these tests check what happens and in
 * which order, and their only time limits are far from both a passing run and the failure they catch.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CHART, dropNamespace, helmSetup, MAJORS, namespace, REPO, valuesFile } from './harness.js';

const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
const screen = (session: string) => tmux('capture-pane', '-p', '-t', session);
const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

/**
 * Captures the pane every pollMs until done(screen) holds or boundMs has passed; returns the last capture. The
 * bound only turns a hang into a failed assertion (with the screen) after it, so it is generous: far above the
 * few seconds a passing run needs on a slow, shared machine.
 */
async function watchScreen(
  session: string,
  done: (screen: string) => boolean,
  boundMs: number,
  pollMs = 100,
): Promise<string> {
  const end = performance.now() + boundMs;
  let shown = '';
  do {
    await new Promise((r) => setTimeout(r, pollMs));
    shown = screen(session);
  } while (!done(shown) && performance.now() < end);
  return shown;
}

/** The hooks' timeout each test configures: what a plugin that ignored the first Ctrl-C would wait out. */
const HOOK_TIMEOUT_S = 300;
/**
 * The exit after the first Ctrl-C: 60 s is far above the about a second a passing run takes (a slow, shared
 * machine does not fail it) and far below HOOK_TIMEOUT_S, which a plugin ignoring the Ctrl-C would wait out.
 */
const EXIT_BOUND_MS = 60_000;

for (const major of MAJORS) {
  const s = suite(`terminal, helm ${major}`);

  s('first Ctrl-C: the spinner stops and the plugin exits on it, without waiting out the hook timeout', async () => {
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
    const command = `${exports} unset CI NO_COLOR; node ${quote(join(REPO, 'dist/cli.cjs'))} install tty ${quote(CHART)} -f ${quote(values)} --hook-parallelism 4 --timeout ${HOOK_TIMEOUT_S}s; echo EXIT=$?; sleep 60`;
    tmux('new-session', '-d', '-s', session, '-x', '140', '-y', '30', 'bash', '-c', command);
    try {
      const drawn = await watchScreen(session, (shown) => /pre-install: tier 1\/1, 1 running/.test(shown), 120_000);
      assert.match(drawn, /pre-install: tier 1\/1, 1 running, 0\/1 done/, `the spinner draws: ${drawn}`);
      assert.not.match(drawn, /EXIT=\d+/, 'still running when the Ctrl-C is sent');
      tmux('send-keys', '-t', session, 'C-c'); // the one and only Ctrl-C: a second would force the exit
      // The watch gives up at the bound: no EXIT line by then means the Ctrl-C was not acted on.
      const after = await watchScreen(session, (shown) => /EXIT=\d+/.test(shown), EXIT_BOUND_MS, 50);
      assert.match(
        after,
        /EXIT=130/,
        `exit 130 within ${EXIT_BOUND_MS / 1000} s of the first Ctrl-C, not at the ${HOOK_TIMEOUT_S} s timeout:\n${after}`,
      );
      assert.match(after, /received SIGINT: stopping/);
      assert.ok(
        after.indexOf('received SIGINT: stopping') < after.indexOf('EXIT=130'),
        `it said it was stopping on the signal, then exited: ${after}`,
      );
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
      const command = `${exports} unset CI NO_COLOR; node ${quote(join(REPO, 'dist/cli.cjs'))} install ttyw ${quote(CHART)} -f ${quote(values)} --hook-parallelism 8 --timeout ${HOOK_TIMEOUT_S}s; echo EXIT=$?; sleep 60`;
      tmux('new-session', '-d', '-s', session, '-x', '140', '-y', '30', 'bash', '-c', command);
      try {
        const hookLine = /^ {2}Job\/(h\d\d) \([^)]+\)\s+([\d.]+)(ms|s)\s+(.+)$/;
        const listedIn = (shown: string) =>
          shown
            .split('\n')
            .map((l) => l.trimEnd().match(hookLine))
            .filter((m): m is RegExpMatchArray => m !== null);
        const drawn = await watchScreen(
          session,
          (shown) => {
            const reasons = listedIn(shown).map((m) => m[4]);
            const count = (r: string | undefined) => reasons.filter((x) => x === r).length;
            return count('Pending: Unschedulable') === 2 && count('running') === 6;
          },
          120_000,
        );
        const listed = listedIn(drawn);
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
        assert.not.match(drawn, /EXIT=\d+/, 'still running when the Ctrl-C is sent');
        tmux('send-keys', '-t', session, 'C-c');
        const after = await watchScreen(session, (shown) => /EXIT=\d+/.test(shown), EXIT_BOUND_MS);
        assert.match(after, /EXIT=130/, after);
      } finally {
        tmux('kill-session', '-t', session);
        await dropNamespace(ns);
      }
    },
  );

  s.run();
}
