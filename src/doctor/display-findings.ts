import type { ProbeResult, Reason, TcpReason } from '../model/probe-result.js';
import { isOutgoing } from '../ports/port-holders.js';
import { isPrivilegedPort } from '../ports/bind-test.js';
import { who, type Finding, type NameOf } from './finding.js';
import { isXServer, serverDisplay } from '../display/x-server.js';
import { rfbPort } from '../display/display-number.js';
import { looksLikeTsvncServer } from '../session/start-options.js';

/** The caller's own tsvnc sessions, from its daemon: display to server pid. */
export type OwnSessions = ReadonlyMap<number, number | null>;

const STOP_HINT = (n: number, pid: number) =>
  `if it is a tsvnc session of yours, stop it with "tsvnc kill :${n}"; an abandoned vncserver of yours, with "vncserver -kill :${n}" or "kill ${pid}"; otherwise use another display`;

const ROLE_NAMES = { rfb: 'RFB', x11: 'X11', web: 'web' } as const;

type XServer = { pid: number; command: string; uid: number | null };

/** The X server of this display: one that holds its lock, or a socket of it and was started for it. */
function xServerOf(result: ProbeResult): XServer | null {
  for (const reason of result.reasons.filter((r) => r.blocking)) {
    if (reason.kind === 'lock' && reason.pid !== null && isXServer(reason.command)) {
      return { pid: reason.pid, command: reason.command ?? '', uid: reason.uid };
    }
    const holders: Array<{ pid: number | null; command: string | null; uid?: number | null }> =
      reason.kind === 'lock' ? [] : reason.holders;
    // The server of another display on one of our ports is that port's problem, not our display's server.
    const x = holders.find((h) => h.pid !== null && isXServer(h.command) && (serverDisplay(h.command ?? '') ?? result.display) === result.display);
    if (x?.pid != null) return { pid: x.pid, command: x.command ?? '', uid: x.uid ?? null };
  }
  return null;
}

function holdsOnly(reason: Reason, x: XServer): boolean {
  if (reason.kind === 'lock') return reason.pid === x.pid;
  // Sockets no process owns (a closed client's TIME_WAIT) do not make another holder.
  const none = reason.holders.every((h) => h.pid === x.pid || h.pid === null);
  // Another user's sockets are hidden from us: where nothing else is seen, they are their server's.
  return none && (reason.holders.some((h) => h.pid === x.pid) || x.uid !== (process.getuid?.() ?? 0));
}

