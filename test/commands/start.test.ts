import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sandbox, sandboxUnavailable } from '../helpers/sandbox.js';
import type { SessionSummary } from '../../src/model/session-record.js';

/** vncsnapshot gives up on the blank screen of a new server without these. */
const SNAPSHOT = 'vncsnapshot -quiet -allowblank -encodings raw -passwd ~/.vnc/passwd';

describe('tsvnc start, list, status, kill against a real Xtigervnc', { skip: sandboxUnavailable, concurrency: true }, () => {
  it('starts a desktop that X clients and a VNC client with the password reach, lists it, and kill leaves nothing behind', async () => {
    const run = await sandbox(`set_passwd
      step start tsvnc start --xstartup 'sleep 1000 & sleep 1000' --json
      step lock cat /tmp/.X1-lock
      step xdpyinfo timeout 5 xdpyinfo -display :1
      step stranger env XAUTHORITY=/dev/null timeout 5 xdpyinfo -display :1
      step snapshot timeout 10 ${SNAPSHOT} localhost:1 /tmp/home/out.jpg
      step wrongpw bash -c 'echo otherpw1 | tsvnc passwd --file /tmp/home/wrong >/dev/null && timeout 10 vncsnapshot -quiet -allowblank -encodings raw -passwd /tmp/home/wrong localhost:1 /tmp/home/bad.jpg'
      step list tsvnc list --json
      step status tsvnc status :1 --json
      step kill tsvnc kill :1
      step leftovers leftovers
      step after tsvnc list --json
      step xauth xauth -f ~/.Xauthority list`);
    assert.equal(run.step('start').code, 0, run.stderr);
    const started = run.json<SessionSummary>('start');
    assert.equal(started.display, 1);
    assert.equal(started.rfbPort, 5901);
    assert.equal(Number(run.step('lock').out.trim()), started.pid, 'the X lock names the server');
    assert.equal(run.step('xdpyinfo').code, 0);
    assert.notEqual(run.step('stranger').code, 0, 'a client without the cookie is refused');
    assert.equal(run.step('snapshot').code, 0);
    assert.notEqual(run.step('wrongpw').code, 0, 'a wrong VNC password is refused');
    const listed = run.json<SessionSummary[]>('list');
    assert.deepEqual(listed.map((s) => [s.display, s.state, s.pid, s.rfbPort, s.restarts]), [[1, 'running', started.pid, 5901, 0]]);
    assert.equal(run.json<SessionSummary>('status').state, 'running');
    assert.equal(run.step('kill').code, 0);
    assert.equal(run.step('leftovers').out, '', 'no process, lock, socket or state left');
    assert.deepEqual(run.json('after'), []);
    assert.equal(run.step('xauth').out, '', 'the cookie is removed from ~/.Xauthority');
  });

  it('eight concurrent starts get eight distinct displays, all running; kill :* stops them all', async () => {
    const run = await sandbox(`set_passwd
      for i in 1 2 3 4 5 6 7 8; do tsvnc start --no-xstartup --json >/tmp/home/start-$i.json 2>/tmp/home/start-$i.err & done
      wait
      step starts bash -c 'cat /tmp/home/start-*.json | node -e "let s=\\"\\";process.stdin.on(\\"data\\",d=>s+=d).on(\\"end\\",()=>console.log(JSON.stringify(s.trim().split(/\\n(?=\\{)/).map(j=>JSON.parse(j).display).sort((a,b)=>a-b))))"'
      step errors cat /tmp/home/start-1.err /tmp/home/start-2.err /tmp/home/start-3.err /tmp/home/start-4.err /tmp/home/start-5.err /tmp/home/start-6.err /tmp/home/start-7.err /tmp/home/start-8.err
      step list tsvnc list --json
      step serving bash -c 'for n in 1 2 3 4 5 6 7 8; do timeout 5 xdpyinfo -display :$n >/dev/null || echo ":$n not serving"; done'
      step kill tsvnc kill ':*' --json
      step leftovers leftovers`, { timeoutMs: 90_000 });
    assert.equal(run.step('errors').out, '');
    assert.deepEqual(run.json('starts'), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(run.json<SessionSummary[]>('list').map((s) => s.state), Array(8).fill('running'));
    assert.equal(run.step('serving').out, '');
    assert.deepEqual(run.json('kill'), { killed: [1, 2, 3, 4, 5, 6, 7, 8] });
    assert.equal(run.step('leftovers').out, '');
  });

  it('an explicit busy display fails with the reason and leaves the other server alone; without :N the next free one is used', async () => {
    const run = await sandbox(`set_passwd
      start_x 1
      step busy tsvnc start :1 --no-xstartup
      step lock cat /tmp/.X1-lock
      step state ls -A /tmp/home/.vnc/tsvnc-*/sessions
      step auto tsvnc --log-level info start --no-xstartup --json
      cp /tmp/step-stderr /tmp/home/auto.err
      step skipped cat /tmp/home/auto.err
      step xpid echo $XPID`);
    const busy = run.step('busy');
    assert.equal(busy.code, 1);
    const line = run.stderr.split('\n').find((l) => l.includes(':1 is in use'));
    assert.match(line ?? '', /^tsvnc: :1 is in use by a running X server: Xtigervnc :1 .*tsvnc kill :1/);
    assert.equal(run.step('lock').out.trim(), run.step('xpid').out.trim());
    assert.equal(run.step('state').out, '');
    assert.equal(run.json<SessionSummary>('auto').display, 2);
    assert.match(run.step('skipped').out, /skipped :1: :1 is in use by a running X server/);
  });

  it('a server that dies before it is ready is reported with its own error, and everything is released', async () => {
    const run = await sandbox(`set_passwd
      step start tsvnc start :3 --no-xstartup -- -nosuchoption
      step leftovers leftovers
      step list tsvnc list --json`);
    assert.equal(run.step('start').code, 1);
    assert.match(run.stderr, /tsvnc: the X server for :3 (did not start|exited before it was ready) \(exit code 1\): .*nosuchoption/);
    assert.equal(run.step('leftovers').out, '');
    assert.deepEqual(run.json('list'), []);
  });

  it('bad input gets one line and a non-zero exit, and leaves nothing behind', async () => {
    const run = await sandbox(`
      step nopasswd tsvnc start --no-xstartup
      step lowercase tsvnc start --security-types vncauth --no-xstartup
      printf 'abc' > ~/.vnc/passwd 2>/dev/null || { mkdir -p ~/.vnc; printf 'abc' > ~/.vnc/passwd; }
      chmod 600 ~/.vnc/passwd
      step brokenpasswd tsvnc start --no-xstartup
      set_passwd
      step geometry tsvnc start --geometry 12x
      step display tsvnc start :abc
      step insecure tsvnc start --localhost no --security-types None --no-xstartup
      mkdir /tmp/home/bin && ln -s "$(command -v node)" /tmp/home/bin/node
      step noxvnc env PATH=/tmp/home/bin node $TSVNC_ROOT/dist/src/cli.js start --no-xstartup
      step notmine tsvnc kill :7
      step leftovers leftovers`);
    const expect = (name: string, code: number, pattern: RegExp) => {
      assert.equal(run.step(name).code, code, name);
      assert.match(run.stderr, pattern, name);
    };
    expect('nopasswd', 2, /^tsvnc: no VNC password file at \/tmp\/home\/\.vnc\/passwd \(set one with: tsvnc passwd\)$/m);
    expect('lowercase', 2, /^tsvnc: no VNC password file at /m);
    expect('brokenpasswd', 2, /^tsvnc: .*passwd.* 3 bytes.*$/m);
    expect('geometry', 2, /^tsvnc: --geometry "12x" is not a screen size/m);
    expect('display', 2, /^tsvnc: .*:abc/m);
    expect('insecure', 2, /^tsvnc: security type None off localhost .*--insecure/m);
    expect('noxvnc', 3, /^tsvnc: Xtigervnc is not installed .*apt-get install tigervnc-standalone-server/m);
    expect('notmine', 1, /^tsvnc: :7 is not one of your tsvnc sessions/m);
    assert.equal(run.step('leftovers').out, '');
  });

  it('the session ends with its session program (autokill), unless --autokill no', async () => {
    const run = await sandbox(`set_passwd
      step short tsvnc start :1 --xstartup 'sleep 0.3' --json
      step autokill wait_until bash -c '[ "$(tsvnc list --json)" = "[]" ]'
      step keep tsvnc start :2 --xstartup 'true' --autokill no --json
      sleep 0.5
      step list tsvnc list --json
      step xdpyinfo timeout 5 xdpyinfo -display :2
      tsvnc kill :2
      step leftovers leftovers`);
    assert.equal(run.step('short').code, 0, run.stderr);
    assert.equal(run.step('autokill').code, 0, 'the session ended when sleep exited');
    assert.equal(run.step('keep').code, 0, run.stderr);
    assert.deepEqual(run.json<SessionSummary[]>('list').map((s) => [s.display, s.state]), [[2, 'running']]);
    assert.equal(run.step('xdpyinfo').code, 0);
    assert.equal(run.step('leftovers').out, '');
  });

  it('runs ~/.vnc/xstartup with DISPLAY set; logs prints its output; kill --clean removes the log', async () => {
    const run = await sandbox(`set_passwd
      printf '#!/bin/sh\\necho "xstartup on $DISPLAY"\\nexec sleep 1000\\n' > ~/.vnc/xstartup && chmod +x ~/.vnc/xstartup
      step start tsvnc start --json
      step logs wait_until bash -c 'tsvnc logs :1 | grep -q "xstartup on :1"'
      step kill tsvnc kill :1 --clean
      step log ls -A ~/.vnc`);
    assert.equal(run.step('start').code, 0, run.stderr);
    assert.equal(run.step('logs').code, 0);
    assert.equal(run.step('kill').code, 0);
    assert.doesNotMatch(run.step('log').out, /\.log/);
  });
});
