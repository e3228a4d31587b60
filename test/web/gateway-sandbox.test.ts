import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sandbox, sandboxUnavailable } from '../helpers/sandbox.js';
import { DESKTOP } from './desktop-script.js';

interface Probe {
  status: number;
  bytes?: string;
  error?: string;
  width?: number;
  height?: number;
  name?: string;
}

describe('the web gateway in front of a real desktop (issue 16)', { skip: sandboxUnavailable }, () => {
  it('relays nothing of the desktop without the token, on any path; with it, the desktop speaks', async () => {
    const run = await sandbox(`${DESKTOP}
      token=$(field token)
      i=0
      for path in /websockify / /novnc/core/rfb.js /nothing "/websockify?token=wrong" "/?token=$token" "/websockify?token=\${token:1}"; do
        step "bad$i" node "$FIXTURES/ws-probe.js" "wss://127.0.0.1:5801$path"
        i=$((i + 1))
      done
      step reached grep -c 'Connections: accepted' /tmp/x1.log
      step good node "$FIXTURES/ws-probe.js" "wss://127.0.0.1:5801/websockify?token=$token"
      step after grep -c 'Connections: accepted' /tmp/x1.log`);
    for (let i = 0; i < 7; i++) {
      const probe = run.json<Probe>(`bad${i}`);
      // "/?token=<right one>" is the right token on a path that is no WebSocket's: 404, still nothing relayed.
      assert.equal(probe.status, i === 5 ? 404 : 403, `probe ${i}: ${run.stderr.slice(-2000)}`);
      assert.equal(probe.bytes, '', `probe ${i} got no byte`);
    }
    assert.equal(run.step('reached').out.trim(), '0', 'the server saw no connection');
    const good = run.json<Probe>('good');
    assert.equal(good.status, 101);
    assert.equal(Buffer.from(good.bytes ?? '', 'hex').toString('latin1'), 'RFB 003.008\n', "the version, once the gateway has logged in");
    assert.equal(run.step('after').out.trim(), '1');
  });

  it("listens on 127.0.0.1 alone, shows openssl the certificate it printed, and close() closes the port", async () => {
    const run = await sandbox(`${DESKTOP}
      ip addr add 10.9.9.9/32 dev lo
      step fingerprint field fingerprint
      step seen bash -c 'openssl s_client -connect 127.0.0.1:5801 </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256'
      step listening ss -Hltn 'sport = :5801'
      step other node "$FIXTURES/ws-probe.js" "wss://10.9.9.9:5801/websockify"
      kill "$FPID"
      step closed wait_until grep -q closed "$FOUT"
      step after ss -Hltn 'sport = :5801'
      step refused node "$FIXTURES/ws-probe.js" "wss://127.0.0.1:5801/websockify"`);
    const fingerprint = run.step('fingerprint').out;
    assert.match(fingerprint, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/, run.stderr.slice(-2000));
    assert.equal(run.step('seen').out.trim().replace(/^sha256 Fingerprint=/i, ''), fingerprint);
    const listening = run.step('listening').out.trim().split('\n');
    assert.equal(listening.length, 1, listening.join('\n'));
    assert.match(listening[0] ?? '', /\s127\.0\.0\.1:5801\s/);
    assert.match(run.json<Probe>('other').error ?? '', /ECONNREFUSED/, 'another address of this host is refused');
    assert.equal(run.step('closed').code, 0, 'close() finished');
    assert.equal(run.step('after').out.trim(), '');
    assert.match(run.json<Probe>('refused').error ?? '', /ECONNREFUSED/);
  });

  it("logs in to a server that speaks only X509Vnc, whose TLS shows the generated certificate, which GnuTLS takes", async () => {
    const run = await sandbox(`mkdir -p "$HOME/.vnc" && echo secret12 | vncpasswd -f > "$HOME/.vnc/passwd" && chmod 600 "$HOME/.vnc/passwd"
      dir="$HOME/.config/tsvnc"
      node -e 'import(process.argv[1]).then((m) => m.ensureCertificate(process.argv[2]))' "$TSVNC_ROOT/dist/src/web/certificate.js" "$dir"
      Xtigervnc :1 -localhost -SecurityTypes X509Vnc -X509Cert "$dir/tls/cert.pem" -X509Key "$dir/tls/key.pem" -PasswordFile "$HOME/.vnc/passwd" -geometry 1024x640 -desktop webtest >/tmp/x1.log 2>&1 &
      wait_until grep -q 'Listening for VNC connections' /tmp/x1.log
      fixture web-gateway "$dir" 5901 "$HOME/.vnc/passwd" 5801
      token=$(node -e 'process.stdout.write(JSON.parse(process.argv[1]).token)' "$(head -1 "$FOUT")")
      step login node "$FIXTURES/ws-probe.js" "wss://127.0.0.1:5801/websockify?token=$token" login
      step tls node "$FIXTURES/vencrypt.js" 5901 261
      fixture web-gateway /tmp/other-cert 5901 "$HOME/.vnc/passwd" 5802
      token=$(node -e 'process.stdout.write(JSON.parse(process.argv[1]).token)' "$(head -1 "$FOUT")")
      step pinned node "$FIXTURES/ws-probe.js" "wss://127.0.0.1:5802/websockify?token=$token" login
      step log cat /tmp/x1.log`);
    assert.equal(run.step('tls').out.trim(), 'tls ok', run.stderr.slice(-2000));
    assert.deepEqual(run.json<Probe>('login'), { status: 101, width: 1024, height: 640, name: 'webtest' }, run.stderr.slice(-2000));
    // A gateway that knows another certificate stops at the TLS handshake and sends the server no VNC response.
    assert.match(run.json<Probe & { refused?: string }>('pinned').refused ?? '', /TLS certificate \(SHA-256 [0-9A-F:]+\) is not the one tsvnc gave it/);
    // The server logs a wrong VNC response as a bare "Authentication failure"; a TLS one names the handshake.
    assert.doesNotMatch(run.step('log').out, /Authentication failure$/m);
  });
});
