import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sandbox, sandboxUnavailable } from '../helpers/sandbox.js';
import type { StartResult, StatusResult } from '../../src/daemon/protocol.js';
import { turboVncTime } from '../../src/lifecycle/vnc-proxies.js';

/** A session program that paints the root window magenta and logs pointer motion over it. */
const XSTARTUP = `printf '#!/bin/sh\\nxsetroot -solid "#ff00ff"\\nxev -root -event mouse > /tmp/home/xev.log &\\nexec sleep 1000\\n' > /tmp/home/xs && chmod +x /tmp/home/xs`;
const CLIENT = 'node --openssl-legacy-provider "$FIXTURES/rfb-client.js"';

describe('one-time passwords: tsvnc start --otp and tsvnc otp :N against a real Xtigervnc (issue 16)', { skip: sandboxUnavailable }, () => {
  it('a one-time password lets one viewer in once; the regular and view-only passwords still work; guessers are blacklisted; kept across a server restart, a daemon restart and with --web; kill leaves nothing', async () => {
    const run = await sandbox(`private_system
      useradd -m bob
      mkdir -p -m 700 /tmp/home/.vnc
      printf 'secret12\\nlooker99\\n' | vncpasswd -f > /tmp/home/.vnc/passwd && chmod 600 /tmp/home/.vnc/passwd
      ${XSTARTUP}
      step start tsvnc start --otp --web --xstartup /tmp/home/xs --json
      first=$(node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.parse(s).otp))' < /tmp/step-stdout)
      step text tsvnc status :1
      step cmdline bash -c 'tr "\\0" " " < /proc/$(tr -d " \\n" < /tmp/.X1-lock)/cmdline'
      step listen bash -c 'ss -Hltnp "sport = :5901" | awk "{print \\$4, \\$6}" | sort'
      step once ${CLIENT} tcp://127.0.0.1:5901 "$first"
      step twice ${CLIENT} tcp://127.0.0.1:5901 "$first"
      step otp tsvnc otp :1
      second=$(cat /tmp/step-stdout)
      step otpjson tsvnc otp :1 --json
      third=$(node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.parse(s).password))' < /tmp/step-stdout)
      step regular ${CLIENT} "tcp://[::1]:5901" secret12 300,200
      step regularmoved wait_until grep -q 'MotionNotify' /tmp/home/xev.log
      : > /tmp/home/xev.log
      step viewonly ${CLIENT} tcp://127.0.0.1:5901 looker99 100,50
      step viewonlymoved grep -c 'MotionNotify' /tmp/home/xev.log
      step second ${CLIENT} tcp://127.0.0.1:5901 "$second"
      step loglines bash -c 'grep -h "authentication enabled for" ~/.vnc/*:1.log | cut -d" " -f3-'
      for i in 1 2 3 4 5; do as_user bob ${CLIENT} tcp://127.0.0.1:5901 guess$i 2>/dev/null; done
      step bobblocked as_user bob ${CLIENT} tcp://127.0.0.1:5901 secret12
      step owner ${CLIENT} tcp://127.0.0.1:5901 secret12
      kill -9 "$(tr -d ' \\n' < /tmp/.X1-lock)"
      step restarted wait_until bash -c "tsvnc list | grep -q '^:1 *running .* 1 *$'"
      step daemonlog bash -c 'tsvnc list; tail -20 ~/.vnc/tsvnc-*/daemon.log; grep -v "EncodeManager\|Comparing" ~/.vnc/*:1.log | tail -30'
      step afterrestart ${CLIENT} tcp://127.0.0.1:5901 "$third"
      step stillweb node "$FIXTURES/ws-probe.js" "wss://127.0.0.1:5801/websockify?token=$(tsvnc status :1 --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.parse(s).web.url.split("token=")[1]))')" login
      pending=$(tsvnc otp :1)
      kill -9 $(daemon_pid)
      step firstotp tsvnc otp :1
      firstotp=$(cat /tmp/step-stdout)
      step readopted wait_until bash -c "ss -Hltn 'sport = :5901' | grep -q 5901"
      step oldotp ${CLIENT} tcp://127.0.0.1:5901 "$pending"
      step newotp ${CLIENT} tcp://127.0.0.1:5901 "$firstotp"
      for i in 1 2 3 4 5; do ${CLIENT} "tcp://[::1]:5901" guess$i 2>/dev/null; done
      step blocked ${CLIENT} tcp://127.0.0.1:5901 secret12
      step kill tsvnc kill :1
      step closed bash -c 'ss -Hltn "( sport = :5901 or sport = :5801 )" | wc -l'
      step socket bash -c 'ls ~/.vnc/tsvnc-*/ | grep -c rfb || true'
      step leftovers leftovers`, { timeoutMs: 150_000 });
    assert.equal(run.step('start').code, 0, run.stderr);
    const started = run.json<StartResult>('start');
    assert.match(started.otp ?? '', /^[2-9a-zA-Z]{8}$/, 'the start gives a first one-time password');
    assert.equal(started.options.otp?.only, false);
    assert.match(run.step('text').out, /^ {2}VNC port {4}5901 on localhost, security VncAuth, one-time passwords too \(tsvnc otp\)$/m);
    assert.match(run.step('cmdline').out, / -rfbport -1 -rfbunixpath (\S+)\/rfb-1\.sock -rfbunixmode 0600 -localhost=1 -SecurityTypes VncAuth -PasswordFile \1\/rfb-1\.passwd -BlacklistTimeout 0 /, "the server listens only on its private socket, with tsvnc's password");
    assert.match(run.step('listen').out, /^127\.0\.0\.1:5901 users:\(\("node",pid=\d+,fd=\d+\)\)\n\[::1\]:5901 users:\(\("node",pid=\d+,fd=\d+\)\)$/, 'the daemon holds the VNC port, on localhost only');
    assert.equal(run.json<{ width: number }>('once').width, 1920, 'the one-time password lets a viewer in');
    assert.equal(run.step('twice').code, 1, 'but only once');
    assert.match(run.stderr, /rfb-client: authentication failed: Authentication failed/);
    assert.match(run.step('otp').out, /^[2-9a-zA-Z]{8}$/, 'tsvnc otp prints the password alone');
    assert.equal(run.json<{ display: number }>('otpjson').display, 1);
    assert.equal(run.step('regular').code, 0, 'the regular password still works, on ::1 too');
    assert.equal(run.step('regularmoved').code, 0, 'with full control: its pointer moved');
    assert.equal(run.step('viewonly').code, 0, 'the view-only password logs in');
    assert.equal(run.step('viewonlymoved').out.trim(), '0', 'view-only: its pointer moved nothing');
    assert.equal(run.step('second').code, 0, 'several one-time passwords wait at once');
    assert.deepEqual(run.step('loglines').out.split('\n'), [
      'Full-control authentication enabled for 127.0.0.1', 'Full-control authentication enabled for ::1',
      'View-only authentication enabled for 127.0.0.1', 'Full-control authentication enabled for 127.0.0.1',
    ], "each login in the session log, in TurboVNC's words");
    assert.equal(run.step('bobblocked').code, 1, 'after 5 wrong guesses another user is refused, right password or not, as by Xtigervnc');
    assert.match(run.stderr, /rfb-client: the server refused: Too many security failures/);
    assert.equal(run.step('owner').code, 0, "but on loopback his guesses count against him alone: the owner's viewer, from 127.0.0.1 too, gets in");
    assert.equal(run.step('blocked').code, 1, "the owner's own guesses, from ::1 or 127.0.0.1, count against the owner");
    assert.equal(run.step('restarted').code, 0, run.step('daemonlog').out);
    assert.equal(run.json<{ width: number }>('afterrestart').width, 1920, 'a one-time password issued before the restart works after it, on the same port');
    assert.equal(run.json<{ width: number }>('stillweb').width, 1920, 'the browser reaches the desktop through its private socket');
    assert.equal(run.step('firstotp').code, 0, `the command that brings a new daemon up gets its password: ${run.stderr}`);
    assert.equal(run.step('readopted').code, 0, 'a new daemon takes the VNC port again');
    assert.equal(run.step('oldotp').code, 1, "one-time passwords lived in the old daemon's memory only");
    assert.equal(run.step('newotp').code, 0, run.stderr);
    assert.equal(run.step('kill').code, 0);
    assert.equal(run.step('closed').out, '0', 'kill closed the VNC and web ports');
    assert.equal(run.step('socket').out, '0', "and the server's socket is gone");
    assert.equal(run.step('leftovers').out, '');
  });

  it('a VNC port taken while no daemon ran: status says who holds it, tsvnc otp fails in one line naming it, and the port is served again once it is free', async () => {
    const run = await sandbox(`set_passwd
      tsvnc start :1 --otp --no-xstartup >/dev/null
      kill -9 $(daemon_pid)
      fixture listen 127.0.0.1 5901
      step status wait_until bash -c "tsvnc status :1 | grep -q 'NOT SERVED'"
      step text tsvnc status :1
      step otp tsvnc otp :1
      kill $FPID
      step back wait_until bash -c "ss -Hltnp 'sport = :5901' | grep -q \\"pid=\\$(daemon_pid),\\""
      step after tsvnc status :1
      step login bash -c "${CLIENT} tcp://127.0.0.1:5901 \\$(tsvnc otp :1)"
      step kill tsvnc kill :1
      step leftovers leftovers`, { timeoutMs: 90_000 });
    assert.equal(run.step('status').code, 0, run.stderr);
    assert.match(run.step('text').out, /^ {2}NOT SERVED {2}the VNC port 5901 of :1 is in use by node \S*listen\.js 127\.0\.0\.1 5901 \(pid \d+\) on 127\.0\.0\.1:5901 \(tried again every 2 s\)$/m);
    assert.equal(run.step('otp').code, 1);
    assert.match(run.stderr, /^tsvnc: the VNC port 5901 of :1 is in use by node \S*listen\.js 127\.0\.0\.1 5901 \(pid \d+\) on 127\.0\.0\.1:5901 \(stop what holds it; tsvnc doctor :1 explains\)$/m);
    assert.equal(run.step('back').code, 0, 'the daemon takes the port once it is free');
    assert.doesNotMatch(run.step('after').out, /NOT SERVED/);
    assert.equal(run.step('login').code, 0);
    assert.equal(run.step('leftovers').out, '');
  });

  it("what would undo a policy is refused: a browser URL for one-time passwords only, tsvnc web under mandatory web = no, --useold reusing a weaker desktop; a failed port change keeps the gateway there was", async () => {
    const run = await sandbox(`private_system
      set_passwd
      CLIENT="node --openssl-legacy-provider $FIXTURES/rfb-client.js"
      step startweb tsvnc start :1 --otp-only --web --no-xstartup
      tsvnc start :1 --otp-only --no-xstartup >/dev/null
      step webon tsvnc web :1
      tsvnc start :2 --no-xstartup >/dev/null
      step useold tsvnc start :2 --useold --otp-only --no-xstartup
      tsvnc start :3 --otp --web --no-xstartup >/dev/null
      step reuse tsvnc start :3 --useold --otp --json
      reused=$(node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.parse(s).otp))' < /tmp/step-stdout)
      step reusedlogin $CLIENT tcp://127.0.0.1:5903 "$reused"
      fixture listen 127.0.0.1 6090
      step badport tsvnc web :3 --port 6090
      step vncport tsvnc web :3 --port 5903
      step kept bash -c 'ss -Hltn "sport = :5803" | wc -l'
      step keptstatus tsvnc status :3 --json
      echo 'web = no' > /etc/tsvnc/mandatory.conf
      step mandatory tsvnc web :2
      step countboth tsvnc start --count 1 --otp --web --no-xstartup
      kill $FPID
      rm /etc/tsvnc/mandatory.conf
      step kill tsvnc kill ':*'
      step leftovers leftovers`, { timeoutMs: 120_000 });
    assert.equal(run.step('startweb').code, 2);
    assert.match(run.stderr, /^tsvnc: a desktop with one-time passwords only cannot be served to browsers: its URL would let anyone who has it in again and again \(/m);
    assert.equal(run.step('webon').code, 2, 'nor turned on later');
    assert.equal(run.step('useold').code, 1);
    assert.match(run.stderr, /^tsvnc: --useold: :2 runs, but has no one-time passwords, unlike what was asked for \(tsvnc kill :2 and start it again, or leave out --useold\)$/m);
    assert.equal(run.step('reuse').code, 0, run.stderr);
    assert.equal(run.json<StartResult>('reuse').reused, true);
    assert.equal(run.step('reusedlogin').code, 0, 'a reused desktop with one-time passwords comes with a new one');
    assert.equal(run.step('badport').code, 1);
    assert.match(run.stderr, /^tsvnc: port 6090 is in use by node \S*listen\.js 127\.0\.0\.1 6090 \(pid \d+\) on 127\.0\.0\.1:6090 \(choose another with --port; :3 is served as it was\)$/m);
    assert.equal(run.step('vncport').code, 2);
    assert.match(run.stderr, /^tsvnc: port 5903 is the VNC port of :3 \(give the web gateway a port of its own with --port\)$/m);
    assert.equal(run.step('kept').out, '1', 'the gateway on 5803 still serves');
    assert.equal(run.json<StatusResult>('keptstatus').web?.port, 5803, 'and the failed port was not kept');
    assert.equal(run.step('mandatory').code, 2);
    assert.match(run.stderr, /^tsvnc: \/etc\/tsvnc\/mandatory\.conf sets web = no: desktops here are not served to browsers/m);
    assert.match(run.step('countboth').out, /^New desktop \S+:\d+ [^\n]*\n {2}Full control one-time password: [2-9a-zA-Z]{8}$/m, '--count shows each desktop\'s first one-time password');
    assert.equal(run.step('leftovers').out, '');
  });

  it('--otp-only refuses the regular password; tsvnc otp of a desktop without them says how; types and options that cannot work are refused; otp = only in tsvnc.conf; vncserver -otp prints one', async () => {
    const run = await sandbox(`set_passwd
      step only tsvnc start :2 --otp-only --no-xstartup
      step regular ${CLIENT} tcp://127.0.0.1:5902 secret12
      step otp bash -c "${CLIENT} tcp://127.0.0.1:5902 \\"\\$(tsvnc otp :2)\\""
      step text tsvnc status :2
      tsvnc start :3 --no-xstartup >/dev/null
      step without tsvnc otp :3
      step none tsvnc start :4 --otp --security-types None --no-xstartup
      step unix tsvnc start :4 --otp --no-xstartup -- -rfbunixpath /tmp/home/x.sock
      step nodisplay tsvnc otp :abc
      mkdir -p /tmp/home/.config/tsvnc && echo 'otp = only' > /tmp/home/.config/tsvnc/tsvnc.conf
      step config tsvnc start :5 --no-xstartup --json
      echo 'otp = sometimes' > /tmp/home/.config/tsvnc/tsvnc.conf
      step badconfig tsvnc start :6 --no-xstartup
      rm /tmp/home/.config/tsvnc/tsvnc.conf
      mkdir -p /tmp/home/bin && ln -s "$TSVNC_ROOT/dist/src/cli.js" /tmp/home/bin/vncserver
      step vncserver /tmp/home/bin/vncserver :7 -otp -noxstartup
      cp /tmp/step-stderr /tmp/home/vncserver.err
      step vncserverwords cat /tmp/home/vncserver.err
      mv /tmp/home/.vnc/passwd /tmp/home/passwd.saved
      step nopasswd tsvnc start :8 --otp-only --no-xstartup
      step nopasswdotp bash -c "${CLIENT} tcp://127.0.0.1:5908 \\$(tsvnc otp :8)"
      step needspasswd tsvnc start :9 --otp --no-xstartup
      step kill tsvnc kill ':*'
      step leftovers leftovers`, { timeoutMs: 90_000 });
    assert.equal(run.step('only').code, 0, run.stderr);
    assert.match(run.step('only').out, /^Full control one-time password: [2-9a-zA-Z]{8} \(one-time passwords only\)$/m);
    assert.equal(run.step('regular').code, 1, 'the regular password is refused');
    assert.equal(run.step('otp').code, 0, 'a one-time password is not');
    assert.match(run.step('text').out, /security VncAuth, one-time passwords only \(tsvnc otp\)$/m);
    assert.equal(run.step('without').code, 1);
    assert.match(run.stderr, /^tsvnc: :3 was not started with one-time passwords \(start it with --otp: tsvnc kill :3; tsvnc start :3 --otp\)$/m);
    assert.equal(run.step('none').code, 2);
    assert.match(run.stderr, /^tsvnc: one-time passwords work with security types VncAuth and X509Vnc, not None \(/m);
    assert.equal(run.step('unix').code, 2);
    assert.match(run.stderr, /^tsvnc: the server option -rfbunixpath is managed by tsvnc with --otp \(/m);
    assert.equal(run.step('nodisplay').code, 2);
    assert.equal(run.step('config').code, 0, run.stderr);
    assert.equal(run.json<StartResult>('config').options.otp?.only, true, 'otp = only in tsvnc.conf');
    assert.notEqual(run.step('badconfig').code, 0);
    assert.match(run.stderr, /otp.*sometimes.*yes, no or only/);
    assert.equal(run.step('vncserver').code, 0, run.stderr);
    assert.match(run.step('vncserverwords').out, /^Full control one-time password: [2-9a-zA-Z]{8}$/m, "vncserver -otp prints TurboVNC's line");
    assert.equal(run.step('nopasswd').code, 0, `one-time passwords only need no password file of the user's: ${run.stderr}`);
    assert.equal(run.step('nopasswdotp').code, 0);
    assert.notEqual(run.step('needspasswd').code, 0, '--otp still takes the regular password, so it needs one');
    assert.match(run.stderr, /no VNC password file at \/tmp\/home\/\.vnc\/passwd/);
    assert.equal(run.step('leftovers').out, '');
  });

  it('off localhost the default X509Vnc is served by tsvnc with the user\'s certificate: a real TLS viewer logs in with a one-time password and shows the desktop', async () => {
    const run = await sandbox(`set_passwd
      printf '#!/bin/sh\\nxsetroot -solid "#ff00ff"\\nexec sleep 1000\\n' > /tmp/home/xs && chmod +x /tmp/home/xs
      step start tsvnc start :1 --localhost no --otp --xstartup /tmp/home/xs --json
      step listen bash -c 'ss -Hltn "sport = :5901" | awk "{print \\$4}" | sort'
      tsvnc otp :1 | vncpasswd -f > /tmp/home/otp.passwd
      start_x 5 -geometry 800x600
      x509_viewer /tmp/home/otp.passwd
      step plain ${CLIENT} tcp://127.0.0.1:5901 secret12
      step kill tsvnc kill :1
      kill $XPID; wait $XPID; rm /tmp/x5.log
      step leftovers leftovers`, { timeoutMs: 90_000 });
    assert.equal(run.step('start').code, 0, run.stderr);
    assert.deepEqual(run.json<StartResult>('start').options.securityTypes, ['X509Vnc']);
    assert.equal(run.step('listen').out, '0.0.0.0:5901\n[::]:5901', 'on every address, as the server would');
    assert.equal(run.step('connected').code, 0, `xtigervncviewer verified the certificate and logged in with the one-time password: ${run.stderr.slice(-1500)}`);
    assert.ok(Number(run.step('shot').out) > 0.9, `the viewer shows the desktop: ${run.step('shot').out} of its screen is the desktop's colour`);
    assert.equal(run.step('plain').code, 1, 'plain VncAuth is not offered off localhost');
    assert.equal(run.step('leftovers').out, '');
  });
});

describe("TurboVNC's time stamp", () => {
  it('is dd/mm/yyyy hh:mm:ss in local time', () => {
    assert.equal(turboVncTime(new Date(2024, 7, 29, 16, 18, 7)), '29/08/2024 16:18:07');
    assert.equal(turboVncTime(new Date(2026, 0, 1, 0, 0, 0)), '01/01/2026 00:00:00');
  });
});
