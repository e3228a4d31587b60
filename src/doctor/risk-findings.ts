import type { ProbeResult, Risk } from '../model/probe-result.js';
import type { EphemeralConfig } from '../risks/port-range.js';
import { reservedPortsWith } from '../risks/port-range.js';
import type { Finding } from './finding.js';

/** Reserving :0-:99's RFB and X11 ports keeps the range intact and covers vncserver's own check too. */
const VNC_PORTS: Array<[number, number]> = [[5900, 5999], [6000, 6099]];

export function compressDisplays(displays: readonly number[]): string {
  const parts: string[] = [];
  const sorted = [...displays].sort((a, b) => a - b);
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] ?? 0) + 1) j++;
    parts.push(i === j ? `:${sorted[i]}` : `:${sorted[i]}-:${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}

export function ephemeralFix(ephemeral: EphemeralConfig): string {
  const value = reservedPortsWith(ephemeral.reserved, VNC_PORTS);
  return `sysctl -w net.ipv4.ip_local_reserved_ports=${value} && echo 'net.ipv4.ip_local_reserved_ports = ${value}' > /etc/sysctl.d/60-tsvnc.conf`;
}

function withKind<K extends Risk['kind']>(results: readonly ProbeResult[], kind: K) {
  return results.flatMap((r) => r.risks.filter((risk): risk is Extract<Risk, { kind: K }> => risk.kind === kind).map((risk) => ({ display: r.display, risk })));
}

/**
 * Risks are facts about the machine, not one display, so they are stated
 * once for all the displays they touch. `single` is the display asked about.
 */
export function riskFindings(results: readonly ProbeResult[], ephemeral: EphemeralConfig | null, single: number | null): Finding[] {
  const findings: Finding[] = [];
  const ephemeralHits = withKind(results, 'ephemeral-range');
  const first = ephemeralHits[0];
  if (first && ephemeral) {
    const displays = [...new Set(ephemeralHits.map((h) => h.display))];
    findings.push({
      display: single, cause: 'ephemeral-range', severity: 'warning',
      message: `the ports of ${compressDisplays(displays)} lie inside net.ipv4.ip_local_port_range ${first.risk.range[0]}-${first.risk.range[1]}: any outgoing connection may take one as its local port, and the VNC server then fails with "Address already in use" (vncserver: "A VNC server is already running"); reserving them keeps ip_local_port_range as it is`,
      fix: ephemeralFix(ephemeral),
    });
  }
  const sshd = withKind(results, 'sshd-x11-forwarding')[0];
  if (sshd) {
    const [low, high] = sshd.risk.window;
    findings.push({
      display: single, cause: 'sshd-x11-forwarding', severity: 'warning',
      message: `sshd X11 forwarding${sshd.risk.conditional ? ' (enabled in a Match block)' : ''} hands out displays from :${low} (X11DisplayOffset, ${sshd.risk.config}), so ${compressDisplays(withKind(results, 'sshd-x11-forwarding').map((h) => h.display))} may be taken whenever someone logs in with ssh -X`,
      fix: `avoid :${low}-:${high - 1}, or set "X11DisplayOffset ${Math.max(100, high)}" in sshd_config and run "systemctl reload ssh"`,
    });
  }
  for (const { display, risk } of withKind(results, 'port-overlap')) {
    findings.push({
      display, cause: 'port-overlap', severity: 'warning', message: `:${display}: ${risk.detail}`,
      fix: `use a display below :100, or give :${display} another port with --rfbport`,
    });
  }
  for (const { display, risk } of withKind(results, 'reserved')) {
    findings.push({ display, cause: 'reserved', severity: 'info', message: `:${display}: ${risk.detail}`, fix: 'tsvnc will not choose it when it picks a display; edit tsvnc.conf to change that' });
  }
  return findings;
}
