import test from 'node:test';
import assert from 'node:assert/strict';
import { Blacklist } from '../../src/vnc/blacklist.js';

function clocked(options: { threshold?: number; timeoutMs?: number; capacity?: number } = {}) {
  let now = 1_000_000;
  const list = new Blacklist({ ...options, now: () => now });
  return { list, advance: (ms: number) => (now += ms) };
}

test('an address is refused after 5 failures in a row, for 10 s, as Xtigervnc does', () => {
  const { list, advance } = clocked();
  for (let i = 0; i < 4; i++) list.failed('10.0.0.1');
  assert.equal(list.blockedFor('10.0.0.1'), 0, 'four failures are not enough');
  list.failed('10.0.0.1');
  assert.equal(list.blockedFor('10.0.0.1'), 10_000);
  assert.equal(list.blockedFor('10.0.0.2'), 0, 'another address is not refused');
  advance(9_999);
  assert.equal(list.blockedFor('10.0.0.1'), 1);
  advance(1);
  assert.equal(list.blockedFor('10.0.0.1'), 0, 'then it may try again');
});

test('each failure after the block doubles the time; a success forgets the address', () => {
  const { list, advance } = clocked();
  for (let i = 0; i < 5; i++) list.failed('a');
  advance(10_000);
  list.failed('a');
  assert.equal(list.blockedFor('a'), 20_000);
  advance(20_000);
  list.failed('a');
  assert.equal(list.blockedFor('a'), 40_000);
  list.succeeded('a');
  assert.equal(list.blockedFor('a'), 0);
  for (let i = 0; i < 4; i++) list.failed('a');
  assert.equal(list.blockedFor('a'), 0, 'counting starts again from nothing');
});

test('it remembers at most `capacity` addresses, forgetting the one that failed longest ago', () => {
  const { list } = clocked({ threshold: 1, capacity: 2 });
  list.failed('old');
  list.failed('mid');
  list.failed('old');
  list.failed('new');
  assert.equal(list.blockedFor('mid'), 0, 'the least recent failure went');
  assert.ok(list.blockedFor('old') > 0);
  assert.ok(list.blockedFor('new') > 0);
});
