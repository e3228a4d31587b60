import test from 'node:test';
import assert from 'node:assert/strict';
import { Blacklist } from '../../src/vnc/blacklist.js';

function clocked(options: { threshold?: number; timeoutMs?: number; capacity?: number } = {}) {
  let now = 1_000_000;
  const list = new Blacklist({ ...options, now: () => now });
  return { list, advance: (ms: number) => (now += ms) };
}

const admits = (list: Blacklist, address: string, n: number) => Array.from({ length: n }, () => list.admit(address));

test("as Xtigervnc's Blacklist.cxx: 4 connections count; the 5th is let through and starts a 10 s block", () => {
  const { list, advance } = clocked();
  assert.deepEqual(admits(list, '10.0.0.1', 5), [true, true, true, true, true]);
  assert.equal(list.admit('10.0.0.1'), false, 'the 6th within 10 s is refused');
  assert.equal(list.admit('10.0.0.2'), true, 'another address is not');
  advance(9_999);
  assert.equal(list.admit('10.0.0.1'), false);
  advance(1);
  assert.equal(list.admit('10.0.0.1'), true, 'one is let through once the block ends');
  assert.equal(list.admit('10.0.0.1'), false, 'and the next block is twice as long');
  advance(19_999);
  assert.equal(list.admit('10.0.0.1'), false);
  advance(1);
  assert.equal(list.admit('10.0.0.1'), true);
});

test('a burst of parallel connections gets no more tries than one after the other, and doubles the wait once per try let through', () => {
  const { list, advance } = clocked();
  const burst = admits(list, 'a', 200);
  assert.equal(burst.filter(Boolean).length, 5);
  advance(10_000);
  assert.equal(list.admit('a'), true, 'the wait after 200 at once is 10 s, as after 6');
});

test('a login forgets the address', () => {
  const { list } = clocked();
  admits(list, 'a', 5);
  list.succeeded('a');
  assert.deepEqual(admits(list, 'a', 5), [true, true, true, true, true]);
});

test('it remembers at most `capacity` addresses, forgetting the one seen longest ago', () => {
  const { list } = clocked({ threshold: 2, capacity: 2 });
  list.admit('old');
  list.admit('mid');
  list.admit('new');
  assert.equal(list.admit('old'), true, 'forgotten: counted afresh');
  assert.equal(list.admit('new'), true, 'the threshold reached: one let through');
  assert.equal(list.admit('new'), false);
});
