import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  formatRanges,
  isEphemeral,
  mergeRanges,
  parseLocalPortRange,
  parseReservedPorts,
  readEphemeralConfig,
  reservedPortsWith,
  type PortRange,
} from '../../src/risks/port-range.js';
import { TsvncError } from '../../src/errors.js';

test('parseLocalPortRange reads tabs, spaces and a trailing newline', () => {
  assert.deepEqual(parseLocalPortRange('32768\t60999\n'), [32768, 60999]);
  assert.deepEqual(parseLocalPortRange('  1024   65535  '), [1024, 65535]);
  assert.deepEqual(parseLocalPortRange('5000 5000'), [5000, 5000]);
});

test('parseLocalPortRange throws on garbage', () => {
  for (const text of ['', '\n', '32768', '32768 60999 1', 'a b', '32768-60999', '1 70000', '60999 32768', '-1 5']) {
    assert.throws(() => parseLocalPortRange(text), Error, JSON.stringify(text));
  }
});

test('parseReservedPorts reads ports and ranges', () => {
  assert.deepEqual(parseReservedPorts('5901,6000-6099\n'), [
    [5901, 5901],
    [6000, 6099],
  ]);
  assert.deepEqual(parseReservedPorts('443'), [[443, 443]]);
});

test('parseReservedPorts treats empty or blank content as nothing reserved', () => {
  assert.deepEqual(parseReservedPorts(''), []);
  assert.deepEqual(parseReservedPorts('\n'), []);
  assert.deepEqual(parseReservedPorts(' \t\n'), []);
});

test('parseReservedPorts throws on garbage', () => {
  for (const text of ['x', '5900-', '1-2-3', '5900,,5901', '6000-5900', '99999']) {
    assert.throws(() => parseReservedPorts(text), Error, JSON.stringify(text));
  }
});

test('isEphemeral includes both ends of the range', () => {
  const range: PortRange = [32768, 60999];
  assert.equal(isEphemeral(32767, range, []), false);
  assert.equal(isEphemeral(32768, range, []), true);
  assert.equal(isEphemeral(45000, range, []), true);
  assert.equal(isEphemeral(60999, range, []), true);
  assert.equal(isEphemeral(61000, range, []), false);
});

test('isEphemeral excludes reserved ports, ends inclusive', () => {
  const range: PortRange = [1024, 65535];
  const reserved: PortRange[] = [
    [5900, 5999],
    [6010, 6010],
  ];
  assert.equal(isEphemeral(5899, range, reserved), true);
  assert.equal(isEphemeral(5900, range, reserved), false);
  assert.equal(isEphemeral(5999, range, reserved), false);
  assert.equal(isEphemeral(6000, range, reserved), true);
  assert.equal(isEphemeral(6010, range, reserved), false);
  assert.equal(isEphemeral(6011, range, reserved), true);
});

test('mergeRanges sorts and merges overlapping and adjacent ranges', () => {
  assert.deepEqual(
    mergeRanges([
      [6000, 6099],
      [5900, 5999],
    ]),
    [[5900, 6099]],
  );
  assert.deepEqual(
    mergeRanges([
      [7000, 7000],
      [5900, 5950],
      [5940, 5960],
      [5962, 5970],
    ]),
    [
      [5900, 5960],
      [5962, 5970],
      [7000, 7000],
    ],
  );
  assert.deepEqual(
    mergeRanges([
      [5900, 6100],
      [5950, 5960],
    ]),
    [[5900, 6100]],
  );
  assert.deepEqual(mergeRanges([]), []);
});

test('mergeRanges does not modify its input', () => {
  const input: PortRange[] = [
    [5900, 5999],
    [6000, 6099],
  ];
  mergeRanges(input);
  assert.deepEqual(input, [
    [5900, 5999],
    [6000, 6099],
  ]);
});

test('formatRanges writes the sysctl syntax', () => {
  assert.equal(
    formatRanges([
      [5900, 5999],
      [6001, 6001],
    ]),
    '5900-5999,6001',
  );
  assert.equal(formatRanges([]), '');
});

test('adjacent ranges format as one', () => {
  assert.equal(
    formatRanges(
      mergeRanges([
        [5900, 5999],
        [6000, 6099],
      ]),
    ),
    '5900-6099',
  );
});

test('reservedPortsWith keeps the existing reservations', () => {
  const existing = parseReservedPorts('443,8080-8090\n');
  assert.equal(reservedPortsWith(existing, [[5901, 5901]]), '443,5901,8080-8090');
  assert.equal(reservedPortsWith(existing, [[8085, 8100]]), '443,8080-8100');
  assert.equal(reservedPortsWith([], [[5900, 5999]]), '5900-5999');
  assert.equal(reservedPortsWith(existing, []), '443,8080-8090');
});

test('the output of reservedPortsWith parses back to the same reservations', () => {
  const value = reservedPortsWith([[100, 100]], [
    [5900, 5999],
    [6000, 6099],
  ]);
  assert.deepEqual(parseReservedPorts(value), [
    [100, 100],
    [5900, 6099],
  ]);
});

test('readEphemeralConfig returns a sane range from this machine', async () => {
  const { range, reserved } = await readEphemeralConfig();
  assert.ok(Number.isInteger(range[0]) && range[0] >= 1 && range[0] <= range[1] && range[1] <= 65535);
  for (const [first, last] of reserved) assert.ok(first <= last && last <= 65535);
});

test('readEphemeralConfig treats a missing reserved-ports file as nothing reserved', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tsvnc-ports-'));
  try {
    await writeFile(join(dir, 'ip_local_port_range'), '40000\t50000\n');
    assert.deepEqual(await readEphemeralConfig(dir), { range: [40000, 50000], reserved: [] });
    await writeFile(join(dir, 'ip_local_reserved_ports'), '5901,6000-6099\n');
    assert.deepEqual(await readEphemeralConfig(dir), {
      range: [40000, 50000],
      reserved: [
        [5901, 5901],
        [6000, 6099],
      ],
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('readEphemeralConfig reports a missing /proc as PROC_UNAVAILABLE', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tsvnc-ports-'));
  try {
    await assert.rejects(
      readEphemeralConfig(dir),
      (error: unknown) => error instanceof TsvncError && error.code === 'PROC_UNAVAILABLE',
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
