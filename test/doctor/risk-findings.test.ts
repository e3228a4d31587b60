import test from 'node:test';
import assert from 'node:assert/strict';
import { compressDisplays, ephemeralFix, riskFindings } from '../../src/doctor/risk-findings.js';
import type { ProbeResult, Risk } from '../../src/model/probe-result.js';
import type { EphemeralConfig } from '../../src/risks/port-range.js';

const EPHEMERAL: EphemeralConfig = { range: [1024, 65535], reserved: [] };

function result(display: number, risks: Risk[]): ProbeResult {
  return {
    display, free: true, rfbPort: 5900 + display, x11Port: 6000 + display,
    reasons: [], stale: [], risks, notes: [],
  };
}

function ephemeralRisk(port: number, range: [number, number] = [1024, 65535]): Risk {
  return { kind: 'ephemeral-range', port, role: 'rfb', range, detail: `port ${port} is inside the range` };
}

function sshdRisk(conditional = false): Risk {
  return { kind: 'sshd-x11-forwarding', window: [10, 20], config: '/etc/ssh/sshd_config:33', conditional, detail: 'sshd' };
}

/** The value the fix writes to net.ipv4.ip_local_reserved_ports, as a list of items. */
function reservedValue(fix: string): string[] {
  const match = /net\.ipv4\.ip_local_reserved_ports=(\S+)/.exec(fix);
  assert.ok(match?.[1], `no net.ipv4.ip_local_reserved_ports= in "${fix}"`);
  return match[1].split(',');
}

test('compressDisplays joins runs of consecutive displays', () => {
  assert.equal(compressDisplays([1, 2, 3, 5, 7, 8]), ':1-:3, :5, :7-:8');
  assert.equal(compressDisplays([8, 7, 5, 3, 2, 1]), ':1-:3, :5, :7-:8');
  assert.equal(compressDisplays([4]), ':4');
  assert.equal(compressDisplays([0, 1]), ':0-:1');
  assert.equal(compressDisplays([10, 100]), ':10, :100');
  assert.equal(compressDisplays([]), '');
});

test('the ephemeral fix reserves the VNC ports as one merged range', () => {
  const fix = ephemeralFix(EPHEMERAL);
  assert.ok(fix.includes('net.ipv4.ip_local_reserved_ports='), fix);
  assert.deepEqual(reservedValue(fix), ['5900-6099']);
});

test('the ephemeral fix keeps the existing reservations', () => {
  assert.deepEqual(reservedValue(ephemeralFix({ range: [1024, 65535], reserved: [[8000, 8000]] })), ['5900-6099', '8000']);
  assert.deepEqual(
    reservedValue(ephemeralFix({ range: [1024, 65535], reserved: [[30000, 30010], [5901, 5901], [443, 443]] })),
    ['443', '5900-6099', '30000-30010'],
  );
  assert.deepEqual(reservedValue(ephemeralFix({ range: [1024, 65535], reserved: [[6050, 6200]] })), ['5900-6200']);
});

test('the ephemeral fix also persists the setting', () => {
  const fix = ephemeralFix({ range: [1024, 65535], reserved: [[8000, 8000]] });
  assert.match(fix, /sysctl -w net\.ipv4\.ip_local_reserved_ports=5900-6099,8000/);
  assert.match(fix, /\/etc\/sysctl\.d\/.*\.conf/);
  assert.match(fix, /net\.ipv4\.ip_local_reserved_ports = 5900-6099,8000/);
});

test('no risks, no findings', () => {
  assert.deepEqual(riskFindings([result(1, []), result(2, [])], EPHEMERAL, null), []);
  assert.deepEqual(riskFindings([], EPHEMERAL, null), []);
});

