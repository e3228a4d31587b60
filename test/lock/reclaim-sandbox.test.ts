import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sandbox, sandboxUnavailable } from '../helpers/sandbox.js';
import type { SessionSummary } from '../../src/model/session-record.js';

const USERS = `private_system
  for u in alice bob; do useradd -m -s /bin/bash "$u"; echo secret12 | as_user "$u" $TSVNC passwd >/dev/null; done
  set_passwd`;

describe('stale X locks against hostile neighbours, with the real Xtigervnc', { skip: sandboxUnavailable, concurrency: true }, () => {
  it("bob's reclaim mutex with a future mtime keeps neither alice (who cannot remove it) nor root from reclaiming a stale lock", async () => {
    const run = await sandbox(`${USERS}
      as_user alice bash -c "printf '%10d\\n' 3999999 >/tmp/.X1-lock"
      as_user bob bash -c "printf '%10d\\n' 3999998 >/tmp/.X2-lock"
      as_user bob touch -d 2100-01-01 /tmp/.tsvnc-reclaim-.X1-lock /tmp/.tsvnc-reclaim-.X2-lock
      step alice as_user alice $TSVNC start :1 --no-xstartup --json
      step root tsvnc start :2 --no-xstartup --json
      step mutexes bash -c 'ls -A /tmp | grep reclaim'
      step locks bash -c 'stat -c %U /tmp/.X1-lock /tmp/.X2-lock'
      step kill_alice as_user alice $TSVNC kill :1
      step kill_root tsvnc kill :2`);
    assert.equal(run.step('alice').code, 0, run.stderr);
    assert.equal(run.json<SessionSummary>('alice').display, 1);
    assert.equal(run.step('root').code, 0, run.stderr);
    assert.equal(run.json<SessionSummary>('root').display, 2);
    assert.equal(run.step('mutexes').out, '.tsvnc-reclaim-.X1-lock', "root removed bob's mutex; alice could only go around hers");
    assert.equal(run.step('locks').out, 'alice\nroot');
    assert.equal(run.step('kill_alice').code, 0);
    assert.equal(run.step('kill_root').code, 0);
  });

  it("another user's stale lock met at claim time is a typed outcome: the claimer says why instead of failing with EPERM", async () => {
    const run = await sandbox(`${USERS}
      as_user bob bash -c "printf '%10d\\n' 3999999 >/tmp/.X1-lock"
      step claim as_user alice node $FIXTURES/claim-lock.js /tmp/.X1-lock 0 </dev/null`);
    assert.equal(run.step('claim').code, 0, run.stderr);
    assert.equal(run.step('claim').out, 'lost suspect');
    assert.doesNotMatch(run.stderr, /EPERM/);
  });

  it('a stale lock the probe judged removable but the claim cannot remove skips that display in automatic mode and is one line for :N', async (t) => {
    // Immutable: even root's rename fails with EPERM, as for a lock another user put there after the probe.
    const run = await sandbox(`${USERS}
      printf '%10d\\n' 3999999 >/tmp/.X1-lock
      step immutable chattr +i /tmp/.X1-lock
      step auto tsvnc start --no-xstartup --json --log-level info
      step explicit tsvnc start :1 --no-xstartup
      chattr -i /tmp/.X1-lock
      step kill tsvnc kill ':*'`);
    if (run.step('immutable').code !== 0) {
      t.skip('this /tmp does not support chattr +i');
      return;
    }
    assert.equal(run.step('auto').code, 0, run.stderr);
    assert.equal(run.json<SessionSummary>('auto').display, 2);
    assert.match(run.stderr, /skipped :1: \/tmp\/\.X1-lock is stale \(it names pid 3999999, which is not running\), but it belongs to uid 0/);
    assert.notEqual(run.step('explicit').code, 0);
    assert.match(run.stderr, /^tsvnc: :1 cannot be claimed: \/tmp\/\.X1-lock is stale .*only they or root can remove it/m);
    assert.doesNotMatch(run.stderr, /EPERM/);
  });
});
