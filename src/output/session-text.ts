import type { ListedSession, StartResult, StatusResult, WebInfo, WebResult } from '../daemon/protocol.js';
import { exitText } from '../session/failure-summary.js';

/** Viewers take host:N for port 5900+N and host::PORT for any other port. */
export function viewerAddress(host: string, r: Pick<StartResult, 'display' | 'rfbPort'>): string {
  return r.rfbPort === 5900 + r.display ? `${host}:${r.display}` : `${host}::${r.rfbPort}`;
}

export function startText(r: StartResult): string[] {
  const address = (host: string) => viewerAddress(host, r);
  const lines = [`${r.reused ? 'Reusing desktop' : 'New desktop'} ${r.host}:${r.display} (server pid ${r.pid}, VNC port ${r.rfbPort}), log ${r.log}`];
  if (r.localhost) {
    lines.push(`Connect a VNC viewer on this machine to ${address('localhost')}; from elsewhere tunnel first: ssh -L ${r.rfbPort}:localhost:${r.rfbPort} ${r.host}`);
  } else {
    lines.push(`Connect a VNC viewer to ${address(r.host)}`);
  }
  return [...lines, ...otpLines(r), ...webLines(r.web, r.localhost, r.host)];
}

/** As TurboVNC's vncserver -otp prints it; tsvnc otp :N gives more. */
function otpLines(r: StartResult): string[] {
  return r.otp === undefined ? [] : [`Full control one-time password: ${r.otp}${r.options.otp?.only ? ' (one-time passwords only)' : ''}`];
}

/** One desktop of `start --count`: its line, then what opens it that only the start can say (its first one-time password, its URL). */
export function startBrief(r: StartResult): string[] {
  const [first = ''] = startText(r);
  return [first, ...[...otpLines(r), ...(r.web ? [`Open in a browser: ${r.web.url}`] : [])].map((line) => `  ${line}`)];
}

function otpNote(otp: StatusResult['options']['otp']): string {
  if (otp === undefined) return '';
  return otp.only ? ', one-time passwords only (tsvnc otp)' : ', one-time passwords too (tsvnc otp)';
}

export function duration(seconds: number | null): string {
  if (seconds === null) return '-';
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (d > 0) return `${d}d${h}h`;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  return m > 0 ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`;
}

export function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd());
}

/** Root's `list --all` adds whose each session is, and a claim the kernel does not back. */
export function listText(sessions: readonly ListedSession[]): string[] {
  if (sessions.length === 0) return ['no sessions (tsvnc start starts one)'];
  const users = sessions.some((s) => s.user !== undefined);
  return table([
    [...(users ? ['USER'] : []), 'DISPLAY', 'STATE', 'PID', 'PORT', 'UPTIME', 'RESTARTS', 'NOTE'],
    ...sessions.map((s) => [
      ...(users ? [s.user ?? '-'] : []),
      `:${s.display}`, s.state, s.pid === null ? '-' : String(s.pid), String(s.rfbPort), duration(s.uptimeSeconds), String(s.restarts), s.conflict ? `CONFLICT, ${s.user ?? 'its'} daemon's claim only: ${s.conflict}` : s.reason ?? '',
    ]),
  ]);
}

/** The browser's way in: the URL (its token is the secret), and the certificate's fingerprint to compare with what the browser shows. */
function webLines(web: WebInfo | undefined, localhost: boolean, host: string): string[] {
  if (web === undefined) return [];
  const tunnel = localhost ? `; from elsewhere tunnel first: ssh -L ${web.port}:localhost:${web.port} ${host}` : '';
  return [`Open in a browser: ${web.url}${tunnel}`, `  certificate SHA-256 ${web.fingerprint}`];
}

export function webText(r: WebResult, host: string): string[] {
  return r.web === null ? [`:${r.display} is not served to browsers`] : webLines(r.web, r.web.url.startsWith('https://localhost:'), host);
}

export function statusText(s: StatusResult): string[] {
  const lines = [
    `:${s.display} on ${s.host}: ${s.state}${s.reason ? ` (${s.reason})` : ''}`,
    `  server pid  ${s.pid ?? '-'}`,
    `  session pid ${s.programPid ?? '-'} (${s.options.xstartup ?? 'no session program'})`,
    `  VNC port    ${s.rfbPort}${s.options.localhost ? ' on localhost' : ' on all addresses'}, security ${s.options.securityTypes.join(',')}${otpNote(s.options.otp)}`,
    `  screen      ${s.options.geometry} depth ${s.options.depth}, "${s.options.desktop}"`,
    `  started     ${s.startedAt}, up ${duration(s.uptimeSeconds)}, restarts ${s.restarts}`,
    `  restart     ${s.options.restart.mode}, crash loop at ${s.options.restart.limit} failures within ${s.options.restart.windowSeconds} s`,
    `  last exit   ${s.lastExit ? `${exitText(s.lastExit)} at ${s.lastExit.at}` : '-'}`,
    `  log         ${s.log}`,
  ];
  if (s.web) lines.push(`  web         ${s.web.url}`, `  certificate SHA-256 ${s.web.fingerprint}`);
  for (const why of s.notServed ?? []) lines.push(`  NOT SERVED  ${why} (tried again every 2 s)`);
  if (s.lastLog.length > 0) lines.push('  last log lines:', ...s.lastLog.map((l) => `    ${l}`));
  return lines;
}
