import type { ProbeResult, Reason, TcpHolder } from '../model/probe-result.js';

function holderText(h: TcpHolder): string {
  const owner = h.pid === null ? 'no process' : `${h.command ?? '?'} (pid ${h.pid})`;
  const expiry = h.state === 'TIME_WAIT' && h.expiresInSeconds !== undefined ? `, ${h.expiresInSeconds} s left` : '';
  const remote = h.state === 'LISTEN' ? '' : ` -> ${h.remote}`;
  return `${owner} ${h.state} ${h.local}${remote}${expiry}`;
}

function reasonLines(reason: Reason): string[] {
  const tag = reason.blocking ? '' : ' (does not block tsvnc)';
  if (reason.kind === 'lock') return [`  lock: ${reason.detail}`];
  if (reason.kind === 'tcp') {
    return [
      `  tcp ${reason.port} (${reason.role}) on ${reason.address}: ${reason.error}${tag}`,
      ...reason.holders.map((h) => `      ${holderText(h)}`),
    ];
  }
  return [
    `  ${reason.kind}: ${reason.detail}${tag}`,
    ...reason.holders.map((h) => `      ${h.command} (pid ${h.pid})`),
  ];
}

export function probeText(result: ProbeResult): string[] {
  const ports = `RFB ${result.rfbPort}, X11 ${result.x11Port}`;
  const lines = [`:${result.display} is ${result.free ? 'free' : 'taken'} (${ports})`];
  lines.push(...result.reasons.flatMap(reasonLines));
  if (result.stale.length > 0) {
    lines.push('stale leftovers (they do not block):');
    lines.push(...result.stale.map((s) => `  ${s.path}: ${s.why}${s.removable ? ' (tsvnc doctor --fix removes it)' : ''}`));
  }
  if (result.risks.length > 0) {
    lines.push('risks:');
    lines.push(...result.risks.map((r) => `  ${r.kind}: ${r.detail}`));
  }
  return lines;
}
