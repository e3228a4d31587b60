import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sessionListText, wrapperKillText, wrapperListText, wrapperStartText } from '../../src/output/vncserver-text.js';
import type { ListedSession, StartResult } from '../../src/daemon/protocol.js';
import { sessionOptions } from '../helpers/session-options.js';

function listed(display: number, state: ListedSession['state'], pid: number | null): ListedSession {
  return { display, state, pid, rfbPort: 5900 + display, startedAt: '2026-12-01T10:00:00.000Z', uptimeSeconds: pid === null ? null : 5, restarts: 0, lastExit: null, reason: null, log: `/h/.vnc/vm:${display}.log` };
}

const SESSIONS = [listed(3, 'running', 16), listed(1, 'running', 15), listed(2, 'restarting', null), listed(4, 'failed', null)];

/** The awk of Open OnDemand's stale cleaner: lines starting with :N, the pid second. */
function oodCleaner(stdout: readonly string[]): [string, string][] {
  return stdout.filter((l) => l.startsWith(':')).map((l) => l.split(/\s+/)).map(([display = '', pid = '']) => [display, pid]);
}

describe("vncserver's words", () => {
  it("-list as TigerVNC's wrapper prints it, byte for byte, the running desktops only", () => {
    // Captured from Debian's tigervncserver 1.12 -list with :3 running as pid 16.
    const tiger = ['', 'TigerVNC server sessions:', '', 'X DISPLAY #\tRFB PORT #\tRFB UNIX PATH\tPROCESS ID #\tSERVER', '3         \t5903      \t             \t16          \tXtigervnc'];
    assert.deepEqual(wrapperListText('tigervnc', [listed(3, 'running', 16)]), { stdout: tiger, stderr: [] });
    assert.deepEqual(wrapperListText('tigervnc', SESSIONS).stdout.slice(4).map((l) => l.split('\t')[0]?.trim()), ['1', '3']);
  });

  it("-list as TurboVNC's prints it: :N and the server's pid as the second field, which OOD's cleaner relies on", () => {
    const { stdout, stderr } = wrapperListText('turbovnc', SESSIONS);
    assert.deepEqual(stdout, ['', 'TurboVNC sessions:', '', 'X DISPLAY #\tPROCESS ID\tNOVNC PID\tUDS PATH', ':1\t\t15\t\t', ':3\t\t16\t\t']);
    assert.deepEqual(stderr, []);
    assert.deepEqual(oodCleaner(stdout), [[':1', '15'], [':3', '16']], 'a restarting or failed desktop never offers its cleaner a pid that is not its server');
  });

  it("-sessionlist is TurboVNC's machine-readable line", () => {
    assert.equal(sessionListText(SESSIONS), '2\t5\t:1\t15\t0\t@NONE\t0\t:3\t16\t0\t@NONE\t0');
    assert.equal(sessionListText([]), '0\t5');
  });

  const result = (over: Partial<StartResult> = {}): StartResult => ({ ...listed(1, 'running', 40), host: 'node7', localhost: true, options: sessionOptions(), ...over });

  it("a start as TigerVNC's wrapper announces it, on stdout", () => {
    const text = wrapperStartText('tigervnc', { result: result(), desktop: 'node7:1 (u)', securityTypes: ['VncAuth'], passwordFile: '/h/.vnc/passwd', sessionProgram: null });
    assert.deepEqual(text, { stdout: ['', "New Xtigervnc server 'node7:1 (u)' on port 5901 for display :1.", 'Use xtigervncviewer -SecurityTypes VncAuth -passwd /h/.vnc/passwd :1 to connect to the VNC server.', ''], stderr: [] });
    const open = wrapperStartText('tigervnc', { result: result({ localhost: false, rfbPort: 6001 }), desktop: 'd', securityTypes: ['TLSPlain'], passwordFile: null, sessionProgram: null });
    assert.equal(open.stdout[2], 'Use xtigervncviewer -SecurityTypes TLSPlain node7:6001 to connect to the VNC server.');
    assert.match(wrapperStartText('tigervnc', { result: result({ reused: true }), desktop: 'd', securityTypes: ['VncAuth'], passwordFile: '/p', sessionProgram: null }).stdout[1] ?? '', /^Reusing old VNC server 'd' for display :1\.$/);
  });

  it("a start as TurboVNC's announces it on stderr, with the one Desktop line OOD reads the display from", () => {
    const { stdout, stderr } = wrapperStartText('turbovnc', { result: result(), desktop: 'OOD desktop', securityTypes: ['VncAuth'], passwordFile: '/j/vnc.passwd', sessionProgram: '/h/.vnc/xstartup' });
    assert.deepEqual(stdout, []);
    assert.deepEqual(stderr, ['', "Desktop 'OOD desktop' started on display node7:1", '', 'Starting applications specified in /h/.vnc/xstartup', 'Log file is /h/.vnc/vm:1.log', '']);
    const desktop = stderr.filter((l) => l.startsWith('Desktop'));
    assert.equal(desktop.length, 1);
    assert.equal(desktop[0]?.split(':').at(-1), '1', "awk -F':' '/^Desktop/{print $NF}'");
  });

  it("with -otp, both say the first one-time password on stderr as TurboVNC's vncpasswd -o does", () => {
    const turbo = wrapperStartText('turbovnc', { result: result({ otp: 'abcd2345' }), desktop: 'd', securityTypes: ['VncAuth'], passwordFile: '/p', sessionProgram: null });
    assert.deepEqual(turbo.stderr, ['', "Desktop 'd' started on display node7:1", '', 'Full control one-time password: abcd2345', 'Log file is /h/.vnc/vm:1.log', '']);
    assert.deepEqual(wrapperStartText('tigervnc', { result: result({ otp: 'abcd2345' }), desktop: 'd', securityTypes: ['VncAuth'], passwordFile: '/p', sessionProgram: null }).stderr, ['Full control one-time password: abcd2345']);
  });

  it('-kill in either wrapper\'s words, a server already dead included', () => {
    assert.deepEqual(wrapperKillText('tigervnc', [{ display: 1, pid: 44 }, { display: 2, pid: null }]),
      { stdout: ['Killing Xtigervnc process ID 44... success!', 'Killing Xtigervnc process of :2... which was already dead'], stderr: [] });
    assert.deepEqual(wrapperKillText('turbovnc', [{ display: 1, pid: 44 }, { display: 2, pid: null }]),
      { stdout: [], stderr: ['Killing Xvnc process ID 44', 'Xvnc process of :2 already killed'] });
  });
});
