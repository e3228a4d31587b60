import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sandbox, sandboxUnavailable } from '../helpers/sandbox.js';

describe("tsvnc's own readiness connection, against a real Xtigervnc", { skip: sandboxUnavailable }, () => {
  it('failing for a local reason (no free ephemeral port) says so, not that the server does not answer, and leaves nothing', async () => {
    // Listeners on both ports of a two-port ip_local_port_range leave connect() no local port: EADDRNOTAVAIL.
    const run = await sandbox(`set_passwd
      fixture listen 127.0.0.1 40000
      fixture listen 127.0.0.1 40001
      step start tsvnc start :2 --no-xstartup
      step leftovers leftovers`, { portRange: '40000 40001' });
    assert.equal(run.step('start').code, 1);
    const line = run.stderr.split('\n').find((l) => l.startsWith('tsvnc: ')) ?? '';
    assert.match(line, /^tsvnc: tsvnc could not connect to port 5902 to check its new server: EADDRNOTAVAIL, no local port was free for the connection: every port of net\.ipv4\.ip_local_port_range is in use \(the server was stopped; close idle connections, .*widen net\.ipv4\.ip_local_port_range/);
    assert.doesNotMatch(run.stderr, /does not answer as a VNC server/);
    assert.equal(run.step('leftovers').out, '');
  });
});
