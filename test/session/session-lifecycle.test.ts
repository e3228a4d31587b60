import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sandbox, sandboxUnavailable } from '../helpers/sandbox.js';
import type { SessionSummary } from '../../src/model/session-record.js';

const SESSIONS = '"$HOME"/.vnc/tsvnc-*/sessions';

describe('what a desktop starts, tsvnc finds again (issue 12)', { skip: sandboxUnavailable }, () => {
  it("kill ends the default session's daemons that left its session, and ssh-agent takes its /tmp/ssh-* with it (item 11)", async () => {
    const run = await sandbox(`set_passwd
      tsvnc start >/dev/null
      wait_until pgrep -x icewm
      step agents pgrep -c -x ssh-agent
      step kill tsvnc kill :1
      step left pgrep -a -x 'ssh-agent|icewm|icewm-session|tigervncconfig'
      step ssh bash -c 'ls -d /tmp/ssh-* 2>/dev/null'
      step leftovers leftovers`);
    assert.equal(run.step('agents').out.trim(), '1', run.stderr);
    assert.equal(run.step('kill').out, 'killed :1');
    assert.equal(run.step('left').out, '');
    assert.equal(run.step('ssh').out, '');
    assert.equal(run.step('leftovers').out, '');
  });

  it('a session program whose daemon died before recording it is found and stopped by the next daemon (item 5)', async () => {
    // The state a daemon leaves when it dies between spawning the program and saving it: still "starting", no program.
    const run = await sandbox(`set_passwd
      tsvnc start --xstartup 'exec sleep 1000' >/dev/null
      kill -9 $(daemon_pid)
      f=$(echo ${SESSIONS}/1.json)
      node -e 'const fs=require("fs");const r=JSON.parse(fs.readFileSync(process.argv[1]));r.state="starting";r.program=null;fs.writeFileSync(process.argv[1],JSON.stringify(r))' $f
      step list tsvnc list --json
      step left wait_until bash -c '! pgrep -x "sleep|Xtigervnc"'
      step leftovers leftovers`);
    assert.deepEqual(run.json<SessionSummary[]>('list'), [], run.stderr);
    assert.equal(run.step('left').code, 0, 'the program and the server were stopped');
    assert.equal(run.step('leftovers').out, '');
  });

  it('a session program that fails at once fails the start with its status and its last words, leaving nothing (item 10)', async () => {
    const run = await sandbox(`set_passwd
      step missing tsvnc start --xstartup /nonexistent/prog
      step three tsvnc start --xstartup 'echo giving up >&2; exit 3'
      step list tsvnc list --json
      step leftovers leftovers`);
    assert.equal(run.step('missing').code, 1);
    assert.match(run.stderr, /tsvnc: the session program ended at once \(exit code 127\): .*\/nonexistent\/prog: not found \(see \/tmp\/home\/\.vnc\/\S+:1\.log/);
    assert.equal(run.step('three').code, 1);
    assert.match(run.stderr, /tsvnc: the session program ended at once \(exit code 3\): giving up \(see /);
    assert.deepEqual(run.json<SessionSummary[]>('list'), []);
    assert.equal(run.step('leftovers').out, '');
  });

  it('a session program that fails later ends the desktop, which list and status show as failed with why, until kill (item 10)', async () => {
    const run = await sandbox(`set_passwd
      step start tsvnc start --xstartup 'sleep 0.5; exit 4'
      step failed wait_until bash -c 'tsvnc list --json | grep -q failed'
      step status tsvnc status :1 --json
      step server pgrep -x Xtigervnc
      step kill tsvnc kill :1
      step leftovers leftovers`);
    assert.equal(run.step('start').code, 0, run.stderr);
    assert.equal(run.step('failed').code, 0, run.stderr);
    const status = run.json<SessionSummary>('status');
    assert.deepEqual([status.state, status.pid, status.reason], ['failed', null, 'the session program failed (exit code 4); the desktop was ended (autokill)']);
    assert.equal(run.step('server').code, 1, 'the desktop was ended');
    assert.equal(run.step('kill').code, 0, run.stderr);
    assert.equal(run.step('leftovers').out, '');
  });

  it('a start on a full state directory names the file and the fix, and leaves nothing (item 4)', async () => {
    const run = await sandbox(`set_passwd
      mkdir /tmp/state && mount -t tmpfs -o size=256k tmpfs /tmp/state
      export TSVNC_STATE_DIR=/tmp/state
      dd if=/dev/zero of=/tmp/state/filler bs=4k 2>/dev/null
      step start tsvnc start --no-xstartup
      step state bash -c 'ls -A /tmp/state /tmp/state/sessions'
      step leftovers leftovers
      rm /tmp/state/filler
      step again tsvnc start --no-xstartup --json`);
    assert.equal(run.step('start').code, 3);
    assert.match(run.stderr, /^tsvnc: cannot write \/tmp\/state\/sessions\/1\.json: no space left on its file system \(free space there \(df -h \/tmp\/state\/sessions\), or set TSVNC_STATE_DIR/m);
    assert.equal(run.step('state').out.split('\n').filter((f) => !['control.sock', 'daemon.log', 'filler', 'sessions', '/tmp/state:', '/tmp/state/sessions:', ''].includes(f)).join(','), '');
    assert.equal(run.step('leftovers').out, 'state');
    assert.equal(run.step('again').code, 0, 'once there is space, a start works');
  });

  it('damaged session files are listed with their path and fix, never hide the others, and kill stops a live server whose file is truncated (item 7)', async () => {
    const run = await sandbox(`set_passwd
      tsvnc start :1 --xstartup 'sleep 1000' >/dev/null
      tsvnc start :2 --no-xstartup >/dev/null
      kill -9 $(daemon_pid)
      truncate -s 100 ${SESSIONS}/1.json
      echo '{"display":8,"state":"stopped"}' > $(echo ${SESSIONS})/8.json
      sed 's/"display": 2,/"display": "6",/' ${SESSIONS}/2.json > $(echo ${SESSIONS})/6.json
      step list tsvnc list --json
      step text tsvnc list
      step kill1 tsvnc kill :1
      step gone1 bash -c '! pgrep -x sleep && [ "$(pgrep -c -x Xtigervnc)" = 1 ]'
      step kill6 tsvnc kill :6
      step kill8 tsvnc kill :8
      step after tsvnc list --json
      tsvnc kill :2 >/dev/null
      step leftovers leftovers`);
    const list = run.json<SessionSummary[]>('list');
    assert.deepEqual(list.map((s) => [s.display, s.state]), [[1, 'failed'], [2, 'running'], [6, 'failed'], [8, 'failed']], run.stderr);
    const reason = (n: number) => list.find((s) => s.display === n)?.reason ?? '';
    assert.match(reason(1), /^damaged state file \/tmp\/home\/\.vnc\/tsvnc-[^/]+\/sessions\/1\.json: .*; tsvnc kill :1 stops its server \(pid \d+\) and removes the file$/);
    assert.match(reason(6), /sessions\/6\.json: display is "6", not a whole number/);
    assert.match(reason(8), /sessions\/8\.json: options is missing.*; tsvnc kill :8 removes it$/);
    assert.equal(run.step('text').code, 0);
    assert.deepEqual([run.step('kill1').out, run.step('kill6').out, run.step('kill8').out], ['killed :1', 'killed :6', 'killed :8']);
    assert.equal(run.step('gone1').code, 0, "the damaged session's server and program are gone, the other desktop runs");
    assert.deepEqual(run.json<SessionSummary[]>('after').map((s) => s.display), [2]);
    assert.equal(run.step('leftovers').out, '');
  });

  it("the next daemon removes a lock its dead predecessor had just claimed, and no one else's (item 12)", async () => {
    const run = await sandbox(`set_passwd
      tsvnc start :1 --no-xstartup >/dev/null
      dead=$(daemon_pid)
      kill -9 $dead
      printf '%10d\\n' $dead > /tmp/.X5-lock
      sleep 1000 & other=$!; kill -9 $other; wait $other
      printf '%10d\\n' $other > /tmp/.X6-lock
      step list tsvnc list --json
      step locks bash -c 'ls -A /tmp | grep -- "-lock$"'`);
    assert.deepEqual(run.json<SessionSummary[]>('list').map((s) => [s.display, s.state]), [[1, 'running']], run.stderr);
    assert.deepEqual(run.step('locks').out.split('\n'), ['.X1-lock', '.X6-lock'], ":5's claim by the dead daemon is gone; :6's unknown stale lock is left to the next claimer");
  });
});