function tcpFinding(n: number, reason: TcpReason, nameOf: NameOf, ownSessions: OwnSessions, daemon: number | undefined): Finding {
  const where = `port ${reason.port} (${ROLE_NAMES[reason.role]}) on ${reason.address}`;
  const base = { display: n, severity: reason.blocking ? 'error' as const : 'info' as const };
  const x11Note = reason.blocking ? '' : `; it would make vncserver refuse :${n}, but tsvnc's server does not listen for X11 on TCP, so it does not block tsvnc`;
  const listener = reason.holders.find((h) => h.state === 'LISTEN');
  // With one-time passwords the daemon itself listens on the desktop's VNC port.
  if (listener && daemon !== undefined && listener.pid === daemon && reason.role === 'rfb' && ownSessions.has(n)) {
    return { display: n, cause: 'tsvnc-desktop', severity: 'info', message: `${where} is held by your tsvnc daemon (pid ${daemon}), which takes the viewers of :${n} itself (one-time passwords)`, fix: 'nothing to do' };
  }
  const other = listener && isXServer(listener.command) ? serverDisplay(listener.command ?? '') : null;
  if (listener && other !== null && other !== n) {
    const command = listener.command ?? '';
    const its = reason.port === rfbPort(other) || command.includes(` -rfbport ${reason.port} `) || command.endsWith(` -rfbport ${reason.port}`);
    const own = rfbPort(n);
    // Held by a healthy tsvnc desktop (yours, or another user's): why :n cannot be had, but nothing is broken.
    const me = process.getuid?.() ?? 0;
    const desktop = listener.uid === me ? ownSessions.get(other) === listener.pid : listener.uid !== null && looksLikeTsvncServer(command);
    return {
      ...base, cause: reason.blocking ? 'port-listener' : 'x11-port',
      ...(desktop && reason.blocking ? { cause: 'tsvnc-desktop' as const, severity: 'info' as const } : {}),
      message: `${where} is ${its ? `the RFB port of :${other}` : `a port the server of :${other} listens on`}, held by that server: ${who(listener.command, listener.pid, listener.uid, nameOf)}${x11Note}`,
      fix: reason.role === 'rfb' && reason.port !== own
        ? `give :${n} another port with --rfbport, or leave --rfbport out to use ${own}, the port of :${n}`
        : `use another display, or give :${n} another port with --rfbport`,
    };
  }
  if (listener) {
    return {
      ...base, cause: reason.blocking ? 'port-listener' : 'x11-port',
      message: `${where} is taken by a listener: ${who(listener.command, listener.pid, listener.uid, nameOf)} on ${listener.local}${x11Note}`,
      fix: listener.pid === null ? `find the program listening on ${listener.local} and stop it, or use another display` : `stop ${listener.command?.split(' ')[0] ?? 'that program'} (pid ${listener.pid}) or use another display`,
    };
  }
  const active = reason.holders.find((h) => h.state !== 'TIME_WAIT' && isOutgoing(h, reason.holders));
  if (active) {
    return {
      ...base, cause: reason.blocking ? 'port-outgoing' : 'x11-port',
      message: `${where} is the local port of a connection from ${who(active.command, active.pid, active.uid, nameOf)} to ${active.remote} (${active.state}): an outgoing connection was given it as its ephemeral port, or a server that exited left it behind${x11Note}`,
      fix: `it is freed when that connection closes; to stop it recurring, add the VNC ports to net.ipv4.ip_local_reserved_ports (when the range overlaps them, tsvnc doctor prints the exact command)`,
    };
  }
  const waiting = reason.holders.find((h) => h.state === 'TIME_WAIT');
  if (waiting) {
    return {
      ...base, cause: reason.blocking ? 'time-wait' : 'x11-port',
      message: `${where} is held by a TIME_WAIT connection ${waiting.local} -> ${waiting.remote} that an outgoing connection left behind; it blocks the server's bind for about ${Math.ceil(waiting.expiresInSeconds ?? 60)} s more${x11Note}`,
      fix: `wait about ${Math.max(1, Math.ceil(waiting.expiresInSeconds ?? 60))} s, or use another display; add the VNC ports to net.ipv4.ip_local_reserved_ports so it does not recur`,
    };
  }
  if (reason.error === 'EACCES' && isPrivilegedPort(reason.port)) {
    return { ...base, cause: reason.blocking ? 'port-unknown' : 'x11-port', message: `${where} is a privileged port, which only root may listen on${x11Note}`, fix: 'choose a port of 1024 or above' };
  }
  return {
    ...base, cause: reason.blocking ? 'port-unknown' : 'x11-port',
    message: `${where} cannot be bound (${reason.error}) and no socket on it is visible here${x11Note}`,
    fix: 'run "tsvnc doctor" as root to see sockets of other users and network namespaces, or use another display',
  };
}

/**
 * A desktop in use is information, not an error: the caller's own tsvnc
 * session (its daemon lists the server's pid), or another user's, told from
 * the kernel's uid and the command line tsvnc gives its servers. An X
 * server of ours tsvnc does not know, or anything else, may be abandoned.
 */
