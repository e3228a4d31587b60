import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backoffMs, decide, DEFAULT_POLICY, isFailure, recordFailure, wantsRestart } from '../../src/model/restart-policy.js';

const AT = '2026-11-21T00:00:00.000Z';
const exit = (code: number | null, signal: string | null = null) => ({ code, signal, at: AT });

describe('restart policy', () => {
  it('a non-zero status, a signal and an unknown status are failures; exit 0 is not', () => {
    assert.equal(isFailure(exit(1)), true);
    assert.equal(isFailure(exit(null, 'SIGKILL')), true);
    assert.equal(isFailure(exit(null)), true);
    assert.equal(isFailure(exit(0)), false);
  });

  it('on-failure restarts failures only, always restarts any exit, no never restarts', () => {
    assert.deepEqual(['on-failure', 'always', 'no'].map((m) => wantsRestart(m as 'no', exit(0))), [false, true, false]);
    assert.deepEqual(['on-failure', 'always', 'no'].map((m) => wantsRestart(m as 'no', exit(null, 'SIGSEGV'))), [true, true, false]);
  });

  it('the first restart is immediate, then 0.5 s doubling up to 30 s', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 8, 20].map(backoffMs), [0, 500, 1000, 2000, 4000, 30_000, 30_000]);
  });

  it('failures older than the window are forgotten', () => {
    const policy = { ...DEFAULT_POLICY, windowSeconds: 60 };
    assert.deepEqual(recordFailure([0, 31_000, 59_000], 90_000, policy), [31_000, 59_000, 90_000]);
    assert.deepEqual(recordFailure([30_000], 90_000, policy), [90_000], 'exactly one window ago is outside it');
    assert.deepEqual(recordFailure([], 5, policy), [5]);
  });

  it('gives up at the limit within the window, and says so', () => {
    const policy = { mode: 'on-failure' as const, limit: 3, windowSeconds: 60 };
    assert.deepEqual(decide([1], policy), { action: 'restart', delayMs: 0 });
    assert.deepEqual(decide([1, 2], policy), { action: 'restart', delayMs: 500 });
    const verdict = decide([1, 2, 3], policy);
    assert.equal(verdict.action, 'give-up');
    assert.match(verdict.action === 'give-up' ? verdict.reason : '', /crash loop: 3 server failures within 60 s/);
  });
});
