import test from 'node:test';
import assert from 'node:assert/strict';
import { judge } from '../../src/vnc/judge-login.js';
import { OneTimePasswords } from '../../src/vnc/one-time-passwords.js';
import { vncAuthResponse } from '../../src/vnc/vnc-des.js';

const CHALLENGE = Buffer.alloc(16, 9);
const answer = (password: string) => vncAuthResponse(CHALLENGE, password);
const USER = { full: 'secret12', viewOnly: 'looker99' };

test("the user's password gives full control, the view-only one view-only, anything else nothing", () => {
  const otps = new OneTimePasswords();
  assert.deepEqual(judge(otps, USER, CHALLENGE, answer('secret12')), { viewOnly: false, used: 'the password' });
  assert.deepEqual(judge(otps, USER, CHALLENGE, answer('looker99')), { viewOnly: true, used: 'the view-only password' });
  assert.equal(judge(otps, USER, CHALLENGE, answer('guess123')), null);
  assert.equal(judge(otps, { full: 'secret12' }, CHALLENGE, answer('looker99')), null, 'no view-only password, no view-only login');
});

test("a one-time password gives full control once; with one-time passwords only the user's are not candidates", () => {
  const otps = new OneTimePasswords();
  const otp = otps.issue();
  const login = judge(otps, undefined, CHALLENGE, answer(otp));
  assert.equal(login?.used, 'a one-time password');
  assert.equal(judge(otps, undefined, CHALLENGE, answer(otp)), null, 'reserved: not twice');
  login?.putBack?.();
  assert.equal(judge(otps, undefined, CHALLENGE, answer(otp))?.viewOnly, false, 'put back: good again');
  assert.equal(judge(otps, undefined, CHALLENGE, answer('secret12')), null);
});
