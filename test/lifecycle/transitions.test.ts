import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inPhase, phaseOf, transition, type LifeEvent, type Phase } from '../../src/lifecycle/transitions.js';
import { record } from './fakes.js';
import { DEFAULT_POLICY, type RestartPolicy } from '../../src/model/restart-policy.js';

const SERVER = { pid: 9, startTicks: 1 };
/** A phase of the state: running with its server, the ones that do not run with a reason. */
const phase = (state: Phase['state'], more: Partial<Pick<Phase, 'failures' | 'waits' | 'restarts'>> = {}): Phase => {
  const common = { display: 3, failures: [], waits: 0, restarts: 0, ...more };
  switch (state) {
    case 'running': return { ...common, state, reason: null, server: SERVER };
    case 'starting': return { ...common, state, reason: null };
    default: return { ...common, state, reason: `${state} before` };
  }
};
const exited = (code: number | null, signal: string | null, policy: RestartPolicy = DEFAULT_POLICY, now = 100_000): LifeEvent => ({
  type: 'server-exited', info: { code, signal, at: '' }, why: 'the X server failed', now, policy,
});
const did = (effects: { do: string }[]) => effects.map((e) => e.do);

describe('the lifecycle transitions (pure)', () => {
  it('a failed server under on-failure restarts at once: program session ended, display kept, then saved', () => {
    const { next, effects } = transition(phase('running'), exited(1, null));
    assert.deepEqual([next.state, next.reason, next.failures], ['restarting', 'the X server failed; restarting', [100_000]]);
    assert.deepEqual(effects.slice(1), [{ do: 'end-program', reach: 'session' }, { do: 'keep-reserved' }, { do: 'restart-in', delayMs: 0 }, { do: 'save' }]);
  });

  it('the second failure in the window backs off 0.5 s, the limit gives up as failed and ends the whole desktop', () => {
    assert.deepEqual(transition(phase('running', { failures: [99_000] }), exited(1, null)).effects.find((e) => e.do === 'restart-in'), { do: 'restart-in', delayMs: 500 });
    const { next, effects } = transition(phase('running', { failures: [1, 2, 3, 4].map((n) => 99_000 + n) }), exited(1, null));
    assert.equal(next.state, 'failed');
    assert.match(next.reason ?? '', /^crash loop: 5 server failures within 60 s, not restarting again; last: the X server failed$/);
    assert.deepEqual(did(effects), ['log', 'end-program', 'release', 'save']);
    assert.deepEqual(effects[1], { do: 'end-program', reach: 'desktop' });
  });

  it('exit 0 is stopped under on-failure and restarted under always; restart "no" ends a crash as failed', () => {
    assert.equal(transition(phase('running'), exited(0, null)).next.state, 'stopped');
    assert.equal(transition(phase('running'), exited(0, null, { ...DEFAULT_POLICY, mode: 'always' })).next.state, 'restarting');
    assert.equal(transition(phase('running'), exited(null, 'SIGKILL', { ...DEFAULT_POLICY, mode: 'no' })).next.state, 'failed');
  });

  it('a blocked restart waits on the same display, backing off from 0.5 s; a restart resets the waits and counts', () => {
    const first = transition(phase('restarting'), { type: 'restart-blocked', why: 'port 5903 is held' });
    assert.deepEqual([first.next.waits, first.next.reason], [1, 'waiting for :3: port 5903 is held; next try in 0.5 s']);
    const second = transition(first.next, { type: 'restart-blocked', why: 'port 5903 is held' });
    assert.deepEqual(second.effects.find((e) => e.do === 'restart-in'), { do: 'restart-in', delayMs: 1000 });
    const up = transition(second.next, { type: 'restarted', server: SERVER });
    assert.deepEqual([up.next.state, up.next.waits, up.next.restarts, up.next.reason], ['running', 0, 1, null]);
    assert.ok(up.next.state === 'running' && up.next.server === SERVER, 'running with the server that restarted');
  });

  it("a program exit is a logout only while running and only if its server outlived it", () => {
    assert.deepEqual(did(transition(phase('running'), { type: 'program-exited', ended: 'exit code 0', failed: false }).effects), ['confirm-logout']);
    assert.deepEqual(transition(phase('restarting'), { type: 'program-exited', ended: 'exit code 0', failed: false }).effects, []);
    const outlived = (serverGone: boolean, autokill: boolean) => did(transition(phase('running'), { type: 'program-outlived-server', serverGone, autokill, ended: 'exit code 0', failed: false }).effects);
    assert.deepEqual(outlived(true, true), [], "the server's death decides");
    assert.deepEqual(outlived(false, true), ['log', 'stop']);
    assert.deepEqual(outlived(false, false), ['log']);
  });

  it('a session program that fails ends the desktop under autokill, which stays listed as failed with the reason (issue 12, item 10)', () => {
    const step = transition(phase('running'), { type: 'program-outlived-server', serverGone: false, autokill: true, ended: 'exit code 4', failed: true });
    assert.deepEqual(step.effects.at(-1), { do: 'stop', failed: 'the session program failed (exit code 4); the desktop was ended (autokill)' });
    const kept = transition(phase('running'), { type: 'program-outlived-server', serverGone: false, autokill: false, ended: 'exit code 4', failed: true });
    assert.deepEqual(did(kept.effects), ['log'], 'without autokill the desktop stays');
  });

  it("a taken-over record: starting is stopped, a live server adopted, a dead one's exit handled, restarting resumed, failed left listed", () => {
    const over = (state: Phase['state'], alive: boolean | null) => transition(phase(state), { type: 'taken-over', liveServer: alive ? { pid: 5, startTicks: 1 } : null });
    assert.deepEqual(did(over('starting', true).effects), ['log', 'stop']);
    assert.deepEqual([over('running', true).next.state, did(over('running', true).effects)], ['running', ['adopt', 'log']]);
    assert.deepEqual([over('restarting', true).next.state, did(over('restarting', true).effects)], ['running', ['adopt', 'log']]);
    const adopted = over('restarting', true).next;
    assert.ok(adopted.state === 'running' && adopted.server.pid === 5 && adopted.reason === null, 'running with the live server, no reason left from restarting');
    assert.deepEqual(did(over('running', false).effects), ['exit-unseen']);
    assert.deepEqual(over('restarting', null).effects, [{ do: 'restart-in', delayMs: 0 }]);
    assert.deepEqual(over('failed', true).effects, []);
  });

  it('a record and its phase: a running record gives its server to the phase, a running phase its server to the record; the rest keeps the record', () => {
    const running = { ...record('running'), server: SERVER, restarts: 2 };
    assert.deepEqual(phaseOf(running, 1), { display: running.display, failures: [], restarts: 2, waits: 1, state: 'running', reason: null, server: SERVER });
    const crashed = transition(phaseOf(running, 0), exited(1, null)).next;
    const restarting = inPhase(running, crashed);
    assert.deepEqual(restarting, { ...running, state: 'restarting', reason: 'the X server failed; restarting', failures: [100_000] });
    const next = { pid: 10, startTicks: 2 };
    const up = inPhase(restarting, transition(crashed, { type: 'restarted', server: next }).next);
    assert.deepEqual([up.state, up.server, up.reason, up.restarts, up.options], ['running', next, null, 3, running.options]);
  });
});