test('ephemeral-range risks of many displays are one warning naming them all', () => {
  const results = [1, 2, 3, 5].map((n) => result(n, [ephemeralRisk(5900 + n, [2000, 60999])]));
  results.push(result(4, []));
  const findings = riskFindings(results, { range: [2000, 60999], reserved: [[8000, 8000]] }, null);
  assert.equal(findings.length, 1);
  const [f] = findings;
  assert.equal(f?.cause, 'ephemeral-range');
  assert.equal(f?.severity, 'warning');
  assert.equal(f?.display, null);
  assert.ok(f?.message.includes(':1-:3, :5'), f?.message);
  assert.ok(f?.message.includes('2000-60999'), f?.message);
  assert.deepEqual(reservedValue(f?.fix ?? ''), ['5900-6099', '8000']);
});

test('a display with both ports in the range is named once', () => {
  const risks = [ephemeralRisk(5901), { ...ephemeralRisk(6001), role: 'x11' } as Risk];
  const [f] = riskFindings([result(1, risks)], EPHEMERAL, 1);
  assert.equal(f?.display, 1);
  assert.ok(f?.message.includes('ports of :1 lie'), f?.message);
});

test('without the ephemeral configuration no ephemeral finding is made', () => {
  assert.deepEqual(riskFindings([result(1, [ephemeralRisk(5901)])], null, null), []);
});

test('sshd forwarding risks are one warning with the window and a new offset', () => {
  const findings = riskFindings([result(10, [sshdRisk()]), result(11, [sshdRisk()]), result(12, [sshdRisk()]), result(9, [])], null, null);
  assert.equal(findings.length, 1);
  const [f] = findings;
  assert.equal(f?.cause, 'sshd-x11-forwarding');
  assert.equal(f?.severity, 'warning');
  for (const part of [':10', '/etc/ssh/sshd_config:33', ':10-:12', 'ssh -X']) {
    assert.ok(f?.message.includes(part), `"${f?.message}" lacks "${part}"`);
  }
  assert.ok(!f?.message.includes('Match'), f?.message);
  assert.ok(f?.fix.includes(':10-:19'), f?.fix);
  assert.ok(f?.fix.includes('X11DisplayOffset 100'), f?.fix);
});

test('forwarding in a Match block says so', () => {
  const [f] = riskFindings([result(10, [sshdRisk(true)])], null, 10);
  assert.equal(f?.display, 10);
  assert.ok(f?.message.includes('Match block'), f?.message);
});

test('port overlaps are one warning per display', () => {
  const overlap = (n: number): Risk => ({
    kind: 'port-overlap', port: 5900 + n, otherDisplay: n - 100, detail: `RFB port ${5900 + n} is also the X11 TCP port of display :${n - 100}`,
  });
  const findings = riskFindings([result(100, [overlap(100)]), result(101, [overlap(101)])], null, null);
  assert.deepEqual(findings.map((f) => [f.cause, f.severity, f.display]), [
    ['port-overlap', 'warning', 100],
    ['port-overlap', 'warning', 101],
  ]);
  assert.ok(findings[0]?.message.includes('6000'), findings[0]?.message);
  assert.ok(findings[0]?.fix.includes('--rfbport'), findings[0]?.fix);
});

test('reserved displays are info findings', () => {
  const reserved: Risk = { kind: 'reserved', source: 'reserved-displays', detail: "display :3 is reserved in tsvnc's configuration (reserved-displays)" };
  const findings = riskFindings([result(3, [reserved])], null, 3);
  assert.deepEqual(findings.map((f) => [f.cause, f.severity, f.display]), [['reserved', 'info', 3]]);
  assert.ok(findings[0]?.message.includes(':3'), findings[0]?.message);
});

test('findings come in a fixed order: ephemeral, sshd, overlap, reserved', () => {
  const reserved: Risk = { kind: 'reserved', source: 'reserved-ports', detail: 'port 6010 is reserved' };
  const overlap: Risk = { kind: 'port-overlap', port: 6010, otherDisplay: 10, detail: 'overlap' };
  const results = [result(110, [reserved, overlap, sshdRisk(), ephemeralRisk(6010)])];
  assert.deepEqual(riskFindings(results, EPHEMERAL, null).map((f) => f.cause), [
    'ephemeral-range', 'sshd-x11-forwarding', 'port-overlap', 'reserved',
  ]);
});
