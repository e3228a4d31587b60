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
  const got = otps.reserve((p) => (tried.push(p), p === b));
  assert.ok(got);
  assert.deepEqual(tried, [a, b, c], 'all were compared, not only up to the match');
  assert.equal(otps.reserve((p) => p === b), null, 'reserved: no one else can use it meanwhile');
  assert.equal(otps.reserve((p) => p === b), null, 'used up');
  assert.equal(otps.size, 2);
  assert.ok(otps.reserve((p) => p === a));
  assert.equal(otps.reserve((p) => p === 'nope'), null);
  assert.equal(otps.size, 1);
});

test('one put back, because tsvnc could not let the viewer in, is good again', () => {
  const otps = new OneTimePasswords();
  const a = otps.issue();
  otps.reserve((p) => p === a)?.putBack();
  assert.ok(otps.reserve((p) => p === a));
});

test('at most 16 wait: the oldest goes first', () => {
  const otps = new OneTimePasswords();
  const first = otps.issue();
  for (let i = 0; i < 16; i++) otps.issue();
  assert.equal(otps.size, 16);
  assert.equal(otps.reserve((p) => p === first), null);
});
