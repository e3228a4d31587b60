import test from 'node:test';
import assert from 'node:assert/strict';
import { displayRisks, type DisplayPorts, type RiskInputs } from '../../src/risks/display-risks.js';
import { DEFAULT_CONFIG, type Config } from '../../src/config/schema.js';
import type { SshdX11 } from '../../src/risks/sshd-config.js';
import type { Risk } from '../../src/model/probe-result.js';

const SSHD_OFF: SshdX11 = { forwarding: 'no', offset: 10, source: '/etc/ssh/sshd_config (default: no)' };
const SSHD_ON: SshdX11 = { forwarding: 'yes', offset: 10, source: '/etc/ssh/sshd_config:12' };

function ports(display: number, listenTcp = false): DisplayPorts {
  return { display, rfb: 5900 + display, x11: 6000 + display, listenTcp };
}

/** No ephemeral range, sshd forwarding off, default config: only what a test adds shows up. */
function inputs(overrides: Partial<RiskInputs> = {}, config: Partial<Config> = {}): RiskInputs {
  return { ephemeral: null, sshd: SSHD_OFF, config: { ...DEFAULT_CONFIG, ...config }, ...overrides };
}

function kinds(risks: Risk[]): string[] {
  return risks.map((r) => r.kind);
}

test('a display with nothing configured has no risks', () => {
  assert.deepEqual(displayRisks(ports(1, true), inputs()), []);
});

test('an RFB port inside the ephemeral range is a risk', () => {
  const risks = displayRisks(ports(1), inputs({ ephemeral: { range: [1024, 65535], reserved: [] } }));
  assert.equal(risks.length, 1);
  const [risk] = risks;
  assert.ok(risk?.kind === 'ephemeral-range');
  assert.equal(risk.port, 5901);
  assert.equal(risk.role, 'rfb');
  assert.deepEqual(risk.range, [1024, 65535]);
  assert.match(risk.detail, /5901/);
  assert.match(risk.detail, /1024-65535/);
});

test('a port outside the ephemeral range is no risk', () => {
  assert.deepEqual(displayRisks(ports(1, true), inputs({ ephemeral: { range: [32768, 60999], reserved: [] } })), []);
});

test('a reserved port is no ephemeral risk', () => {
  const ephemeral = { range: [1024, 65535] as [number, number], reserved: [[5900, 5999] as [number, number]] };
  assert.deepEqual(displayRisks(ports(1), inputs({ ephemeral })), []);
  assert.deepEqual(displayRisks(ports(1), inputs({ ephemeral: { range: [1024, 65535], reserved: [[5901, 5901]] } })), []);
});

test('the X11 port only counts when the server listens on TCP', () => {
  const ephemeral = { range: [6000, 6999] as [number, number], reserved: [] };
  assert.deepEqual(displayRisks(ports(1, false), inputs({ ephemeral })), []);
  const risks = displayRisks(ports(1, true), inputs({ ephemeral }));
  assert.deepEqual(
    risks.map((r) => (r.kind === 'ephemeral-range' ? [r.port, r.role] : r.kind)),
    [[6001, 'x11']],
  );
});

test('both ports in the range give two ephemeral risks', () => {
  const risks = displayRisks(ports(1, true), inputs({ ephemeral: { range: [1024, 65535], reserved: [] } }));
  assert.deepEqual(
    risks.map((r) => (r.kind === 'ephemeral-range' ? r.port : null)),
    [5901, 6001],
  );
});

test('sshd X11 forwarding covers offset to offset+window-1', () => {
  const withSshd = inputs({ sshd: SSHD_ON }, { sshdWindow: 10 });
  for (const display of [10, 15, 19]) {
    const risks = displayRisks(ports(display), withSshd);
    assert.deepEqual(kinds(risks), ['sshd-x11-forwarding'], `:${display}`);
    const [risk] = risks;
    assert.ok(risk?.kind === 'sshd-x11-forwarding');
    assert.deepEqual(risk.window, [10, 20]);
    assert.equal(risk.config, SSHD_ON.source);
    assert.equal(risk.conditional, false);
    assert.match(risk.detail, /:10-:19/);
  }
  for (const display of [9, 20]) {
    assert.deepEqual(displayRisks(ports(display), withSshd), [], `:${display}`);
  }
});

