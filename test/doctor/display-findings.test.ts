import test from 'node:test';
import assert from 'node:assert/strict';
import { blocks, displayFindings } from '../../src/doctor/display-findings.js';
import type { Finding, NameOf } from '../../src/doctor/finding.js';
import type { LockReason, PortNote, ProbeResult, Stale, TcpHolder, TcpReason, UnixSocketReason } from '../../src/model/probe-result.js';

const nameOf: NameOf = (uid) => (uid == null ? null : uid === 0 ? 'root' : String(uid));

const XVNC = '/usr/bin/Xtigervnc :1 -desktop host:1 (alice) -rfbport 5901 -localhost';

function result(overrides: Partial<ProbeResult> = {}): ProbeResult {
  return {
    display: 1, free: false, rfbPort: 5901, x11Port: 6001,
    reasons: [], stale: [], risks: [], notes: [],
    ...overrides,
  };
}

function lock(overrides: Partial<LockReason> = {}): LockReason {
  return {
    kind: 'lock', blocking: true, path: '/tmp/.X1-lock', pid: 4242, command: XVNC, uid: 1000,
    detail: '/tmp/.X1-lock names pid 4242, which is running', ...overrides,
  };
}

function holder(overrides: Partial<TcpHolder> = {}): TcpHolder {
  return {
    pid: 4242, command: XVNC, uid: 1000, state: 'LISTEN', family: 'ipv4',
    local: '127.0.0.1:5901', remote: '0.0.0.0:0', ...overrides,
  };
}

function tcp(holders: TcpHolder[], overrides: Partial<TcpReason> = {}): TcpReason {
  return {
    kind: 'tcp', blocking: true, port: 5901, role: 'rfb', family: 'ipv4', address: '127.0.0.1',
    error: 'EADDRINUSE', holders, ...overrides,
  };
}

function only(findings: Finding[]): Finding {
  assert.equal(findings.length, 1, `expected one finding, got ${JSON.stringify(findings, null, 2)}`);
  return findings[0] as Finding;
}

function includesAll(text: string, parts: readonly string[]): void {
  for (const part of parts) assert.ok(text.includes(part), `"${text}" lacks "${part}"`);
}

test('a free display with nothing left over has no findings', () => {
  assert.deepEqual(displayFindings(result({ free: true }), nameOf), []);
});

test('a running X server holding the lock and the RFB port is one live-server finding', () => {
  const findings = displayFindings(result({ reasons: [lock(), tcp([holder()]), tcp([holder({ family: 'ipv6', local: '[::1]:5901' })], { family: 'ipv6', address: '::1' })] }), nameOf);
  const f = only(findings);
  assert.equal(f.cause, 'live-server');
  assert.equal(f.severity, 'error');
  assert.equal(f.display, 1);
  includesAll(f.message, [':1', 'Xtigervnc', 'pid 4242', 'user 1000']);
  includesAll(f.fix, ['-kill :1', 'kill 4242']);
});

test('an X server seen only on the port is still a live server', () => {
  const f = only(displayFindings(result({ reasons: [tcp([holder({ command: 'Xvnc :1', uid: 0 })])] }), nameOf));
  assert.equal(f.cause, 'live-server');
  includesAll(f.message, ['Xvnc', 'pid 4242', 'user root']);
});

test('a reason held by another process is reported next to the live server', () => {
  const intruder = holder({ pid: 900, command: 'nc -l 6001', local: '0.0.0.0:6001', uid: 1001 });
  const findings = displayFindings(result({ reasons: [lock(), tcp([intruder], { port: 6001, role: 'x11', address: '0.0.0.0' })] }), nameOf);
  assert.deepEqual(findings.map((f) => f.cause), ['live-server', 'port-listener']);
  includesAll(findings[1]?.message ?? '', ['pid 900', 'nc', '0.0.0.0:6001']);
});

