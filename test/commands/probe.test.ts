import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, sandbox, sandboxUnavailable } from '../helpers/sandbox.js';
import type { ProbeResult, TcpReason } from '../../src/model/probe-result.js';

/**
 * Each cause of "A VNC server is already running as :1", reproduced for real
 * in its own sandbox. Every case also asks a real Xtigervnc whether it can
 * start there: the probe's verdict must agree with the server's.
 */
const VERDICT = 'step probe tsvnc probe :1 --json; step xserver x_verdict 1';

async function probeCase(setup: string, options = {}) {
  const run = await sandbox(`${setup}\n${VERDICT}`, options);
  const probe = run.json<ProbeResult>('probe');
  return { run, probe, code: run.step('probe').code, xserver: run.step('xserver').out };
}

function assertAgrees(probe: ProbeResult, xserver: string): void {
  assert.equal(probe.free ? 'ready' : 'refused', xserver.startsWith('ready') ? 'ready' : 'refused', `probe free=${probe.free} but the X server said: ${xserver}`);
}

function tcpReasons(probe: ProbeResult): TcpReason[] {
  return probe.reasons.filter((r): r is TcpReason => r.kind === 'tcp');
}

describe('tsvnc probe against a real Xtigervnc', { skip: sandboxUnavailable, concurrency: true }, () => {
  it('an empty display is free', async () => {
    const { probe, code, xserver } = await probeCase('');
    assert.equal(code, 0);
    assert.deepEqual({ free: probe.free, reasons: probe.reasons, stale: probe.stale }, { free: true, reasons: [], stale: [] });
    assertAgrees(probe, xserver);
  });

  it('a running Xtigervnc holds the lock, its port, its socket file and its abstract socket', async () => {
    const { probe, code, xserver } = await probeCase('start_x 1');
    assert.equal(code, 1);
    assert.deepEqual(new Set(probe.reasons.map((r) => r.kind)), new Set(['lock', 'tcp', 'unix-socket', 'abstract-socket']));
    const lock = probe.reasons.find((r) => r.kind === 'lock');
    assert.match(lock?.kind === 'lock' ? lock.command ?? '' : '', /Xtigervnc :1/);
    const listener = tcpReasons(probe)[0]?.holders.find((h) => h.state === 'LISTEN');
    assert.match(listener?.command ?? '', /Xtigervnc/);
    assertAgrees(probe, xserver);
  });

  it("a SIGKILLed server's lock and socket file are stale, not reasons", async () => {
    const { probe, code, xserver } = await probeCase('start_x 1; kill -9 $XPID; wait $XPID');
    assert.equal(code, 0);
    assert.deepEqual(probe.reasons, []);
    assert.deepEqual(probe.stale.map((s) => [s.kind, s.path]).sort(), [['lock', '/tmp/.X1-lock'], ['unix-socket', '/tmp/.X11-unix/X1']]);
    assert.match(probe.stale.find((s) => s.kind === 'lock')?.why ?? '', /not running/);
    assertAgrees(probe, xserver);
  });

  it('a lock naming a dead pid is stale', async () => {
    const { probe, xserver } = await probeCase(`printf '%10d\\n' 3999999 > /tmp/.X1-lock`);
    assert.equal(probe.free, true);
    assert.match(probe.stale[0]?.why ?? '', /3999999, which is not running/);
    assertAgrees(probe, xserver);
  });

  it('a lock naming a reused pid is stale; the X server itself is fooled until doctor --fix removes it', async () => {
    const run = await sandbox(`
      sleep 300 & printf '%10d\\n' $! > /tmp/.X1-lock; touch -d '-1 hour' /tmp/.X1-lock
      step probe tsvnc probe :1 --json
      step fooled x_verdict 1
      step fix tsvnc doctor :1 --fix
      step xserver x_verdict 1`);
    const probe = run.json<ProbeResult>('probe');
    assert.equal(probe.free, true);
    assert.match(probe.stale[0]?.why ?? '', /pid reused/);
    assert.match(probe.stale[0]?.why ?? '', /sleep 300/);
    assert.match(run.step('fooled').out, /^refused: .*already active/);
    assert.match(run.step('fix').out, /removed \/tmp\/\.X1-lock/);
    assert.equal(run.step('xserver').out, 'ready');
  });

  it('a live lock held by another process blocks, and names it', async () => {
    const { probe, xserver } = await probeCase(`sleep 300 & printf '%10d\\n' $! > /tmp/.X1-lock`);
    assert.equal(probe.free, false);
    const lock = probe.reasons[0];
    assert.equal(lock?.kind, 'lock');
    assert.match(lock?.kind === 'lock' ? lock.command ?? '' : '', /^sleep 300/);
    assertAgrees(probe, xserver);
  });

  it('a listener on 5901 blocks, and is named', async () => {
    const { probe, xserver } = await probeCase('fixture listen 0.0.0.0 5901');
    assert.equal(probe.free, false);
    const holder = tcpReasons(probe)[0]?.holders[0];
    assert.equal(holder?.state, 'LISTEN');
    assert.match(holder?.command ?? '', /listen\.js 0\.0\.0\.0 5901/);
    assertAgrees(probe, xserver);
  });

  it('an IPv6-only listener on ::1 blocks a localhost server', async () => {
    const { probe, xserver } = await probeCase('fixture listen ::1 5901');
    assert.equal(probe.free, false);
    assert.deepEqual(tcpReasons(probe).map((r) => [r.family, r.address]), [['ipv6', '::1']]);
    assertAgrees(probe, xserver);
  });

  it('outgoing connections that took 5901 from ip_local_port_range 5900-5999 block it', async () => {
    const { run, probe, xserver } = await probeCase('fixture connect-hold 7000 100; step ports head -1 $FOUT', { portRange: '5900 5999' });
    assert.ok((JSON.parse(run.step('ports').out) as number[]).includes(5901), 'the fixture got 5901 as a local port');
    assert.equal(probe.free, false);
    const holder = tcpReasons(probe)[0]?.holders.find((h) => h.state === 'ESTABLISHED');
    assert.equal(holder?.remote, '127.0.0.1:7000');
    assert.match(holder?.command ?? '', /connect-hold/);
    assert.ok(probe.risks.some((r) => r.kind === 'ephemeral-range'));
    assertAgrees(probe, xserver);
  });

  it('a TIME_WAIT left by an earlier server on 5901 does not block', async () => {
    const { probe, xserver } = await probeCase('fixture time-wait server 5901');
    assert.equal(probe.free, true);
    assert.equal(probe.notes[0]?.holders[0]?.state, 'TIME_WAIT');
    assertAgrees(probe, xserver);
  });

  it('a TIME_WAIT left by an outgoing connection from 5901 blocks', async () => {
    const { run, probe, xserver } = await probeCase('fixture time-wait outgoing 5901 7000; step got cat $FOUT', { portRange: '5901 5901' });
    assert.match(run.step('got').out, /local port 5901/);
    assert.equal(probe.free, false);
    const holder = tcpReasons(probe)[0]?.holders[0];
    assert.equal(holder?.state, 'TIME_WAIT');
    assert.ok((holder?.expiresInSeconds ?? 0) > 30);
    assertAgrees(probe, xserver);
  });

  it('an X11 port listener is reported but does not block a server without -listen tcp', async () => {
    const { probe, xserver } = await probeCase('fixture listen 0.0.0.0 6001');
    assert.equal(probe.free, true);
    assert.deepEqual(tcpReasons(probe).map((r) => [r.port, r.blocking]), [[6001, false]]);
    assertAgrees(probe, xserver);
  });

  it('a server whose files a /tmp cleaner removed still holds the abstract socket', async () => {
    const { probe, xserver } = await probeCase('start_x 1; rm -f /tmp/.X1-lock /tmp/.X11-unix/X1');
    assert.equal(probe.free, false);
    const abstract = probe.reasons.find((r) => r.kind === 'abstract-socket');
    assert.equal(abstract?.kind === 'abstract-socket' && abstract.holders[0]?.command.startsWith('Xtigervnc'), true);
    assert.ok(!probe.reasons.some((r) => r.kind === 'lock' || r.kind === 'unix-socket'));
    assertAgrees(probe, xserver);
  });

  it('a leftover temporary lock is stale', async () => {
    const { probe, xserver } = await probeCase("touch -d '-1 min' /tmp/.tX1-lock");
    assert.equal(probe.free, true);
    assert.deepEqual(probe.stale.map((s) => [s.kind, s.removable]), [['temp-lock', true]]);
    assertAgrees(probe, xserver);
  });

  it('a lock the X server cannot parse blocks, as it does for the server', async () => {
    const { probe, xserver } = await probeCase(`printf 'abcdefghij\\n' > /tmp/.X1-lock`);
    assert.equal(probe.free, false);
    assert.match(probe.reasons[0]?.kind === 'lock' ? probe.reasons[0].detail : '', /does not contain a valid pid/);
    assertAgrees(probe, xserver);
  });

  it("another user's stale lock blocks us: only its owner or root can remove it", async () => {
    const { probe, xserver } = await probeCase(`
      printf '%10d\\n' 3999999 > /tmp/.X1-lock
      AS='setpriv --reuid=65534 --regid=65534 --clear-groups'`);
    assert.equal(probe.free, false);
    assert.match(probe.reasons[0]?.kind === 'lock' ? probe.reasons[0].detail : '', /belongs to uid 0/);
    assertAgrees(probe, xserver);
  });

  it('a symlinked lock is never followed', async () => {
    const { probe } = await probeCase('echo secret > /tmp/target; ln -s /tmp/target /tmp/.X1-lock');
    assert.equal(probe.free, false);
    assert.match(probe.reasons[0]?.kind === 'lock' ? probe.reasons[0].detail : '', /symlink/);
  });

  it('sshd X11 forwarding, enabled through an Include, is a risk for its window only', async () => {
    const run = await sandbox('step d9 tsvnc probe :9 --json; step d10 tsvnc probe :10 --json; step d19 tsvnc probe :19 --json; step d20 tsvnc probe :20 --json', {
      sshd: { sshd_config: 'Include /etc/ssh/sshd_config.d/*.conf\nX11Forwarding no\n', 'sshd_config.d/x11.conf': 'x11forwarding yes\nX11DisplayOffset 10\n' },
    });
    const risky = (name: string) => run.json<ProbeResult>(name).risks.some((r) => r.kind === 'sshd-x11-forwarding');
    assert.deepEqual(['d9', 'd10', 'd19', 'd20'].map(risky), [false, true, true, false]);
  });
});