test('sshd-window and X11DisplayOffset move the window', () => {
  const sshd: SshdX11 = { forwarding: 'yes', offset: 50, source: '/etc/ssh/sshd_config:3' };
  const withSshd = inputs({ sshd }, { sshdWindow: 3 });
  assert.deepEqual(kinds(displayRisks(ports(52), withSshd)), ['sshd-x11-forwarding']);
  assert.deepEqual(displayRisks(ports(53), withSshd), []);
  assert.deepEqual(displayRisks(ports(10), withSshd), []);
});

test('forwarding off in sshd is no risk', () => {
  assert.deepEqual(displayRisks(ports(10), inputs({ sshd: SSHD_OFF })), []);
});

test('forwarding enabled in a Match block is flagged conditional', () => {
  const sshd: SshdX11 = { forwarding: 'conditional', offset: 10, source: '/etc/ssh/sshd_config:40' };
  const [risk, ...rest] = displayRisks(ports(10), inputs({ sshd }));
  assert.deepEqual(rest, []);
  assert.ok(risk?.kind === 'sshd-x11-forwarding');
  assert.equal(risk.conditional, true);
  assert.match(risk.detail, /Match/);
});

test('an RFB port that is another display\'s X11 port overlaps', () => {
  const [risk, ...rest] = displayRisks(ports(100), inputs());
  assert.deepEqual(rest, []);
  assert.ok(risk?.kind === 'port-overlap');
  assert.equal(risk.port, 6000);
  assert.equal(risk.otherDisplay, 0);
  assert.match(risk.detail, /:0\b/);
  assert.deepEqual(displayRisks(ports(99), inputs()), []);
  const custom = displayRisks({ display: 1, rfb: 6005, x11: 6001, listenTcp: false }, inputs());
  assert.deepEqual(custom.map((r) => (r.kind === 'port-overlap' ? r.otherDisplay : r.kind)), [5]);
});

test('reserved-displays from the configuration', () => {
  const config = { reservedDisplays: [[3, 5]] as Array<[number, number]> };
  for (const display of [3, 4, 5]) {
    const risks = displayRisks(ports(display), inputs({}, config));
    assert.deepEqual(risks.map((r) => (r.kind === 'reserved' ? r.source : r.kind)), ['reserved-displays'], `:${display}`);
    assert.match(risks[0]?.detail ?? '', new RegExp(`:${display}\\b`));
  }
  assert.deepEqual(displayRisks(ports(2), inputs({}, config)), []);
  assert.deepEqual(displayRisks(ports(6), inputs({}, config)), []);
});

test('reserved-ports from the configuration, X11 only with TCP listening', () => {
  const rfbReserved = { reservedPorts: [[5901, 5901]] as Array<[number, number]> };
  const risks = displayRisks(ports(1), inputs({}, rfbReserved));
  assert.deepEqual(risks.map((r) => (r.kind === 'reserved' ? r.source : r.kind)), ['reserved-ports']);
  assert.match(risks[0]?.detail ?? '', /5901/);
  assert.deepEqual(displayRisks(ports(2), inputs({}, rfbReserved)), []);

  const x11Reserved = { reservedPorts: [[6001, 6001]] as Array<[number, number]> };
  assert.deepEqual(displayRisks(ports(1, false), inputs({}, x11Reserved)), []);
  assert.deepEqual(
    displayRisks(ports(1, true), inputs({}, x11Reserved)).map((r) => (r.kind === 'reserved' ? r.source : r.kind)),
    ['reserved-ports'],
  );
});