test('a lock naming a running process that is no X server is lock-held', () => {
  const reason = lock({ pid: 777, command: 'python3 /home/bob/keep.py', uid: 1001 });
  const f = only(displayFindings(result({ reasons: [reason] }), nameOf));
  assert.equal(f.cause, 'lock-held');
  assert.equal(f.severity, 'error');
  includesAll(f.message, ['/tmp/.X1-lock', 'pid 777', 'python3', 'user 1001']);
  includesAll(f.fix, ['/tmp/.X1-lock', '777']);
});

test('a lock that is not a readable lock file is a suspect file', () => {
  const detail = '/tmp/.X1-lock is a symlink, not a lock file; tsvnc will not follow or trust it';
  const f = only(displayFindings(result({ reasons: [lock({ pid: null, command: null, uid: 0, detail })] }), nameOf));
  assert.equal(f.cause, 'suspect-file');
  assert.equal(f.severity, 'error');
  assert.equal(f.message, detail);
  includesAll(f.fix, ['/tmp/.X1-lock']);
});

test('a listener on the RFB port is port-listener with pid, command and address', () => {
  const listener = holder({ pid: 3131, command: '/usr/bin/python3 -m http.server 5901', uid: 1001, local: '0.0.0.0:5901' });
  const f = only(displayFindings(result({ reasons: [tcp([listener])] }), nameOf));
  assert.equal(f.cause, 'port-listener');
  assert.equal(f.severity, 'error');
  includesAll(f.message, ['port 5901', 'RFB', 'python3', 'pid 3131', 'user 1001', '0.0.0.0:5901']);
  includesAll(f.fix, ['pid 3131']);
});

test('a listener of another user or namespace (pid unknown) says where to look', () => {
  const f = only(displayFindings(result({ reasons: [tcp([holder({ pid: null, command: null, uid: 0 })])] }), nameOf));
  assert.equal(f.cause, 'port-listener');
  includesAll(f.message, ['a process', 'user root', '127.0.0.1:5901']);
  includesAll(f.fix, ['127.0.0.1:5901']);
});

test('an outgoing connection on the port is port-outgoing naming the remote end', () => {
  const conn = holder({
    pid: 2020, command: '/usr/bin/curl https://example.org', uid: 1000, state: 'ESTABLISHED',
    local: '10.0.0.2:5901', remote: '93.184.216.34:443',
  });
  const f = only(displayFindings(result({ reasons: [tcp([conn], { address: '0.0.0.0' })] }), nameOf));
  assert.equal(f.cause, 'port-outgoing');
  assert.equal(f.severity, 'error');
  includesAll(f.message, ['curl', 'pid 2020', '93.184.216.34:443', 'ESTABLISHED']);
  includesAll(f.fix, ['net.ipv4.ip_local_reserved_ports']);
});

test('a port below 1024 that cannot be bound is named a privileged port, with the fix', () => {
  const f = only(displayFindings(result({ reasons: [tcp([], { port: 443, role: 'web', error: 'EACCES' })] }), nameOf));
  assert.equal(f.message, 'port 443 (web) on 127.0.0.1 is a privileged port, which only root may listen on');
  assert.equal(f.fix, 'choose a port of 1024 or above');
});

test('a blocking TIME_WAIT says how long it remains', () => {
  const wait = holder({
    pid: null, command: null, uid: 0, state: 'TIME_WAIT',
    local: '127.0.0.1:5901', remote: '127.0.0.1:22', expiresInSeconds: 37,
  });
  const f = only(displayFindings(result({ reasons: [tcp([wait])] }), nameOf));
  assert.equal(f.cause, 'time-wait');
  assert.equal(f.severity, 'error');
  includesAll(f.message, ['127.0.0.1:5901', '127.0.0.1:22', '37 s']);
  includesAll(f.fix, ['37 s']);
});

test('the TIME_WAIT wait is rounded up to whole seconds in the fix', () => {
  const wait = holder({ pid: null, command: null, state: 'TIME_WAIT', remote: '127.0.0.1:22', expiresInSeconds: 12.3 });
  includesAll(only(displayFindings(result({ reasons: [tcp([wait])] }), nameOf)).fix, ['13 s']);
});