describe('tsvnc probe input', () => {
  for (const bad of [':abc', ':-1', ':70000', 'abc']) {
    it(`rejects ${bad} with one line and exit 2`, async () => {
      const result = await runCli(['probe', bad]);
      assert.equal(result.code, 2);
      assert.equal(result.stderr.trim().split('\n').length, 1);
      assert.match(result.stderr, /tsvnc: .*(not a display|out of range)/);
      assert.equal(result.stdout, '');
    });
  }

  for (const [args, pattern] of [
    [['--rfbport', '0x1700'], /--rfbport "0x1700" is not a TCP port/],
    [['--rfbport', '70000'], /--rfbport "70000" is not a TCP port/],
    [['--localhost', 'maybe'], /--localhost "maybe" is not accepted \(use yes, no\)/],
  ] as const) {
    it(`rejects ${args.join(' ')} with one line and exit 2`, async () => {
      const result = await runCli(['probe', ':1', ...args]);
      assert.equal(result.code, 2);
      assert.equal(result.stderr.trim().split('\n').length, 1);
      assert.match(result.stderr, pattern);
    });
  }

  it('accepts a bare number as a display', async () => {
    const result = await runCli(['probe', '1', '--json']);
    assert.equal((JSON.parse(result.stdout) as ProbeResult).display, 1);
  });
});
