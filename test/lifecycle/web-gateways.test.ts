import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { PNG } from 'pngjs';
import { sandbox, sandboxUnavailable } from '../helpers/sandbox.js';
import type { StartResult } from '../../src/daemon/protocol.js';

const skip = sandboxUnavailable || (existsSync('/usr/bin/chromium') ? false : 'chromium is not installed (apt-get install chromium)');

function magentaShare(pngBase64: string): number {
  const png = PNG.sync.read(Buffer.from(pngBase64, 'base64'));
  let count = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    if ((png.data[i] ?? 0) > 217 && (png.data[i + 1] ?? 255) < 38 && (png.data[i + 2] ?? 0) > 217) count++;
  }
  return count / (png.width * png.height);
}

/** A session program that paints the root window magenta and stays. */
const XSTARTUP = `printf '#!/bin/sh\\nxsetroot -solid "#ff00ff"\\nexec sleep 1000\\n' > /tmp/home/xs && chmod +x /tmp/home/xs`;

describe('tsvnc start --web: the desktop in a browser, from the daemon (issue 16)', { skip }, () => {
  it('prints a URL a browser opens to the desktop; no token, no RFB byte; localhost only; the fingerprint is what TLS shows; kept across a server restart and a daemon restart; gone with kill', async () => {
    const run = await sandbox(`set_passwd
      ${XSTARTUP}
      step start tsvnc start --web --xstartup /tmp/home/xs --json
      url=$(tsvnc status :1 --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.parse(s).web.url))')
      token=\${url#*token=}
      step text tsvnc status :1
      mkdir -p /tmp/home/tmp
      step shot env TMPDIR=/tmp/home/tmp node "$FIXTURES/browser-shot.js" "$url" /tmp/home/shot.png
      step png base64 -w0 /tmp/home/shot.png
      step notoken node "$FIXTURES/ws-probe.js" "wss://127.0.0.1:5801/websockify"
      step listen bash -c 'ss -Hltn "sport = :5801" | awk "{print \\$4}"'
      step seen bash -c 'openssl s_client -connect 127.0.0.1:5801 </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256'
      kill -9 "$(tr -d ' \\n' < /tmp/.X1-lock)"
      step restarted wait_until bash -c "tsvnc list | grep -q '^:1 *running .* 1 *$'"
      step afterrestart node "$FIXTURES/ws-probe.js" "wss://127.0.0.1:5801/websockify?token=$token" login
      kill -9 $(daemon_pid)
      step relisted tsvnc list
      step readopted wait_until bash -c "ss -Hltn 'sport = :5801' | grep -q 5801"
      step afterdaemon node "$FIXTURES/ws-probe.js" "wss://127.0.0.1:5801/websockify?token=$token" login
      step kill tsvnc kill :1
      step closed bash -c 'ss -Hltn "sport = :5801" | wc -l'
      step leftovers leftovers`, { timeoutMs: 150_000 });
    assert.equal(run.step('start').code, 0, run.stderr);
    const started = run.json<StartResult>('start');
    assert.ok(started.web, 'the start reports web');
    assert.match(started.web.url, /^https:\/\/localhost:5801\/#token=[\w-]{43}$/);
    assert.equal(started.web.port, 5801);
    assert.match(run.step('text').out, /^ {2}web {9}https:\/\/localhost:5801\/#token=/m);
    assert.equal(run.json<{ connected: boolean }>('shot').connected, true, run.stderr.slice(-2000));
    const share = magentaShare(run.step('png').out);
    assert.ok(share > 0.8, `the browser shows the desktop (mostly its colour): ${(share * 100).toFixed(1)} % magenta`);
    const refused = run.json<{ status: number; bytes?: string }>('notoken');
    assert.equal(refused.status, 403, 'no token: refused');
    assert.equal(refused.bytes ?? '', '', 'and no RFB byte');
    assert.equal(run.step('listen').out, '127.0.0.1:5801', 'localhost only by default');
    assert.equal(run.step('seen').out.replace(/^sha256 Fingerprint=/i, ''), started.web.fingerprint);
    assert.equal(run.step('restarted').code, 0, run.stderr);
    assert.equal(run.json<{ width: number }>('afterrestart').width, 1920, 'the same URL reaches the restarted server');
    assert.equal(run.step('readopted').code, 0, "a new daemon serves the desktop's gateway again");
    assert.equal(run.json<{ width: number }>('afterdaemon').width, 1920, 'on the same port, with the same token');
    assert.equal(run.step('kill').code, 0);
    assert.equal(run.step('closed').out, '0', 'kill closed the web port');
    assert.equal(run.step('leftovers').out, '');
  });

  it('tsvnc web :N turns browser access on and off for a running desktop; --new-token makes the old URL useless', async () => {
    const run = await sandbox(`set_passwd
      tsvnc start :2 --no-xstartup >/dev/null
      url() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.parse(s).web.url))'; }
      step on tsvnc web :2
      u1=$(tsvnc web :2 --json | url)
      u2=$(tsvnc web :2 --new-token --json | url)
      step old node "$FIXTURES/ws-probe.js" "wss://127.0.0.1:5802/websockify?token=\${u1#*token=}"
      step new node "$FIXTURES/ws-probe.js" "wss://127.0.0.1:5802/websockify?token=\${u2#*token=}" login
      echo newpass1 | tsvnc passwd >/dev/null
      step newpasswd node "$FIXTURES/ws-probe.js" "wss://127.0.0.1:5802/websockify?token=\${u2#*token=}" login
      step status tsvnc status :2
      step off tsvnc web :2 off
      step closed bash -c 'ss -Hltn "sport = :5802" | wc -l'
      step offstatus tsvnc status :2
      step notmine tsvnc web :7
      step kill tsvnc kill :2
      step leftovers leftovers`, { timeoutMs: 90_000 });
    assert.equal(run.step('on').code, 0, run.stderr);
    assert.match(run.step('on').out, /^Open in a browser: https:\/\/localhost:5802\/#token=[\w-]{43}; from elsewhere tunnel first: ssh -L 5802:localhost:5802 \S+\n {2}certificate SHA-256 [0-9A-F:]{95}$/);
    assert.equal(run.json<{ status: number }>('old').status, 403, 'the replaced token opens nothing');
    assert.equal(run.json<{ width: number }>('new').width, 1920, 'the new one reaches the desktop');
    assert.equal(run.json<{ width: number }>('newpasswd').width, 1920, 'a new VNC password counts for the next browser at once, as for any viewer');
    assert.match(run.step('status').out, /^ {2}web {9}https:\/\/localhost:5802\//m);
    assert.equal(run.step('off').out, ':2 is not served to browsers');
    assert.equal(run.step('closed').out, '0');
    assert.doesNotMatch(run.step('offstatus').out, /web/);
    assert.equal(run.step('notmine').code, 1);
    assert.equal(run.step('leftovers').out, '');
  });

  it('a web port is part of a display being free: a busy one is explained with its holder, passed over by a start that chooses, and refuses :N in one line; displays above 99 take --web-port', async () => {
    const run = await sandbox(`set_passwd
      mkdir -p /tmp/home/.config/tsvnc && echo 'display-range = 1-200' > /tmp/home/.config/tsvnc/tsvnc.conf
      fixture listen 127.0.0.1 5803
      step busy tsvnc start :3 --web --no-xstartup
      cp /tmp/step-stderr /tmp/home/busy.err
      step list tsvnc list --json
      step chosen tsvnc --log-level info start --web --no-xstartup --json
      cp /tmp/step-stderr /tmp/home/chosen.err
      step errors bash -c 'cat /tmp/home/busy.err; echo; cat /tmp/home/chosen.err'
      step nodefault tsvnc start :150 --web --no-xstartup
      step high tsvnc start :150 --web-port 7150 --no-xstartup --json
      step highlisten bash -c 'ss -Hltn "sport = :7150" | wc -l'
      tsvnc start :151 --no-xstartup >/dev/null
      step webport tsvnc web :151 --port 7151 --json
      step kill tsvnc kill ':*'
      kill $FPID
      step leftovers leftovers`, { timeoutMs: 90_000 });
    const [busy = '', chosen = ''] = run.step('errors').out.split('\n\n');
    assert.equal(run.step('busy').code, 1);
    assert.equal(busy.split('\n').length, 1, busy);
    assert.match(busy, /^tsvnc: port 5803 \(web\) on 127\.0\.0\.1 is taken by a listener: node \S*listen\.js 127\.0\.0\.1 5803 \(pid \d+, user root\) on 127\.0\.0\.1:5803 \(stop node \(pid \d+\) or use another display/);
    assert.deepEqual(run.json('list'), [], 'nothing started');
    assert.equal(run.step('chosen').code, 0, run.stderr);
    assert.equal(run.json<StartResult>('chosen').display, 1);
    const second = await sandbox(`set_passwd
      fixture listen 127.0.0.1 5801
      step chosen tsvnc --log-level info start --web --no-xstartup --json
      step kill tsvnc kill ':*'
      kill $FPID
      step leftovers leftovers`, { timeoutMs: 60_000 });
    assert.equal(second.json<StartResult>('chosen').display, 2, 'the display whose web port is taken is passed over');
    assert.match(second.stderr, /^tsvnc: info: skipped :1: port 5801 \(web\) on 127\.0\.0\.1 is taken by a listener: node /m);
    assert.equal(second.step('leftovers').out, '');
    assert.doesNotMatch(chosen, /web port/);
    assert.equal(run.step('nodefault').code, 2);
    assert.match(run.stderr, /^tsvnc: display :150 has no default web port \(only displays 0 to 99 do: 5800\+N\) \(use a display from 0 to 99, or give its web port: tsvnc start --web-port, tsvnc web --port\)$/m);
    assert.equal(run.step('high').code, 0, run.stderr);
    assert.match(run.json<StartResult>('high').web?.url ?? '', /^https:\/\/localhost:7150\/#token=/);
    assert.equal(run.step('highlisten').out, '1');
    assert.equal(run.json<{ web: { port: number } }>('webport').web.port, 7151);
    assert.equal(run.step('leftovers').out, '');
  });
});
