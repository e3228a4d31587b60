import test from 'node:test';
import assert from 'node:assert/strict';
import { SESSION_STATES, isAlive } from '../../src/model/session-state.js';
import { claimConflict } from '../../src/system/display-owner.js';
import { summarize } from '../../src/model/session-record.js';
import { SAVED_FILES, savedRecord } from './saved-records.js';

test('every session state is listed once, and the ones that hold a display are alive', () => {
  assert.deepEqual([...SESSION_STATES].sort(), ['failed', 'restarting', 'running', 'starting', 'stopped']);
  assert.deepEqual(SESSION_STATES.filter(isAlive), ['starting', 'running', 'restarting']);
});

test("the system daemon checks a user's claim on a display exactly for the alive states", () => {
  const free = { kind: 'free' } as const;
  const seen = new Set<string>();
  for (const name of SAVED_FILES) {
    const session = summarize(savedRecord(name), Date.now());
    seen.add(session.state);
    const conflict = claimConflict(session, 1000, free, String);
    assert.equal(conflict !== null, isAlive(session.state), name);
  }
  assert.equal(seen.size, SESSION_STATES.length, 'a saved record of every state');
});

test("a summary gives a pid and an uptime only while running; a damaged file's is failed, on its display's port, since it was found", () => {
  const now = Date.parse('2026-12-01T12:00:00Z');
  for (const name of SAVED_FILES) {
    const record = savedRecord(name);
    const summary = summarize(record, now);
    assert.deepEqual([summary.pid, summary.uptimeSeconds !== null], record.state === 'running' ? [record.server.pid, true] : [null, false], name);
  }
  const damaged = summarize({ state: 'damaged', display: 8, path: 's/8.json', reason: 'damaged state file s/8.json: not JSON; tsvnc kill :8 removes it', server: { pid: 5, startTicks: 1 }, tag: '', authFile: 's/8.xauth', foundAt: 'T' }, now);
  assert.deepEqual(damaged, { display: 8, state: 'failed', pid: null, rfbPort: 5908, startedAt: 'T', uptimeSeconds: null, restarts: 0, lastExit: null, reason: 'damaged state file s/8.json: not JSON; tsvnc kill :8 removes it', log: '' });
});
