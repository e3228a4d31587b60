import type { Config } from '../config/schema.js';
import type { PortRole, Risk } from '../model/probe-result.js';
import { MAX_DISPLAY } from '../display/display-number.js';
import { isEphemeral, type EphemeralConfig, type PortRange } from './port-range.js';
import { sshdWindow, type SshdX11 } from './sshd-config.js';

export interface RiskInputs {
  ephemeral: EphemeralConfig | null;
  sshd: SshdX11;
  config: Config;
}

export interface DisplayPorts {
  display: number;
  rfb: number;
  x11: number;
  listenTcp: boolean;
}

function inRanges(value: number, ranges: readonly PortRange[]): boolean {
  return ranges.some(([low, high]) => value >= low && value <= high);
}

function boundPorts(ports: DisplayPorts): Array<[number, PortRole]> {
  return ports.listenTcp ? [[ports.rfb, 'rfb'], [ports.x11, 'x11']] : [[ports.rfb, 'rfb']];
}

/** Why a display that is free right now is still a bad choice. Pure: the inputs are read once per run. */
export function displayRisks(ports: DisplayPorts, inputs: RiskInputs): Risk[] {
  const risks: Risk[] = [];
  const { ephemeral, sshd, config } = inputs;
  for (const [port, role] of boundPorts(ports)) {
    if (ephemeral && isEphemeral(port, ephemeral.range, ephemeral.reserved)) {
      const [low, high] = ephemeral.range;
      risks.push({
        kind: 'ephemeral-range', port, role, range: [low, high],
        detail: `port ${port} is inside net.ipv4.ip_local_port_range ${low}-${high} and not in net.ipv4.ip_local_reserved_ports: any outgoing connection may take it`,
      });
    }
  }
  const window = sshdWindow(sshd, config.sshdWindow);
  if (window && ports.display >= window[0] && ports.display < window[1]) {
    const conditional = sshd.forwarding === 'conditional';
    risks.push({
      kind: 'sshd-x11-forwarding', window, config: sshd.source, conditional,
      detail: `sshd X11 forwarding${conditional ? ' (enabled in a Match block)' : ''} hands out displays :${window[0]}-:${window[1] - 1} (X11DisplayOffset ${sshd.offset}, ${sshd.source})`,
    });
  }
  const overlapped = ports.rfb - 6000;
  if (overlapped >= 0 && overlapped <= MAX_DISPLAY) {
    risks.push({
      kind: 'port-overlap', port: ports.rfb, otherDisplay: overlapped,
      detail: `RFB port ${ports.rfb} is also the X11 TCP port of display :${overlapped}`,
    });
  }
  if (inRanges(ports.display, config.reservedDisplays)) {
    risks.push({ kind: 'reserved', source: 'reserved-displays', detail: `display :${ports.display} is reserved in tsvnc's configuration (reserved-displays)` });
  }
  for (const [port] of boundPorts(ports)) {
    if (inRanges(port, config.reservedPorts)) {
      risks.push({ kind: 'reserved', source: 'reserved-ports', detail: `port ${port} is reserved in tsvnc's configuration (reserved-ports)` });
    }
  }
  return risks;
}
