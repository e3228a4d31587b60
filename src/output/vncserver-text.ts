import type { ListedSession, StartResult } from '../daemon/protocol.js';
import type { VncserverFlavour } from '../config/schema.js';

/**
 * What TigerVNC's and TurboVNC's vncserver print, word for word and on the
 * stream each uses, so that scripts written for either parse tsvnc's
 * classic command line unchanged: Open OnDemand reads TurboVNC's `Desktop`
 * line for the display and the pid in the second field of `-list`.
 */
export interface WrapperText {
  stdout: string[];
  stderr: string[];
}

/** Only what has a server: both wrappers list a server's pid, and skip (TurboVNC) or flag (TigerVNC) the dead. */
function live(sessions: readonly ListedSession[]): ListedSession[] {
  return sessions.filter((s) => s.state === 'running' && s.pid !== null).sort((a, b) => a.display - b.display);
}

export function wrapperListText(flavour: VncserverFlavour, sessions: readonly ListedSession[]): WrapperText {
  const rows = live(sessions);
  if (flavour === 'turbovnc') {
    return { stdout: ['', 'TurboVNC sessions:', '', 'X DISPLAY #\tPROCESS ID\tNOVNC PID\tUDS PATH', ...rows.map((s) => `:${s.display}\t\t${s.pid}\t\t`)], stderr: [] };
  }
  const cell = (text: string, width: number) => text.padEnd(width);
  return {
    stdout: ['', 'TigerVNC server sessions:', '', 'X DISPLAY #\tRFB PORT #\tRFB UNIX PATH\tPROCESS ID #\tSERVER',
      ...rows.map((s) => [cell(String(s.display), 10), cell(String(s.rfbPort), 10), cell('', 13), cell(String(s.pid), 12), 'Xtigervnc'].join('\t'))],
    stderr: [],
  };
}

/** TurboVNC's -sessionlist: one machine-readable line (count, fields per session, then per session: display, pid, noVNC pid, socket, limit). */
export function sessionListText(sessions: readonly ListedSession[]): string {
  const rows = live(sessions);
  return `${rows.length}\t5${rows.map((s) => `\t:${s.display}\t${s.pid}\t0\t@NONE\t0`).join('')}`;
}

export interface StartedDesktop {
  result: StartResult;
  desktop: string;
  securityTypes: readonly string[];
  passwordFile: string | null;
  sessionProgram: string | null;
}

export function wrapperStartText(flavour: VncserverFlavour, d: StartedDesktop): WrapperText {
  const { result: r } = d;
  // TurboVNC's -otp runs its vncpasswd -o, which says this on stderr.
  const otp = r.otp === undefined ? [] : [`Full control one-time password: ${r.otp}`];
  if (flavour === 'turbovnc') {
    const program = d.sessionProgram === null ? [] : [`Starting applications specified in ${d.sessionProgram}`];
    return { stdout: [], stderr: ['', `Desktop '${d.desktop}' started on display ${r.host}:${r.display}`, '', ...otp, ...program, `Log file is ${r.log}`, ''] };
  }
  const n = r.rfbPort >= 5900 && r.rfbPort <= 5999 ? r.rfbPort - 5900 : r.rfbPort;
  const viewer = ['xtigervncviewer', '-SecurityTypes', d.securityTypes.join(','), ...(d.passwordFile === null ? [] : ['-passwd', d.passwordFile]), r.localhost ? `:${n}` : `${r.host}:${n}`];
  const news = r.reused ? `Reusing old VNC server '${d.desktop}' for display :${r.display}.` : `New Xtigervnc server '${d.desktop}' on port ${r.rfbPort} for display :${r.display}.`;
  return {
    stdout: ['', news, `Use ${viewer.join(' ')} to connect to the VNC server.`, ''],
    stderr: otp,
  };
}

/** One line per desktop stopped; `running`: whether its server was still alive. */
export function wrapperKillText(flavour: VncserverFlavour, stopped: readonly { display: number; pid: number | null }[]): WrapperText {
  if (flavour === 'turbovnc') {
    return { stdout: [], stderr: stopped.map((s) => (s.pid === null ? `Xvnc process of :${s.display} already killed` : `Killing Xvnc process ID ${s.pid}`)) };
  }
  return { stdout: stopped.map((s) => (s.pid === null ? `Killing Xtigervnc process of :${s.display}... which was already dead` : `Killing Xtigervnc process ID ${s.pid}... success!`)), stderr: [] };
}
