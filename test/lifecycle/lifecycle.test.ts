import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DISPLAY, harness, record, settle, starting } from './fakes.js';
import { TsvncError } from '../../src/errors.js';
import { summarize } from '../../src/model/session-record.js';

describe('the session lifecycle, with a fake store, prober, spawner, processes and clock', () => {
  it('a crashed server restarts on the same display at once, then backs off 0.5 s; restarts counts them', async () => {
    const h = harness();
    await h.start();
    assert.equal(h.state(), 'running');
    h.servers[0]?.fire(null, 'SIGKILL');
    await settle();
    assert.equal(h.state(), 'restarting');
    assert.match(h.reason() ?? '', /^the X server failed \(killed by SIGKILL\); restarting$/);
    // Only the program's own session ends; the lock goes back to the daemon.
    assert.deepEqual(h.ops, ['spawn 101', 'end-session 1101', 'keep-reserved 101']);
    assert.equal(h.lifecycle.get(DISPLAY)?.server, null);
    assert.deepEqual(h.clock.pending(), [0]);
    await h.clock.advance(0);
    assert.deepEqual([h.state(), h.session()?.restarts, h.lifecycle.get(DISPLAY)?.server?.pid], ['running', 1, 102]);
    h.servers[1]?.fire(1, null);
    await settle();
    assert.match(h.reason() ?? '', /restarting in 0\.5 s$/);
    assert.deepEqual(h.clock.pending(), [500]);
    await h.clock.advance(499);
    assert.equal(h.state(), 'restarting', 'not before the backoff');
    await h.clock.advance(1);
    assert.deepEqual([h.state(), h.session()?.restarts], ['running', 2]);
    h.lifecycle.close();
  });

  it('the restart limit within the window is a crash loop: failed, with the reason, the desktop ended and the display released', async () => {
    const h = harness();
    await h.start(starting({ limit: 3 }));
    for (const [i, wait] of [0, 500].entries()) {
      h.servers[i]?.fire(1, null);
      await settle();
      await h.clock.advance(wait);
    }
    h.ops.length = 0;
    h.servers[2]?.fire(1, null);
    await settle();
    assert.equal(h.state(), 'failed');
    assert.match(h.reason() ?? '', /^crash loop: 3 server failures within 60 s, not restarting again; last: the X server failed \(exit code 1\)/);
    assert.deepEqual(h.ops, ['end-desktop', 'release 103', 'remove-files']);
    assert.deepEqual(h.clock.pending(), [], 'no restart pending');
    assert.equal(h.saves.at(-1), 'failed');
  });

  it('failures older than the window do not count toward the crash loop', async () => {
    const h = harness();
    await h.start(starting({ limit: 2, windowSeconds: 60 }));
    h.servers[0]?.fire(1, null);
    await settle();
    await h.clock.advance(61_000);
    h.servers[1]?.fire(1, null);
    await settle();
    assert.equal(h.state(), 'restarting');
    assert.deepEqual(h.clock.pending(), [0], 'a first failure again: immediate');
    h.lifecycle.close();
  });

  it('a server that exits 0 under on-failure ends the session as stopped; restart "no" ends a crash as failed', async () => {
    const clean = harness();
    await clean.start();
    clean.servers[0]?.fire(0, null);
    await settle();
    assert.deepEqual([clean.state(), clean.reason()], ['stopped', 'the X server exited (exit code 0)']);
    const no = harness();
    await no.start(starting({ mode: 'no' }));
    no.servers[0]?.fire(null, 'SIGSEGV');
    await settle();
    assert.equal(no.state(), 'failed');
    assert.deepEqual(no.clock.pending(), []);
  });

  it("an idle timeout's end is said as such and restarts nothing; a failure of the same desktop is still a failure", async () => {
    const idle = harness();
    const desktop = starting();
    await idle.start({ ...desktop, options: { ...desktop.options, idleTimeout: 600 } });
    idle.servers[0]?.fire(0, null);
    await settle();
    assert.deepEqual([idle.state(), idle.reason()], ['stopped', 'no viewer for 600 s: the idle timeout ended it']);
    assert.deepEqual(idle.clock.pending(), []);
    const crash = harness();
    await crash.start({ ...desktop, options: { ...desktop.options, idleTimeout: 600 } });
    crash.servers[0]?.fire(null, 'SIGSEGV');
    await settle();
    assert.equal(crash.state(), 'restarting');
    crash.lifecycle.close();
  });

  it('a restart whose display is held waits, naming the holder, backing off, and never moves to another display', async () => {
    const h = harness();
    await h.start();
    h.blockers.push('port 5907 is held by nc (pid 9)', 'port 5907 is held by nc (pid 9)');
    h.servers[0]?.fire(null, 'SIGKILL');
    await settle();
    await h.clock.advance(0);
    assert.equal(h.reason(), 'waiting for :7: port 5907 is held by nc (pid 9); next try in 0.5 s');
    await h.clock.advance(500);
    assert.equal(h.reason(), 'waiting for :7: port 5907 is held by nc (pid 9); next try in 1 s');
    assert.equal(h.ops.filter((op) => op.startsWith('spawn')).length, 1, 'no server started meanwhile');
    await h.clock.advance(1000);
    assert.deepEqual([h.state(), h.lifecycle.get(DISPLAY)?.display], ['running', DISPLAY]);
    h.lifecycle.close();
  });

  it('a full state directory during a restart is no server failure: it waits for space and then restarts', async () => {
    const h = harness();
    await h.start(starting({ limit: 2 }));
    h.spawnPlan.push(new TsvncError('STATE_WRITE_FAILED', 'cannot write sessions/7.json: no space left on its file system'));
    h.servers[0]?.fire(null, 'SIGKILL');
    await settle();
    await h.clock.advance(0);
    assert.equal(h.state(), 'restarting', 'not failed, with a limit of 2');
    assert.match(h.reason() ?? '', /^waiting for :7: cannot write sessions\/7\.json: no space left on its file system; next try in 0\.5 s$/);
    await h.clock.advance(500);
    assert.deepEqual([h.state(), h.session()?.restarts], ['running', 1]);
    h.lifecycle.close();
  });

  it('a state save that fails is retried, backing off, until it works; supervision goes on meanwhile', async () => {
    const h = harness();
    await h.start();
    h.failSaves(2);
    h.servers[0]?.fire(0, null);
    await settle();
    assert.equal(h.state(), 'stopped');
    assert.notEqual(h.saves.at(-1), 'stopped', 'the first save failed');
    assert.deepEqual(h.clock.pending(), [500]);
    await h.clock.advance(500);
    assert.deepEqual(h.clock.pending(), [1000], 'the second failed too, and waits longer');
    await h.clock.advance(1000);
    assert.equal(h.saves.at(-1), 'stopped');
    assert.deepEqual(h.clock.pending(), []);
  });

  it("the server's death wins over a program exit: a program that died with its server is no logout", async () => {
    const h = harness({ gone: true });
    await h.start();
    h.programs[0]?.fire(1, null);
    await settle();
    assert.deepEqual([h.state(), h.ops], ['running', ['spawn 101']], 'no logout began');
    h.servers[0]?.fire(null, 'SIGKILL');
    await settle();
    assert.equal(h.state(), 'restarting');
    h.lifecycle.close();
  });

  it('a program exit while its server lives is a logout: autokill stops the session; without autokill it stays running', async () => {
    const h = harness({ gone: false });
    await h.start();
    h.programs[0]?.fire(0, null);
    await settle();
    assert.deepEqual(h.ops, ['spawn 101', 'end-desktop', 'stop-server 101', 'release 101', 'remove-files', `remove ${DISPLAY}`]);
    assert.equal(h.lifecycle.get(DISPLAY), undefined);
    const keep = harness({ gone: false });
    await keep.start(starting({}, false));
    keep.programs[0]?.fire(0, null);
    await settle();
    assert.deepEqual([keep.state(), keep.ops], ['running', ['spawn 101']]);
    keep.lifecycle.close();
  });

  it('kill stops the desktop and the server, removes the state, and a late exit of the killed server restarts nothing', async () => {
    const h = harness();
    await h.start();
    await h.lifecycle.stop(DISPLAY, true);
    assert.deepEqual(h.ops, ['spawn 101', 'end-desktop', 'stop-server 101', 'release 101', 'remove-files', `remove ${DISPLAY}`, 'remove-log']);
    h.servers[0]?.fire(null, 'SIGTERM');
    await settle();
    await h.clock.advance(60_000);
    assert.equal(h.ops.filter((op) => op.startsWith('spawn')).length, 1);
    assert.deepEqual(h.lifecycle.records(), []);
  });

  it('kill during a pending restart cancels it', async () => {
    const h = harness();
    await h.start();
    h.servers[0]?.fire(1, null);
    await settle();
    await h.lifecycle.stop(DISPLAY, false);
    assert.deepEqual(h.clock.pending(), []);
    await h.clock.advance(60_000);
    assert.equal(h.ops.filter((op) => op.startsWith('spawn')).length, 1);
  });

  it('a kill while the session starts waits for the start, then stops the server it started', async () => {
    const h = harness();
    let up: () => void = () => undefined;
    h.spawnPlan.push(new Promise<void>((resolve) => (up = resolve)));
    const starting = h.start();
    await settle();
    assert.equal(h.state(), 'starting', 'listed as starting, with no server yet');
    assert.equal(h.lifecycle.get(DISPLAY)?.server, null);
    const killing = h.lifecycle.stop(DISPLAY, false);
    await settle();
    assert.ok(!h.ops.includes('end-desktop'), 'the kill waits');
    up();
    await starting;
    await killing;
    assert.ok(h.ops.includes('stop-server 101'), h.ops.join(', '));
    assert.deepEqual(h.lifecycle.records(), []);
  });

  it('a start that fails removes its entry and state and releases the display; a kill waiting on it finds nothing', async () => {
    const h = harness();
    h.spawnPlan.push(new TsvncError('SERVER_FAILED', 'the X server exited at once'));
    const starting = h.start();
    const killing = h.lifecycle.stop(DISPLAY, false);
    await assert.rejects(starting, /exited at once/);
    await killing;
    assert.deepEqual(h.ops, [`remove ${DISPLAY}`, `release ${process.pid}`]);
    assert.deepEqual(h.lifecycle.records(), []);
  });

  it('adoption: a live server is watched and restarted when it dies; a dead one is restarted; a starting one is stopped; a damaged file is listed', async () => {
    const running = { ...record('running'), display: 1, server: { pid: 11, startTicks: 1 } };
    const dead = { ...record('running'), display: 2, server: { pid: 12, startTicks: 1 } };
    const restarting = { ...record('restarting'), display: 3 };
    const unready = { ...record('starting'), display: 4 };
    const failed = { ...record('failed'), display: 5 };
    const h = harness({ alive: (pid) => pid === 11, records: [running, dead, restarting, unready, failed], damaged: [{ display: 6, path: 'sessions/6.json', problem: 'not JSON' }] });
    await h.lifecycle.resume();
    // As list shows them: the damaged file as failed.
    assert.deepEqual(h.lifecycle.records().map((r) => [r.display, summarize(r, h.clock.now()).state]), [[1, 'running'], [2, 'restarting'], [3, 'restarting'], [5, 'failed'], [6, 'failed']]);
    assert.ok(h.ops.includes('watch 11'));
    assert.match(h.lifecycle.get(2)?.reason ?? '', /^the X server ended \(status unknown: it was not started by this daemon\); restarting$/);
    assert.ok(h.ops.includes('stop-server') === false && h.ops.includes('remove 4'), 'the starting one was stopped');
    assert.equal(h.ops.at(-1), 'reclaim except 1,2,3,5,6');
    await h.clock.advance(0);
    assert.deepEqual([2, 3].map((n) => h.lifecycle.get(n)?.state), ['running', 'running']);
    h.servers[0]?.fire(null, null);
    await settle();
    assert.equal(h.lifecycle.get(1)?.state, 'restarting', 'an adopted server whose death is seen is restarted');
    h.lifecycle.close();
  });

  it("an adopted program's late exit after a restart is not its successor's logout", async () => {
    const running = { ...record('running'), server: { pid: 11, startTicks: 1 }, program: { pid: 21, startTicks: 1 } };
    const h = harness({ alive: () => true, records: [running] });
    await h.lifecycle.resume();
    h.servers[0]?.fire(null, null);
    await settle();
    await h.clock.advance(0);
    assert.equal(h.state(), 'running');
    h.programs[0]?.fire(null, null);
    await settle();
    assert.equal(h.state(), 'running', 'still running its new program');
    assert.ok(!h.ops.includes('end-desktop'));
    h.lifecycle.close();
  });
});
