import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_POLICY } from '../../src/model/restart-policy.js';
import { duration, listText, startText, statusText } from '../../src/output/session-text.js';
import type { StartResult, StatusResult } from '../../src/daemon/protocol.js';
import type { SessionSummary } from '../../src/model/session-record.js';
import { sessionOptions } from '../helpers/session-options.js';

function summary(fields: Partial<SessionSummary> = {}): SessionSummary {
  return {
    display: 1,
    state: 'running',
    pid: 4242,
    rfbPort: 5901,
    startedAt: '2025-01-02T03:04:05.000Z',
    uptimeSeconds: 65,
    restarts: 0,
    lastExit: null,
    reason: null,
    log: '/home/me/.vnc/host:1.log',
    ...fields,
  };
}

function status(fields: Partial<StatusResult> = {}): StatusResult {
  return {
    ...summary(),
    host: 'node7',
    programPid: 4300,
    lastLog: [],
    options: {
      geometry: '1920x1080',
      depth: 24,
      desktop: 'node7:1 (me)',
      localhost: true,
      securityTypes: ['VncAuth'],
      rfbPort: 5901,
      xstartup: '/home/me/.vnc/xstartup',
      autokill: true,
      extraArgs: [],
      restart: DEFAULT_POLICY,
    },
    ...fields,
  };
}

describe('duration', () => {
  it('formats seconds, minutes, hours and days', () => {
    const cases: [number | null, string][] = [
      [null, '-'],
      [0, '0s'],
      [1, '1s'],
      [59, '59s'],
      [60, '1m00s'],
      [65, '1m05s'],
      [3599, '59m59s'],
      [3600, '1h00m'],
      [3900, '1h05m'],
      [86399, '23h59m'],
      [86400, '1d0h'],
      [93600, '1d2h'],
      [93600 + 59 * 60 + 59, '1d2h'],
      [40 * 86400 + 5 * 3600, '40d5h'],
    ];
    for (const [seconds, text] of cases) assert.equal(duration(seconds), text, String(seconds));
  });
});

describe('listText', () => {
  it('says there are no sessions in one line', () => {
    const lines = listText([]);
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? '', /no sessions/);
  });

  it('prints a header and one aligned row per session, without trailing spaces', () => {
    const lines = listText([
      summary({ display: 1, pid: 4242, rfbPort: 5901, uptimeSeconds: 65, restarts: 0 }),
      summary({ display: 12, state: 'failed', pid: null, rfbPort: 5912, uptimeSeconds: null, restarts: 3, reason: 'the X server failed (exit code 1)' }),
    ]);
    assert.deepEqual(lines, [
      'DISPLAY  STATE    PID   PORT  UPTIME  RESTARTS  NOTE',
      ':1       running  4242  5901  1m05s   0',
      ':12      failed   -     5912  -       3         the X server failed (exit code 1)',
    ]);
  });

  it('widens a column to its longest cell', () => {
    const lines = listText([summary({ display: 1234, state: 'restarting', pid: 1234567, rfbPort: 7134, uptimeSeconds: 93600, restarts: 12345678901 })]);
    assert.deepEqual(lines, [
      'DISPLAY  STATE       PID      PORT  UPTIME  RESTARTS     NOTE',
      ':1234    restarting  1234567  7134  1d2h    12345678901',
    ]);
    for (const line of lines) assert.equal(line, line.trimEnd());
  });
});

describe('startText', () => {
  const base: StartResult = { ...summary({ display: 3, pid: 777, rfbPort: 5903, log: '/l/host:3.log' }), host: 'login1', localhost: true, options: sessionOptions({ rfbPort: 5903 }) };

  it('on localhost, tells how to tunnel', () => {
    assert.deepEqual(startText(base), [
      'New desktop login1:3 (server pid 777, VNC port 5903), log /l/host:3.log',
      'Connect a VNC viewer on this machine to localhost:3; from elsewhere tunnel first: ssh -L 5903:localhost:5903 login1',
    ]);
  });

  it('off localhost, gives the address to connect to', () => {
    assert.deepEqual(startText({ ...base, localhost: false, rfbPort: 6001 }), [
      'New desktop login1:3 (server pid 777, VNC port 6001), log /l/host:3.log',
      'Connect a VNC viewer to login1::6001',
    ]);
  });

  it('with one-time passwords, gives the first as TurboVNC words it', () => {
    const otp = { ...base, otp: 'abcd2345', options: sessionOptions({ rfbPort: 5903, otp: { only: true, socket: '/s', serverPasswordFile: '/s.passwd' } }) };
    assert.equal(startText(otp)[2], 'Full control one-time password: abcd2345 (one-time passwords only)');
    assert.equal(startText({ ...otp, options: sessionOptions({ otp: { only: false, socket: '/s', serverPasswordFile: '/s.passwd' } }) })[2], 'Full control one-time password: abcd2345');
  });

  it('says when --useold reuses a running session', () => {
    assert.equal(startText({ ...base, reused: true })[0], 'Reusing desktop login1:3 (server pid 777, VNC port 5903), log /l/host:3.log');
  });
});

describe('statusText', () => {
  it('describes a running session with no exit and no log lines', () => {
    assert.deepEqual(statusText(status()), [
      ':1 on node7: running',
      '  server pid  4242',
      '  session pid 4300 (/home/me/.vnc/xstartup)',
      '  VNC port    5901 on localhost, security VncAuth',
      '  screen      1920x1080 depth 24, "node7:1 (me)"',
      '  started     2025-01-02T03:04:05.000Z, up 1m05s, restarts 0',
    '  restart     on-failure, crash loop at 5 failures within 60 s',
      '  last exit   -',
      '  log         /home/me/.vnc/host:1.log',
    ]);
  });

  it('describes a failed session with its last exit, reason and last log lines', () => {
    const lines = statusText(status({
      state: 'failed',
      pid: null,
      programPid: null,
      uptimeSeconds: null,
      restarts: 2,
      reason: 'the X server failed',
      lastExit: { code: 1, signal: null, at: '2025-01-02T04:00:00.000Z' },
      lastLog: ['(EE) Fatal server error:', '(EE) Cannot establish any listening sockets'],
      options: { ...status().options, localhost: false, securityTypes: ['TLSVnc', 'VncAuth'], xstartup: null, geometry: '800x600', depth: 16 },
    }));
    assert.deepEqual(lines, [
      ':1 on node7: failed (the X server failed)',
      '  server pid  -',
      '  session pid - (no session program)',
      '  VNC port    5901 on all addresses, security TLSVnc,VncAuth',
      '  screen      800x600 depth 16, "node7:1 (me)"',
      '  started     2025-01-02T03:04:05.000Z, up -, restarts 2',
      '  restart     on-failure, crash loop at 5 failures within 60 s',
      '  last exit   exit code 1 at 2025-01-02T04:00:00.000Z',
      '  log         /home/me/.vnc/host:1.log',
      '  last log lines:',
      '    (EE) Fatal server error:',
      '    (EE) Cannot establish any listening sockets',
    ]);
  });

  it('names the signal of a killed server', () => {
    const lines = statusText(status({ state: 'stopped', lastExit: { code: null, signal: 'SIGKILL', at: 'T' } }));
    assert.ok(lines.includes('  last exit   killed by SIGKILL at T'), lines.join('\n'));
  });
});
