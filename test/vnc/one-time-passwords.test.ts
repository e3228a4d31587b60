import test from 'node:test';
import assert from 'node:assert/strict';
import { OneTimePasswords } from '../../src/vnc/one-time-passwords.js';

test('a one-time password is 8 unambiguous characters, new each time', () => {
  const otps = new OneTimePasswords();
  const issued = new Set(Array.from({ length: 10 }, () => otps.issue()));
  assert.equal(issued.size, 10);
  for (const password of issued) assert.match(password, /^[2-9a-km-zA-HJ-NP-Z]{8}$/);
});

test('each is taken once; the rest keep waiting; every one is tried', () => {
  const otps = new OneTimePasswords();
  const [a, b, c] = [otps.issue(), otps.issue(), otps.issue()];
  const tried: string[] = [];
  assert.equal(otps.take((p) => (tried.push(p), p === b)), true);
  assert.deepEqual(tried, [a, b, c], 'all were compared, not only up to the match');
  assert.equal(otps.take((p) => p === b), false, 'used up');
  assert.equal(otps.size, 2);
  assert.equal(otps.take((p) => p === a), true);
  assert.equal(otps.take((p) => p === 'nope'), false);
  assert.equal(otps.size, 1);
});

test('at most 16 wait: the oldest goes first', () => {
  const otps = new OneTimePasswords();
  const first = otps.issue();
  for (let i = 0; i < 16; i++) otps.issue();
  assert.equal(otps.size, 16);
  assert.equal(otps.take((p) => p === first), false);
});
