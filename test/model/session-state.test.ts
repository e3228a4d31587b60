import test from 'node:test';
import assert from 'node:assert/strict';
import { SESSION_STATES, isAlive } from '../../src/model/session-state.js';
import { claimConflict } from '../../src/system/display-owner.js';
import { blankRecord, summarize } from '../../src/model/session-record.js';

test('every session state is listed once, and the ones that hold a display are alive', () => {
  assert.deepEqual([...SESSION_STATES].sort(), ['failed', 'restarting', 'running', 'starting', 'stopped']);
  assert.deepEqual(SESSION_STATES.filter(isAlive), ['starting', 'running', 'restarting']);
});

test("the system daemon checks a user's claim on a display exactly for the alive states", () => {
  const free = { kind: 'free' } as const;
  for (const state of SESSION_STATES) {
    const session = summarize(blankRecord(5, state, null), Date.now());
    const conflict = claimConflict(session, 1000, free, String);
    assert.equal(conflict !== null, isAlive(state), state);
  }
});
