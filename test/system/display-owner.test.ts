import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { claimConflict, type KernelOwner } from '../../src/system/display-owner.js';
import type { SessionSummary } from '../../src/model/session-record.js';

const BOB = 1001;
const CAROL = 1002;
const names = new Map([[BOB, 'bob'], [CAROL, 'carol']]);
const name = (uid: number) => names.get(uid) ?? `uid ${uid}`;

function claim(state: SessionSummary['state'], pid: number | null = 500): SessionSummary {
  return { display: 9, state, pid, rfbPort: 5909, startedAt: '2026-01-01T00:00:00.000Z', uptimeSeconds: 1, restarts: 0, lastExit: null, reason: null, log: '/l' };
}

const carolHolds: KernelOwner = { kind: 'user', uid: CAROL, pid: 500, holder: { pid: 500, startTicks: 1 } };

describe("a user daemon's claim against the kernel's X lock", () => {
  it('is backed when the lock is that user\'s and names the server the daemon reports', () => {
    assert.equal(claimConflict(claim('running'), CAROL, carolHolds, name), null);
  });

  it("is a conflict when the lock is another user's, even naming the same pid", () => {
    assert.equal(claimConflict(claim('running'), BOB, carolHolds, name), ":9's X lock is carol's");
  });

  it('is a conflict when no X server holds the display, or the lock names another pid', () => {
    assert.equal(claimConflict(claim('running'), CAROL, { kind: 'free' }, name), 'no X server holds :9');
    assert.equal(claimConflict(claim('running', 777), CAROL, carolHolds, name), ":9's X lock names pid 500, not 777");
  });

  it('a restarting session holds the lock under its daemon\'s pid: only the owner is checked', () => {
    assert.equal(claimConflict(claim('restarting', null), CAROL, { ...carolHolds, pid: 321 }, name), null);
    assert.equal(claimConflict(claim('restarting', null), BOB, carolHolds, name), ":9's X lock is carol's");
  });

  it('an unclear lock is a conflict with its reason; a stopped or failed record claims nothing', () => {
    assert.equal(claimConflict(claim('running'), CAROL, { kind: 'unclear', why: 'the lock is a symlink' }, name), 'the lock is a symlink');
    assert.equal(claimConflict(claim('failed', null), BOB, carolHolds, name), null);
    assert.equal(claimConflict(claim('stopped', null), BOB, { kind: 'free' }, name), null);
  });
});