function serverFinding(n: number, x: XServer, nameOf: NameOf, own: OwnSessions): Finding {
  const holder = who(x.command, x.pid, x.uid, nameOf);
  const me = process.getuid?.() ?? 0;
  // A lock may name any process: only a server started for this display is this display's desktop.
  const forThis = serverDisplay(x.command) === n;
  if (forThis && x.uid === me && own.get(n) === x.pid) {
    return { display: n, cause: 'tsvnc-desktop', severity: 'info', message: `:${n} is your tsvnc desktop: ${holder}`, fix: `nothing to do; tsvnc status :${n} shows it, tsvnc kill :${n} stops it` };
  }
  if (forThis && x.uid !== null && x.uid !== me && looksLikeTsvncServer(x.command)) {
    return { display: n, cause: 'tsvnc-desktop', severity: 'info', message: `:${n} is a tsvnc desktop of user ${nameOf(x.uid) ?? x.uid}: ${holder}`, fix: `it is theirs: use another display` };
  }
  return {
    display: n, cause: 'live-server', severity: 'error',
    message: `:${n} is in use by a running X server: ${holder}${x.uid === me && looksLikeTsvncServer(x.command) ? ', started by tsvnc but not one of your sessions' : ''}`,
    fix: STOP_HINT(serverDisplay(x.command) ?? n, x.pid),
  };
}

/** Whether a finding is a reason the display cannot be had: a start that was refused it names the first. */
export function blocks(finding: Finding): boolean {
  return finding.severity === 'error' || finding.cause === 'tsvnc-desktop';
}

/** What holds display :n, in sentences; stale leftovers and harmless TIME_WAITs as warnings and notes. */
export function displayFindings(result: ProbeResult, nameOf: NameOf, own: OwnSessions = new Map(), daemon?: number): Finding[] {
  const n = result.display;
  const findings: Finding[] = [];
  const x = xServerOf(result);
  if (x) findings.push(serverFinding(n, x, nameOf, own));
  for (const reason of result.reasons) {
    if (x && holdsOnly(reason, x)) continue;
    if (reason.kind === 'tcp') findings.push(tcpFinding(n, reason, nameOf, own, daemon));
    else if (reason.kind === 'lock') {
      findings.push(reason.pid === null
        ? { display: n, cause: 'suspect-file', severity: 'error', message: reason.detail, fix: `as root, inspect and remove ${reason.path}` }
        : {
            display: n, cause: 'lock-held', severity: 'error',
            message: `${reason.path} names pid ${reason.pid}, ${who(reason.command, reason.pid, reason.uid, nameOf)}, which is running, so X servers and vncserver treat :${n} as taken`,
            fix: `if pid ${reason.pid} is not an X server the lock is wrong: its owner (or root) can remove ${reason.path}; otherwise use another display`,
          });
    } else {
      const holder = reason.holders[0];
      findings.push({
        display: n, cause: reason.kind, severity: 'error',
        message: `${reason.detail}${holder ? ` (held by ${who(holder.command, holder.pid, holder.uid, nameOf)})` : ''}`,
        fix: holder ? `stop ${holder.command?.split(' ')[0] ?? 'it'} (pid ${holder.pid}) or use another display` : 'use another display',
      });
    }
  }
  for (const stale of result.stale) {
    findings.push({
      display: n, cause: stale.kind === 'lock' ? 'stale-lock' : stale.kind === 'temp-lock' ? 'stale-temp-lock' : 'stale-socket',
      severity: 'warning',
      message: `${stale.path} is stale: ${stale.why}`,
      fix: stale.removable ? `"tsvnc doctor :${n} --fix" removes it` : `its owner (uid ${stale.uid}) or root can remove ${stale.path}`,
    });
  }
  for (const note of result.notes) {
    const waits = note.holders.filter((h) => h.state === 'TIME_WAIT');
    if (waits.length === 0) continue;
    findings.push({
      display: n, cause: 'time-wait', severity: 'info',
      message: `port ${note.port} has ${waits.length} TIME_WAIT connection(s) (${waits[0]?.local} -> ${waits[0]?.remote}) left by an earlier server; they do not block, since the server binds with SO_REUSEADDR, and expire within 60 s`,
      fix: 'nothing to do',
    });
  }
  return findings;
}
