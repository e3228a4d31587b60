import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sandbox, sandboxUnavailable } from '../helpers/sandbox.js';
import { DESKTOP } from './desktop-script.js';

interface Probe {
  status: number;
  bytes?: string;
  error?: string;
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
});
