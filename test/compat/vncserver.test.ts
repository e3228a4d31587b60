import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sandbox, sandboxUnavailable } from '../helpers/sandbox.js';
import type { SessionSummary } from '../../src/model/session-record.js';
import type { StartPlan } from '../../src/client-start/plan-start.js';

/** The server's own command line, from the pid its X lock names. */
const SERVER_CMDLINE = (n: number) => `bash -c 'tr "\\0" " " < /proc/$(tr -d " \\n" < /tmp/.X${n}-lock)/cmdline'`;

/** `vncserver` as a symlink to the CLI, first on PATH, as a package installs it. */
const VNCSERVER_LINK = 'mkdir -p /tmp/home/bin && ln -s "$TSVNC_ROOT/dist/src/cli.js" /tmp/home/bin/vncserver && export PATH=/tmp/home/bin:$PATH';

/** A session program script, as vncserver's -xstartup takes one. */
const XSTARTUP = `printf '#!/bin/sh\\nexec sleep 1000\\n' > /tmp/home/xs && chmod +x /tmp/home/xs`;

describe('vncserver command lines against a real Xtigervnc', { skip: sandboxUnavailable, concurrency: true }, () => {
  it('tsvnc :N with classic options starts the server with them, unknown options included; -list, -version, -kill :N -clean', async () => {
    const run = await sandbox(`set_passwd
      step start tsvnc :1 -geometry 1280x800 -depth 16 -localhost yes -SecurityTypes VncAuth -desktop classic -noxstartup -autokill no -FrameRate 30
      step cmdline ${SERVER_CMDLINE(1)}
      step dims bash -c 'xdpyinfo -display :1 | grep -E "dimensions|depth of root"'
      step list tsvnc -list
      step list1 tsvnc -list :1
      step list2 tsvnc -list :2
      step version tsvnc -version
      step kill tsvnc -kill :1 -clean
      step logs ls -A ~/.vnc
      step leftovers leftovers`);
    assert.equal(run.step('start').code, 0, run.stderr);
    assert.match(run.step('start').out, /^New desktop .*:1 \(server pid \d+, VNC port 5901\)/);
    const cmdline = run.step('cmdline').out;
    for (const part of ['Xtigervnc :1 ', '-desktop classic ', '-geometry 1280x800 ', '-depth 16 ', '-localhost=1 ', '-SecurityTypes VncAuth ', '-FrameRate 30']) {
      assert.ok(cmdline.includes(part), `${part} in ${cmdline}`);
    }
    assert.match(run.step('dims').out, /dimensions: +1280x800 pixels/);
    assert.match(run.step('dims').out, /depth of root window: +16 planes/);
    assert.match(run.step('list').out, /^:1 +running/m);
    assert.match(run.step('list1').out, /^:1 +running/m);
    assert.equal(run.step('list2').out, 'no sessions (tsvnc start starts one)');
    assert.match(run.step('version').out, /^\d+\.\d+\.\d+$/);
    assert.equal(run.step('kill').code, 0);
    assert.equal(run.step('kill').out, 'killed :1');
    assert.doesNotMatch(run.step('logs').out, /\.log/, '-clean removed the log');
    assert.equal(run.step('leftovers').out, '');
  });

  it('installed as a vncserver symlink it is the same drop-in: start, -list, -kill :* -clean, usage, bad forms', async () => {
    const run = await sandbox(`set_passwd
      ${VNCSERVER_LINK}
      ${XSTARTUP}
      step start vncserver :2 -xstartup /tmp/home/xs -rfbport 5999 -localhost
      step second vncserver -noxstartup
      step program bash -c 'pgrep -a -x sleep'
      step port bash -c 'ss -Hltn "sport = :5999" | grep -c 127.0.0.1:5999'
      step list vncserver -list
      step killall vncserver -kill ':*' -clean
      step logs ls -A ~/.vnc
      step leftovers leftovers
      step usage vncserver -h
      step geometry vncserver -geometry 12x
      step miscased vncserver -Kill :1
      step nodisplay vncserver -kill
      step managed vncserver -PasswordFile /tmp/home/pw
      step remote vncserver elsewhere.example:1
      step after leftovers`);
    assert.equal(run.step('start').code, 0, run.stderr);
    assert.match(run.step('start').out, /^New desktop .*:2 .*VNC port 5999/);
    assert.equal(run.step('second').code, 0, run.stderr);
    assert.match(run.step('second').out, /^New desktop .*:1 /, 'the lowest free display');
    assert.match(run.step('program').out, /sleep 1000/, 'the -xstartup script runs');
    assert.equal(run.step('port').out.trim(), '1');
    assert.match(run.step('list').out, /^:1 +running[\s\S]*^:2 +running +\d+ +5999/m);
    assert.equal(run.step('killall').out, 'killed :1\nkilled :2');
    assert.doesNotMatch(run.step('logs').out, /\.log/);
    assert.equal(run.step('leftovers').out, '');
    assert.equal(run.step('usage').code, 0);
    assert.match(run.step('usage').out, /^Usage: tsvnc \[:N\]/);
    const oneLine = (name: string, pattern: RegExp) => {
      assert.equal(run.step(name).code, 2, name);
      const lines = run.stderr.split('\n').filter((l) => pattern.test(l));
      assert.equal(lines.length, 1, `${name}: one line matching ${pattern} in:\n${run.stderr}`);
      assert.match(lines[0] ?? '', /^tsvnc: /, name);
    };
    oneLine('geometry', /-geometry "12x" is not accepted \(.*-geometry WIDTHxHEIGHT/);
    oneLine('miscased', /-Kill is not a vncserver option .*write -kill :N/);
    oneLine('nodisplay', /-kill needs the display .*-kill :N/);
    oneLine('managed', /the server option -PasswordFile is managed by tsvnc/);
    oneLine('remote', /elsewhere\.example:1 is a display on another machine .*ssh elsewhere\.example tsvnc :1/);
    assert.equal(run.step('after').out, '', 'refused command lines leave nothing behind');
  });

  it('-fg stays until the session ends: killed elsewhere it exits 0, SIGTERM kills the session, a failure exits 1', async () => {
    // $TSVNC rather than the tsvnc function, so that $! is the CLI's own pid.
    const run = await sandbox(`set_passwd
      $TSVNC :1 -fg -noxstartup -autokill no >/tmp/home/fg1.out 2>/tmp/home/fg1.err & FG=$!
      step up1 wait_until grep -q 'New desktop' /tmp/home/fg1.out
      step killed tsvnc -kill :1
      wait $FG; step fg1 echo $?
      step fg1out cat /tmp/home/fg1.out
      $TSVNC start :2 --fg --no-xstartup --autokill no >/tmp/home/fg2.out 2>/tmp/home/fg2.err & FG=$!
      step up2 wait_until grep -q 'New desktop' /tmp/home/fg2.out
      kill -TERM $FG; wait $FG; step fg2 echo $?
      step list2 tsvnc list --json
      step leftovers2 leftovers
      $TSVNC start :3 --fg --restart no --no-xstartup --autokill no >/tmp/home/fg3.out 2>/tmp/home/fg3.err & FG=$!
      step up3 wait_until grep -q 'New desktop' /tmp/home/fg3.out
      kill -KILL "$(tr -d ' \\n' < /tmp/.X3-lock)"
      wait $FG; step fg3 echo $?
      step fg3err cat /tmp/home/fg3.err
      tsvnc kill :3 >/dev/null
      step leftovers leftovers`, { timeoutMs: 90_000 });
    assert.equal(run.step('up1').code, 0, run.stderr);
    assert.equal(run.step('killed').code, 0);
    assert.equal(run.step('fg1').out, '0', 'the session killed from elsewhere: the fg process ends with 0');
    assert.match(run.step('fg1out').out, /\n:1 ended$/);
    assert.equal(run.step('up2').code, 0, run.stderr);
    assert.equal(run.step('fg2').out, '0');
    assert.deepEqual(run.json('list2'), [], 'SIGTERM to the fg process ended the session');
    assert.equal(run.step('leftovers2').out, '');
    assert.equal(run.step('up3').code, 0, run.stderr);
    assert.equal(run.step('fg3').out, '1', 'a failed session exits non-zero');
    assert.match(run.step('fg3err').out, /^tsvnc: :3 failed: /);
    assert.equal(run.step('leftovers').out, '');
  });

  it('-useold reports the running session instead of starting another, and starts one when none runs', async () => {
    const run = await sandbox(`set_passwd
      step first tsvnc :1 -useold -noxstartup
      step again tsvnc :1 -useold -noxstartup
      step any tsvnc start --useold --no-xstartup --json
      step list tsvnc list --json
      tsvnc start :2 --no-xstartup >/dev/null
      step ambiguous tsvnc -useold -noxstartup
      step other tsvnc start 3 --useold --no-xstartup --json
      tsvnc kill ':*' >/dev/null
      step leftovers leftovers`);
    assert.equal(run.step('first').code, 0, run.stderr);
    assert.match(run.step('first').out, /^New desktop .*:1 /);
    assert.equal(run.step('again').code, 0, run.stderr);
    assert.match(run.step('again').out, /^Reusing desktop .*:1 \(server pid \d+, VNC port 5901\)/);
    const any = run.json<SessionSummary & { reused: boolean }>('any');
    assert.equal(any.display, 1);
    assert.equal(any.reused, true);
    assert.equal(run.json<SessionSummary[]>('list').length, 1, 'no second session was started');
    assert.equal(run.step('ambiguous').code, 2);
    assert.match(run.stderr, /^tsvnc: --useold: you have 2 sessions \(:1, :2\) \(name the one to reuse/m);
    assert.equal(run.json<SessionSummary>('other').display, 3);
    assert.equal(run.step('leftovers').out, '');
  });

  it('-dry-run prints the display it would take, why lower ones are skipped, and the command line, creating nothing', async () => {
    const run = await sandbox(`set_passwd
      start_x 1
      step ready true
      # Directories with their mtimes: a file created and removed again shows too.
      snapshot() { find /tmp -xdev \\( -type d -printf '%p %T@\\n' \\) -o -print | sort; }
      BEFORE=$(snapshot)
      step classic tsvnc -dry-run -geometry 1280x800 -FrameRate 30 -xstartup /tmp/home/xs
      step json tsvnc start --dry-run --json --no-xstartup
      step busy tsvnc start :1 --dry-run --no-xstartup
      step given tsvnc start 4 --dry-run --no-xstartup --json
      AFTER=$(snapshot)
      step same test "$BEFORE" = "$AFTER"
      step diff bash -c 'diff <(echo "$1") <(echo "$2")' _ "$BEFORE" "$AFTER"
      step daemon daemon_pid
      step locks ls -A /tmp /tmp/.X11-unix
      kill $XPID`);
    assert.equal(run.step('classic').code, 0, run.stderr);
    const text = run.step('classic').out;
    assert.match(text, /^Would start :2 \(VNC port 5902 on localhost\)$/m);
    assert.match(text, /^ {2}skipped :1: :1 is in use by a running X server/m);
    assert.match(text, /^ {2}server +\/usr\/bin\/Xtigervnc :2 -displayfd 3 -auth \S+\/2\.xauth .*-geometry 1280x800 .*-FrameRate 30$/m);
    assert.match(text, /^ {2}session +\/tmp\/home\/xs$/m);
    assert.match(text, /^ {2}log +\/tmp\/home\/\.vnc\/.+:2\.log$/m);
    const plan = run.json<StartPlan>('json');
    assert.equal(plan.display, 2);
    assert.deepEqual(plan.skipped.map((s) => s.display), [1]);
    assert.equal(plan.sessionProgram, null);
    assert.equal(run.step('busy').code, 1);
    assert.match(run.stderr, /^tsvnc: :1 is in use by a running X server/m);
    assert.equal(run.json<StartPlan>('given').display, 4);
    assert.equal(run.step('same').code, 0, `the dry runs changed the file system:\n${run.step('diff').out}`);
    assert.equal(run.step('daemon').out, '', 'no daemon was started');
    assert.doesNotMatch(run.step('locks').out, /X2|X4/);
  });
});
