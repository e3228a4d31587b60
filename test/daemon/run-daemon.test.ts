import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sandbox, sandboxUnavailable } from '../helpers/sandbox.js';
import type { SessionSummary } from '../../src/model/session-record.js';


describe('the tsvnc daemon with real servers', { skip: sandboxUnavailable, concurrency: true }, () => {
  it('a SIGKILLed daemon leaves the desktop serving; the next command adopts it and can kill it', async () => {
    const run = await sandbox(`set_passwd
      step start tsvnc start --xstartup 'sleep 1000' --json
      kill -9 $(daemon_pid)
      step serving timeout 5 xdpyinfo -display :1
      step list tsvnc list --json
      step kill tsvnc kill :1
      step leftovers leftovers`);
    const started = run.json<SessionSummary>('start');
    assert.equal(run.step('serving').code, 0);
    assert.deepEqual(run.json<SessionSummary[]>('list').map((s) => [s.display, s.state, s.pid]), [[1, 'running', started.pid]]);
    assert.equal(run.step('kill').code, 0);
    assert.equal(run.step('leftovers').out, '');
  });

  it('without restarts, a SIGKILLed server makes the session failed, with the session program ended and the display released; start :N starts it afresh', async () => {
    const run = await sandbox(`set_passwd
      tsvnc start --xstartup 'sleep 1000' --restart no >/dev/null
      kill -9 $(pgrep -x Xtigervnc)
      step failed wait_until bash -c 'tsvnc list --json | grep -q failed'
      step list tsvnc list --json
      step state cat /tmp/home/.vnc/tsvnc-*/sessions/1.json
      step leftovers leftovers
      step again tsvnc start :1 --no-xstartup --json
      step after tsvnc list --json`);
    assert.equal(run.step('failed').code, 0, run.stderr);
    const [failed] = run.json<SessionSummary[]>('list');
    assert.equal(failed?.state, 'failed');
    assert.equal(failed?.lastExit?.signal, 'SIGKILL');
    assert.equal(run.json<{ state: string }>('state').state, 'failed', 'the state file agrees with the daemon');
    assert.equal(run.step('leftovers').out, '1.json', 'no lock, socket, cookie or process left; the failed record stays');
    assert.equal(run.step('again').code, 0, run.stderr);
    assert.deepEqual(run.json<SessionSummary[]>('after').map((s) => [s.display, s.state]), [[1, 'running']]);
  });

  it("does not keep the caller's inherited file descriptors open, in itself or in the servers it starts", async () => {
    const run = await sandbox(`set_passwd
      ( exec 200>/tmp/home/job.lock; flock 200; tsvnc start --no-xstartup >/dev/null )
      step holders bash -c 'for p in $(daemon_pid) $(pgrep -x Xtigervnc); do ls -l /proc/$p/fd; done | grep job.lock'
      step flock flock -n /tmp/home/job.lock true`);
    assert.equal(run.step('holders').out, '');
    assert.equal(run.step('flock').code, 0, 'the lock is free once the caller exited');
  });

  it('two daemons started at once end as one, and a second `tsvnc daemon` reports the running one', async () => {
    const run = await sandbox(`
      tsvnc daemon --foreground & tsvnc daemon --foreground &
      step up wait_until tsvnc daemon
      one_daemon() { local i; for i in $(seq 300); do [ "$(daemon_pid | wc -l)" = 1 ] && return 0; sleep 0.05; done; return 1; }
      step one one_daemon
      step count bash -c "daemon_pid | wc -l"`);
    assert.equal(run.step('up').code, 0, run.stderr);
    assert.equal(run.step('one').code, 0, 'the extra daemons exit on their own');
    assert.equal(run.step('count').out.trim(), '1');
  });
});