test('a busy port with no visible socket is port-unknown with the bind error', () => {
  const f = only(displayFindings(result({ reasons: [tcp([], { error: 'EACCES' })] }), nameOf));
  assert.equal(f.cause, 'port-unknown');
  assert.equal(f.severity, 'error');
  includesAll(f.message, ['5901', 'EACCES']);
  includesAll(f.fix, ['root']);
});

test('a busy X11 port that does not block tsvnc is x11-port info, whatever holds it', () => {
  const x11 = { port: 6001, role: 'x11' as const, blocking: false, address: '0.0.0.0' };
  const cases: TcpHolder[][] = [
    [holder({ pid: 55, command: 'socat TCP-LISTEN:6001 -', local: '0.0.0.0:6001' })],
    [holder({ pid: 56, command: 'ssh host', state: 'ESTABLISHED', local: '10.0.0.2:6001', remote: '10.0.0.9:22' })],
    [holder({ pid: null, command: null, state: 'TIME_WAIT', local: '10.0.0.2:6001', remote: '10.0.0.9:22', expiresInSeconds: 5 })],
    [],
  ];
  for (const holders of cases) {
    const f = only(displayFindings(result({ free: true, reasons: [tcp(holders, x11)] }), nameOf));
    assert.equal(f.cause, 'x11-port', JSON.stringify(holders));
    assert.equal(f.severity, 'info');
    includesAll(f.message, ['6001', 'X11', 'vncserver', 'does not block']);
  }
});

test('TIME_WAIT notes left by an earlier server are time-wait info', () => {
  const note: PortNote = {
    port: 5901, role: 'rfb',
    holders: [
      holder({ pid: null, command: null, state: 'TIME_WAIT', local: '127.0.0.1:5901', remote: '127.0.0.1:41000', expiresInSeconds: 20 }),
      holder({ pid: null, command: null, state: 'TIME_WAIT', local: '127.0.0.1:5901', remote: '127.0.0.1:41002', expiresInSeconds: 30 }),
    ],
  };
  const f = only(displayFindings(result({ free: true, notes: [note] }), nameOf));
  assert.equal(f.cause, 'time-wait');
  assert.equal(f.severity, 'info');
  includesAll(f.message, ['port 5901', '2 TIME_WAIT', '127.0.0.1:41000']);
});

test('notes without TIME_WAIT are not findings', () => {
  const note: PortNote = { port: 5901, role: 'rfb', holders: [holder({ state: 'CLOSE_WAIT' })] };
  assert.deepEqual(displayFindings(result({ free: true, notes: [note] }), nameOf), []);
});

test('stale leftovers are warnings, and --fix is offered only when removable', () => {
  const stale: Stale[] = [
    { kind: 'lock', path: '/tmp/.X1-lock', why: 'it names pid 31337, which is not running', removable: true, uid: 1000, ino: 12 },
    { kind: 'unix-socket', path: '/tmp/.X11-unix/X1', why: 'nothing accepts connections on it', removable: true, uid: 1000, ino: 13 },
    { kind: 'temp-lock', path: '/tmp/.tX1-lock', why: 'an X server died while taking the lock', removable: false, uid: 1001 },
  ];
  const findings = displayFindings(result({ free: true, stale }), nameOf);
  assert.deepEqual(findings.map((f) => [f.cause, f.severity]), [
    ['stale-lock', 'warning'],
    ['stale-socket', 'warning'],
    ['stale-temp-lock', 'warning'],
  ]);
  includesAll(findings[0]?.message ?? '', ['/tmp/.X1-lock', 'pid 31337']);
  includesAll(findings[0]?.fix ?? '', ['tsvnc doctor :1 --fix']);
  includesAll(findings[1]?.message ?? '', ['/tmp/.X11-unix/X1']);
  assert.ok(!(findings[2]?.fix ?? '').includes('--fix'), findings[2]?.fix);
  includesAll(findings[2]?.fix ?? '', ['uid 1001', '/tmp/.tX1-lock']);
});

