import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sandbox, sandboxUnavailable } from '../helpers/sandbox.js';
import type { SessionSummary } from '../../src/model/session-record.js';

describe('security types off localhost, against a real Xtigervnc', { skip: sandboxUnavailable }, () => {
  it('VncAuth and Plain off localhost start with a warning that the traffic (and the password) is unencrypted', async () => {
    const run = await sandbox(`set_passwd
      step vncauth tsvnc start :1 --localhost no --security-types VncAuth --no-xstartup --json
      cp /tmp/step-stderr /tmp/home/vncauth.err
      step plain tsvnc start :2 --localhost no --security-types Plain --no-xstartup --json
      cp /tmp/step-stderr /tmp/home/plain.err
      step local tsvnc start :3 --no-xstartup --json
      cp /tmp/step-stderr /tmp/home/local.err
      step tls tsvnc start :4 --localhost no --security-types TLSVnc --no-xstartup --json
      cp /tmp/step-stderr /tmp/home/tls.err
      step default tsvnc start :5 --localhost no --no-xstartup --json
      step defaulttypes bash -c 'tr "\\0" " " < /proc/$(tr -d " \\n" < /tmp/.X5-lock)/cmdline'
      step errs bash -c 'for f in vncauth plain local tls; do echo "$f: $(cat /tmp/home/$f.err)"; done'
      step listening bash -c 'ss -Htln "( sport = :5901 or sport = :5902 )" | awk "{print \\$4}" | sort'
      step kill tsvnc kill ':*'`);
    for (const name of ['vncauth', 'plain', 'local', 'tls']) assert.equal(run.step(name).code, 0, `${name}: ${run.stderr}`);
    const errs = Object.fromEntries(run.step('errs').out.split('\n').map((l) => [l.split(':')[0], l.slice(l.indexOf(':') + 2)]));
    assert.match(errs.vncauth ?? '', /^tsvnc: warn: with security type VncAuth off localhost, the screen and every keystroke cross the network unencrypted; keep --localhost yes and connect through an ssh tunnel, or use an encrypted type such as TLSVnc/);
    assert.match(errs.plain ?? '', /security type Plain off localhost, .* unencrypted, and with Plain the password too/);
    assert.equal(errs.local, '', 'on localhost there is nothing to warn about');
    assert.equal(errs.tls, '', 'TLS types are encrypted');
    assert.equal(run.step('default').code, 0, run.stderr);
    assert.match(run.step('defaulttypes').out, / -SecurityTypes X509Vnc .*-X509Cert /, 'off localhost the default is TLS with the user\'s certificate, not plaintext VncAuth');
    assert.match(run.step('listening').out, /^(0\.0\.0\.0|\*):5901$/m, 'the server really listens on every address');
  });

  it("X509 types start with the user's certificate, which a real TLS viewer verifies and logs in with; half a pair is refused; a configured pair serves", async () => {
    const run = await sandbox(`set_passwd
      printf '#!/bin/sh\\nxsetroot -solid "#ff00ff"\\nexec sleep 1000\\n' > /tmp/home/xs && chmod +x /tmp/home/xs
      step half tsvnc start :1 --security-types X509Vnc --no-xstartup -- -X509Cert /tmp/home/cert.pem
      step leftovers leftovers
      step own tsvnc start :1 --localhost no --security-types X509Vnc --xstartup /tmp/home/xs --json
      step cmdline bash -c 'tr "\\0" " " < /proc/$(tr -d " \\n" < /tmp/.X1-lock)/cmdline'
      step keymode stat -c %a /tmp/home/.config/tsvnc/tls/key.pem
      start_x 5 -geometry 800x600
      x509_viewer /tmp/home/.vnc/passwd
      step kill tsvnc kill :1
      openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 -keyout /tmp/home/key.pem -out /tmp/home/cert.pem 2>/dev/null
      step missing tsvnc start :1 --security-types X509Vnc --no-xstartup -- -X509Cert /tmp/home/nope.pem -X509Key /tmp/home/key.pem
      mkdir -p /tmp/home/.config/tsvnc
      echo 'server-args = -X509Cert /tmp/home/cert.pem -X509Key /tmp/home/key.pem' > /tmp/home/.config/tsvnc/tsvnc.conf
      step cert tsvnc start :1 --security-types X509Vnc --no-xstartup --json
      step viewer node $FIXTURES/vencrypt.js 5901 261
      step log cat /tmp/home/.vnc/$(hostname):1.log
      step kill2 tsvnc kill :1
      kill $XPID`, { timeoutMs: 90_000 });
    assert.equal(run.step('half').code, 2);
    assert.match(run.stderr, /tsvnc: security type X509Vnc with -X509Cert alone: the server needs both a certificate and its key \(give both/);
    assert.equal(run.step('leftovers').out, '');
    assert.equal(run.step('own').code, 0, run.stderr);
    assert.match(run.step('cmdline').out, / -SecurityTypes X509Vnc .*-X509Cert \/tmp\/home\/\.config\/tsvnc\/tls\/cert\.pem -X509Key \/tmp\/home\/\.config\/tsvnc\/tls\/key\.pem/);
    assert.equal(run.step('keymode').out, '600');
    assert.equal(run.step('connected').code, 0, 'xtigervncviewer verified the certificate and logged in');
    assert.ok(Number(run.step('shot').out) > 0.9, `the viewer shows the desktop: ${run.step('shot').out} of its screen is the desktop's colour`);
    assert.equal(run.step('missing').code, 2);
    assert.match(run.stderr, /tsvnc: cannot read \/tmp\/home\/nope\.pem, given to the server by -X509Cert or -X509Key: ENOENT/);
    assert.equal(run.step('cert').code, 0, run.stderr);
    assert.equal(run.json<SessionSummary>('cert').display, 1);
    assert.equal(run.step('viewer').out.trim(), 'tls ok', 'a viewer completes the X509 handshake with the configured certificate');
    assert.doesNotMatch(run.step('log').out, /Error loading X509/);
  });
});
