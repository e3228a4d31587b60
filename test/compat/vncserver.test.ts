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
    assert.match(run.step('start').out, /^\nNew Xtigervnc server 'classic' on port 5901 for display :1\.\nUse xtigervncviewer -SecurityTypes VncAuth -passwd \/tmp\/home\/\.vnc\/passwd :1 to connect to the VNC server\.$/, "TigerVNC's words");
    const cmdline = run.step('cmdline').out;
    for (const part of ['Xtigervnc :1 ', '-desktop classic ', '-geometry 1280x800 ', '-depth 16 ', '-localhost=1 ', '-SecurityTypes VncAuth ', '-FrameRate 30']) {
      assert.ok(cmdline.includes(part), `${part} in ${cmdline}`);
    }
    assert.match(run.step('dims').out, /dimensions: +1280x800 pixels/);
    assert.match(run.step('dims').out, /depth of root window: +16 planes/);
    const header = '\nTigerVNC server sessions:\n\nX DISPLAY #\tRFB PORT #\tRFB UNIX PATH\tPROCESS ID #\tSERVER';
    assert.match(run.step('list').out, new RegExp(`^${header}\n1 {9}\t5901 {6}\t {13}\t\\d+ *\tXtigervnc$`));
    assert.equal(run.step('list1').out, run.step('list').out);
    assert.equal(run.step('list2').out, header);
    assert.match(run.step('version').out, /^\d+\.\d+\.\d+$/);
    assert.equal(run.step('kill').code, 0);
    assert.match(run.step('kill').out, /^Killing Xtigervnc process ID \d+\.\.\. success!$/);
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
      step managed vncserver -auth /tmp/home/xa
      step remote vncserver elsewhere.example:1
      step after leftovers`);
    assert.equal(run.step('start').code, 0, run.stderr);
    assert.match(run.step('start').out, /^New Xtigervnc server '.*:2 \(root\)' on port 5999 for display :2\.$/m);
    assert.equal(run.step('second').code, 0, run.stderr);
    assert.match(run.step('second').out, /for display :1\.$/m, 'the lowest free display');
    assert.match(run.step('program').out, /sleep 1000/, 'the -xstartup script runs');
    assert.equal(run.step('port').out.trim(), '1');
    assert.match(run.step('list').out, /^1 +\t5901 +\t +\t\d+ +\tXtigervnc\n2 +\t5999 +\t +\t\d+ +\tXtigervnc$/m);
    assert.match(run.step('killall').out, /^Killing Xtigervnc process ID \d+\.\.\. success!\nKilling Xtigervnc process ID \d+\.\.\. success!$/);
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
    oneLine('managed', /the server option -auth is managed by tsvnc/);
    oneLine('remote', /elsewhere\.example:1 is a display on another machine .*ssh elsewhere\.example tsvnc :1/);
    assert.equal(run.step('after').out, '', 'refused command lines leave nothing behind');
  });

  it('-fg stays until the session ends: killed elsewhere it exits 0, SIGTERM kills the session, a failure exits 1', async () => {
    // $TSVNC rather than the tsvnc function, so that $! is the CLI's own pid.
    const run = await sandbox(`set_passwd
      $TSVNC :1 -fg -noxstartup -autokill no >/tmp/home/fg1.out 2>/tmp/home/fg1.err & FG=$!
      step up1 wait_until grep -q 'New Xtigervnc server' /tmp/home/fg1.out
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
    assert.match(run.step('first').out, /^New Xtigervnc server .* for display :1\.$/m);
    assert.equal(run.step('again').code, 0, run.stderr);
    assert.match(run.step('again').out, /^\nReusing old VNC server '.*:1 \(root\)' for display :1\.\nUse xtigervncviewer /);
    const any = run.json<SessionSummary & { reused: boolean }>('any');
    assert.equal(any.display, 1);
    assert.equal(any.reused, true);
    assert.equal(run.json<SessionSummary[]>('list').length, 1, 'no second session was started');
    assert.equal(run.step('ambiguous').code, 2);
    assert.match(run.stderr, /^tsvnc: --useold: you have 2 sessions \(:1, :2\) \(name the one to reuse/m);
    assert.equal(run.json<SessionSummary>('other').display, 3);
    assert.equal(run.step('leftovers').out, '');
  });

  it("speaks TurboVNC's words with vncserver-output = turbovnc; -kill of a desktop whose server died succeeds in both; --help starts nothing", async () => {
    const run = await sandbox(`set_passwd
      ${VNCSERVER_LINK}
      step help bash -c 'timeout 2 vncserver --help 2>&1 | grep -c nohttpd'
      step helpdaemon daemon_pid
      mkdir -p ~/.config/tsvnc && echo 'vncserver-output = turbovnc' > ~/.config/tsvnc/tsvnc.conf
      vncserver :3 -noxstartup -autokill no -name 'turbo desk' >/tmp/home/start.out 2>/tmp/home/start.err; step start echo $?
      step startout cat /tmp/home/start.out
      step starterr cat /tmp/home/start.err
      step list vncserver -list
      step pid bash -c 'tr -d " \\n" < /tmp/.X3-lock'
      step sessionlist vncserver -sessionlist
      tsvnc start :4 --no-xstartup --restart no >/dev/null
      kill -9 "$(tr -d ' \\n' < /tmp/.X4-lock)"
      step failed wait_until bash -c 'tsvnc list | grep -q "^:4 *failed"'
      step listdead vncserver -list
      vncserver -kill :4 >/tmp/home/kill4.out 2>&1; step kill4 echo $?
      step kill4out cat /tmp/home/kill4.out
      vncserver -kill :3 >/tmp/home/kill3.out 2>/tmp/home/kill3.err; step kill3 echo $?
      step kill3err cat /tmp/home/kill3.err
      rm ~/.config/tsvnc/tsvnc.conf
      tsvnc start :5 --no-xstartup --restart no >/dev/null
      kill -9 "$(tr -d ' \\n' < /tmp/.X5-lock)"
      step failed5 wait_until bash -c 'tsvnc list | grep -q "^:5 *failed"'
      step kill5 vncserver -kill :5
      vncserver :6 -noxstartup -idletimeout 1 >/dev/null
      step idlecmd bash -c 'tr "\\0" " " < /proc/$(tr -d " \\n" < /tmp/.X6-lock)/cmdline'
      step idle wait_until bash -c 'tsvnc list | grep -q "^:6 *stopped .*no viewer for 1 s: the idle timeout ended it"'
      tsvnc kill :6 >/dev/null
      step leftovers leftovers`);
    assert.equal(run.step('help').out, '1', '--help mentions -nohttpd, as the portal probes');
    assert.equal(run.step('helpdaemon').out, '', 'and starts nothing');
    assert.equal(run.step('start').out, '0', run.stderr);
    assert.equal(run.step('startout').out, '', 'TurboVNC announces on stderr');
    assert.match(run.step('starterr').out, /^\nDesktop 'turbo desk' started on display [^:\s]+:3\n\nLog file is \/tmp\/home\/\.vnc\/[^:]+:3\.log$/);
    const pid = run.step('pid').out;
    assert.equal(run.step('list').out, `\nTurboVNC sessions:\n\nX DISPLAY #\tPROCESS ID\tNOVNC PID\tUDS PATH\n:3\t\t${pid}\t\t`);
    assert.equal(run.step('sessionlist').out, `1\t5\t:3\t${pid}\t0\t@NONE\t0`);
    assert.equal(run.step('failed').code, 0, run.stderr);
    assert.doesNotMatch(run.step('listdead').out, /^:4/m, 'a dead server is not offered as a pid');
    assert.equal(run.step('kill4').out, '0', 'killing a desktop whose server died succeeds');
    assert.equal(run.step('kill4out').out, 'Xvnc process of :4 already killed');
    assert.equal(run.step('kill3').out, '0');
    assert.equal(run.step('kill3err').out, `Killing Xvnc process ID ${pid}`);
    assert.equal(run.step('failed5').code, 0, run.stderr);
    assert.equal(run.step('kill5').code, 0);
    assert.equal(run.step('kill5').out, 'Killing Xtigervnc process of :5... which was already dead');
    assert.match(run.step('idlecmd').out, / -MaxDisconnectionTime 1( |$)/);
    assert.equal(run.step('idle').code, 0, 'without a viewer, -idletimeout ends the desktop, which is not restarted');
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
