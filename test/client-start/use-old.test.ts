import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TsvncError } from '../../src/errors.js';
import { liveSessions, pickOld } from '../../src/client-start/use-old.js';
import type { SessionSummary } from '../../src/model/session-record.js';

function session(display: number): SessionSummary {
  return { display, state: 'running', pid: 100 + display, rfbPort: 5900 + display, startedAt: '2026-01-01T00:00:00.000Z', uptimeSeconds: 5, restarts: 0, lastExit: null, reason: null, log: `/h/.vnc/vm:${display}.log` };
}

describe('pickOld', () => {
  it('reuses the display asked for, else the only session, else none', () => {
    assert.equal(pickOld([session(1), session(2)], 2)?.display, 2);
    assert.equal(pickOld([session(1), session(2)], 3), null);
    assert.equal(pickOld([session(4)], undefined)?.display, 4);
    assert.equal(pickOld([], undefined), null);
  });

  it('refuses to guess between several sessions when no display is given', () => {
    assert.throws(() => pickOld([session(1), session(2)], undefined), (error: unknown) => {
      assert.ok(error instanceof TsvncError);
      assert.equal(error.code, 'BAD_ARGUMENT');
      assert.match(error.message, /2 sessions \(:1, :2\)/);
      assert.match(error.hint ?? '', /--useold :N/);
      return true;
    });
  });
});

describe('liveSessions', () => {
  it('keeps the sessions that hold their display, and no claim the kernel contradicts (list --all)', () => {
    const listed = [session(1), { ...session(2), state: 'failed' as const }, { ...session(9), user: 'bob', conflict: ":9's X lock is carol's" }, { ...session(9), user: 'carol' }];
    assert.deepEqual(liveSessions(listed).map((s) => [s.display, 'user' in s ? s.user : '-']), [[1, '-'], [9, 'carol']]);
  });
});
