import test from 'node:test';
import assert from 'node:assert/strict';
import { LOCK_FILE_SIZE, formatLock, parseLock } from '../../src/lock/x-lock-format.js';

test('formatLock writes printf("%10d\\n", pid)', () => {
  assert.equal(formatLock(1234), '      1234\n');
  assert.equal(formatLock(1), '         1\n');
  assert.equal(formatLock(4194304), '   4194304\n');
});

test('formatLock output is always 11 bytes', () => {
  for (const pid of [1, 99, 12345, 4194304]) {
    assert.equal(Buffer.byteLength(formatLock(pid)), 11, String(pid));
  }
  assert.equal(LOCK_FILE_SIZE, 11);
});

test('parseLock reads what formatLock writes', () => {
  for (const pid of [1, 1234, 65536, 4194304]) {
    assert.equal(parseLock(formatLock(pid)), pid);
  }
});

test('parseLock tolerates whitespace and an unpadded pid', () => {
  assert.equal(parseLock('1234'), 1234);
  assert.equal(parseLock('1234\n'), 1234);
  assert.equal(parseLock('  1234  '), 1234);
  assert.equal(parseLock('\t1234\r\n'), 1234);
});

test('parseLock returns null for anything the X server would treat as stale', () => {
  for (const content of ['', '\n', '          \n', 'abc', '0', '         0\n', '-5', '12 34', '12abc', '1.5', '+5']) {
    assert.equal(parseLock(content), null, JSON.stringify(content));
  }
});

test('parseLock rejects pids above the kernel maximum 4194304', () => {
  assert.equal(parseLock('4194305'), null);
  assert.equal(parseLock('9999999999'), null);
  assert.equal(parseLock('99999999999'), null);
});