test('a bound abstract socket is abstract-socket naming its holder', () => {
  const reason: UnixSocketReason = {
    kind: 'abstract-socket', blocking: true, path: '@/tmp/.X11-unix/X1',
    holders: [{ pid: 6060, command: '/usr/bin/Xwayland :1 -rootless', uid: 1002 }],
    detail: 'the abstract socket @/tmp/.X11-unix/X1 is bound',
  };
  const findings = displayFindings(result({ reasons: [reason] }), nameOf);
  // Xwayland is an X server, so it is named as the live server and the socket is not repeated.
  assert.deepEqual(findings.map((f) => f.cause), ['live-server']);

  const other = { ...reason, holders: [{ pid: 6061, command: 'socat ABSTRACT-LISTEN:/tmp/.X11-unix/X1 -', uid: 1002 }] };
  const f = only(displayFindings(result({ reasons: [other] }), nameOf));
  assert.equal(f.cause, 'abstract-socket');
  assert.equal(f.severity, 'error');
  includesAll(f.message, ['@/tmp/.X11-unix/X1', 'socat', 'pid 6061', 'user 1002']);
  includesAll(f.fix, ['pid 6061']);
});

test('an abstract socket whose holder is not visible still says to use another display', () => {
  const reason: UnixSocketReason = {
    kind: 'abstract-socket', blocking: true, path: '@/tmp/.X11-unix/X1', holders: [],
    detail: 'the abstract socket @/tmp/.X11-unix/X1 is bound',
  };
  const f = only(displayFindings(result({ reasons: [reason] }), nameOf));
  assert.equal(f.cause, 'abstract-socket');
  assert.equal(f.message, reason.detail);
  includesAll(f.fix, ['another display']);
});

test('a listening unix socket file is unix-socket', () => {
  const reason: UnixSocketReason = {
    kind: 'unix-socket', blocking: true, path: '/tmp/.X11-unix/X1',
    holders: [{ pid: 7070, command: 'nc -lU /tmp/.X11-unix/X1', uid: 1000 }],
    detail: '/tmp/.X11-unix/X1 accepts connections',
  };
  const f = only(displayFindings(result({ reasons: [reason] }), nameOf));
  assert.equal(f.cause, 'unix-socket');
  includesAll(f.message, ['/tmp/.X11-unix/X1', 'pid 7070']);
});

test('TIME_WAITs left on the port of a running server add no port-listener finding', () => {
  const wait = holder({ pid: null, command: null, uid: 0, state: 'TIME_WAIT', remote: '127.0.0.1:41000', expiresInSeconds: 30 });
  const findings = displayFindings(result({ reasons: [lock(), tcp([holder(), wait])] }), nameOf);
  assert.deepEqual(findings.map((f) => f.cause), ['live-server']);
});

const TSVNC_XVNC = (n: number) => `/usr/bin/Xtigervnc :${n} -displayfd 3 -auth /home/a/.vnc/tsvnc-h/sessions/${n}.xauth -desktop d`;
const ME = process.getuid?.() ?? 0;
const OTHER = ME + 1000;

test('your own tsvnc session is a desktop, information, not an error', () => {
  const server = { command: TSVNC_XVNC(1), uid: ME };
  const f = only(displayFindings(result({ reasons: [lock(server), tcp([holder(server)])] }), nameOf, new Map([[1, 4242]])));
  assert.equal(f.cause, 'tsvnc-desktop');
  assert.equal(f.severity, 'info');
  includesAll(f.message, [':1 is your tsvnc desktop', 'pid 4242']);
  includesAll(f.fix, ['nothing to do', 'tsvnc status :1']);
});

