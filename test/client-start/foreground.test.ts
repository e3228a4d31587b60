import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { endingText, sessionEnding } from '../../src/client-start/foreground.js';

const STARTED = '2026-01-01T00:00:00.000Z';

describe('sessionEnding', () => {
  it('keeps following a starting, running or restarting session', () => {
    for (const state of ['starting', 'running', 'restarting'] as const) {
      assert.equal(sessionEnding({ state, startedAt: STARTED, reason: null }, STARTED), null, state);
    }
  });

  it('ends when the session is gone, replaced by a newer one, stopped or failed', () => {
    assert.deepEqual(sessionEnding(null, STARTED), { how: 'gone' });
    assert.deepEqual(sessionEnding({ state: 'running', startedAt: '2026-01-01T00:05:00.000Z', reason: null }, STARTED), { how: 'gone' });
    assert.deepEqual(sessionEnding({ state: 'stopped', startedAt: STARTED, reason: null }, STARTED), { how: 'stopped' });
    assert.deepEqual(sessionEnding({ state: 'failed', startedAt: STARTED, reason: 'crash loop' }, STARTED), { how: 'failed', reason: 'crash loop' });
  });

  it('says how it ended in one line', () => {
    assert.equal(endingText(1, { how: 'killed' }), 'killed :1');
    assert.equal(endingText(2, { how: 'gone' }), ':2 ended');
  });
});