test("with one-time passwords your daemon holds your desktop's VNC port: information; the same port held by it for no desktop of yours, or by another program, is not", () => {
  const server = { command: TSVNC_XVNC(1), uid: ME };
  const daemon = holder({ pid: 777, command: '/usr/bin/node --lite-mode /usr/lib/tsvnc/cli.js daemon --foreground', uid: ME });
  const findings = displayFindings(result({ reasons: [lock(server), tcp([daemon])] }), nameOf, new Map([[1, 4242]]), 777);
  assert.deepEqual(findings.map((f) => [f.cause, f.severity]), [['tsvnc-desktop', 'info'], ['tsvnc-desktop', 'info']]);
  includesAll(findings[1]?.message ?? '', ['port 5901 (RFB) on 127.0.0.1 is held by your tsvnc daemon (pid 777), which takes the viewers of :1 itself']);
  assert.equal(findings[1]?.fix, 'nothing to do');
  for (const [own, pid] of [[new Map<number, number>(), 777], [new Map([[1, 4242]]), 778]] as const) {
    const f = displayFindings(result({ reasons: [tcp([daemon])] }), nameOf, own, pid);
    assert.deepEqual(f.map((x) => [x.cause, x.severity]), [['port-listener', 'error']]);
  }
});

test("another user's tsvnc desktop is information, told from the kernel's uid and the command line, and its hidden sockets are its own", () => {
  const server = { command: TSVNC_XVNC(1), uid: OTHER };
  const hidden = holder({ pid: null, command: null, uid: null });
  const f = only(displayFindings(result({ reasons: [lock(server), tcp([hidden]), { kind: 'unix-socket', blocking: true, path: '/tmp/.X11-unix/X1', holders: [], detail: 'accepts' }] }), nameOf));
  assert.equal(f.cause, 'tsvnc-desktop');
  assert.equal(f.severity, 'info');
  includesAll(f.message, [`tsvnc desktop of user ${OTHER}`]);
});

test('an X server of yours that is not one of your sessions, or that tsvnc did not start, stays an error with the kill advice', () => {
  for (const [command, own] of [[TSVNC_XVNC(1), new Map<number, number>()], [XVNC, new Map([[1, 999]])]] as const) {
    const f = only(displayFindings(result({ reasons: [lock({ command, uid: ME })] }), nameOf, own));
    assert.equal(f.cause, 'live-server');
    assert.equal(f.severity, 'error');
    includesAll(f.fix, ['kill 4242']);
  }
});

test('the server of another display on this display\'s port is named as that display\'s, with the --rfbport fix', () => {
  const other = holder({ command: TSVNC_XVNC(2), local: '127.0.0.1:5902', uid: ME });
  const f = only(displayFindings(result({ display: 3, rfbPort: 5902, reasons: [tcp([other], { port: 5902 })] }), nameOf));
  assert.equal(f.cause, 'port-listener', 'a server of yours tsvnc does not list may be abandoned');
  assert.equal(f.severity, 'error');
  // A healthy tsvnc desktop holding the port is why :3 cannot have it, not something broken: yours, or another user's.
  for (const [uid, own] of [[ME, new Map([[2, 4242]])], [OTHER, new Map<number, number>()]] as const) {
    const d = only(displayFindings(result({ display: 3, rfbPort: 5902, reasons: [tcp([holder({ command: TSVNC_XVNC(2), local: '127.0.0.1:5902', uid })], { port: 5902 })] }), nameOf, own));
    assert.deepEqual([d.cause, d.severity, blocks(d)], ['tsvnc-desktop', 'info', true]);
    includesAll(d.message, ['is the RFB port of :2, held by that server']);
  }
  includesAll(f.message, ['port 5902 (RFB) on 127.0.0.1 is the RFB port of :2, held by that server', 'pid 4242']);
  assert.equal(f.fix, 'give :3 another port with --rfbport, or leave --rfbport out to use 5903, the port of :3');
  const elsewhere = holder({ command: `${TSVNC_XVNC(2)} -rfbport 5903`, local: '127.0.0.1:5903' });
  const g = only(displayFindings(result({ display: 3, reasons: [tcp([elsewhere], { port: 5903 })] }), nameOf));
  includesAll(g.message, ['is the RFB port of :2']);
  includesAll(g.fix, ['use another display']);
});

test("a lock naming another display's tsvnc server is no desktop of this display", () => {
  const f = only(displayFindings(result({ display: 5, reasons: [lock({ path: '/tmp/.X5-lock', command: TSVNC_XVNC(2), uid: OTHER })] }), nameOf));
  assert.equal(f.cause, 'live-server');
  assert.equal(f.severity, 'error');
});
