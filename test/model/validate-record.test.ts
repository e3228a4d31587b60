import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateRecord } from '../../src/model/validate-record.js';
import { SESSION_STATES } from '../../src/model/session-state.js';
import { SAVED_FILES, savedRecord, savedText } from './saved-records.js';

const good = () => ({ ...JSON.parse(savedText('running.json')), display: 3 }) as Record<string, any>;
const problem = (value: unknown, display = 3) => {
  const result = validateRecord(value, display);
  return 'problem' in result ? result.problem : null;
};

describe('validateRecord', () => {
  it('reads every file the daemon writes, of every state, as the record of that state, field for field', () => {
    assert.deepEqual([...new Set(SAVED_FILES.map((name) => savedRecord(name).state))].sort(), [...SESSION_STATES].sort());
    for (const name of SAVED_FILES) {
      const record = savedRecord(name);
      assert.deepEqual(record, JSON.parse(savedText(name)), name);
      if (record.state === 'running') assert.ok(record.server.pid > 0, name);
      if (record.state !== 'running' && record.state !== 'starting') assert.ok(record.reason.length > 0, name);
    }
  });

  it('accepts a record from before tags with an empty tag', () => {
    assert.equal(problem(good()), null);
    const { tag: _, ...old } = good();
    const result = validateRecord(old, 3);
    assert.ok('record' in result && result.record.tag === '');
  });

  it('refuses a shape its state cannot have: running without a server, ended or restarting without a reason', () => {
    assert.equal(problem({ ...good(), server: null }), 'server is null, but a running session has one');
    for (const state of ['restarting', 'failed', 'stopped']) assert.equal(problem({ ...good(), state, reason: null }), `reason is null, but a ${state} session says why`);
    assert.equal(problem({ ...good(), state: 'starting', server: null }), null, 'a starting session has no server yet');
  });

  it('a running record with a reason left from before an adoption reads as running, without it', () => {
    const result = validateRecord({ ...good(), reason: 'the X server failed; restarting' }, 3);
    assert.ok('record' in result && result.record.state === 'running' && result.record.reason === null);
  });

  it('names the innermost bad field by its path', () => {
    const with_ = (patch: (r: Record<string, any>) => void) => {
      const r = good();
      patch(r);
      return problem(r);
    };
    assert.equal(with_((r) => { r.options.restart.mode = 'sometimes'; }), 'options.restart.mode is "sometimes", not one of on-failure, always, no');
    assert.equal(with_((r) => { r.options.rfbPort = 70000; }), 'options.rfbPort is 70000, not a whole number from 1 to 65535');
    assert.equal(with_((r) => { r.server.pid = 0; }), 'server.pid is 0, not a whole number from 1 to 2147483647');
    assert.equal(with_((r) => { r.options.securityTypes = ['VncAuth', 5]; }), 'options.securityTypes[1] is 5, not a string');
    assert.equal(with_((r) => { r.env = { HOME: 1 }; }), 'env.HOME is 1, not a string');
    assert.equal(with_((r) => { delete r.log; }), 'log is missing, not a string');
    assert.equal(with_((r) => { r.lastExit = { code: 1, signal: null }; }), 'lastExit.at is missing, not a string');
    assert.equal(with_((r) => { r.options.otp = { only: 'yes', socket: '/s' }; }), 'options.otp.only is "yes", not true or false');
    assert.equal(with_((r) => { r.options.otp = { only: true }; }), 'options.otp.socket is missing, not a string');
    assert.equal(with_((r) => { r.options.logRotation = { maxBytes: -1, keep: 1 }; }), 'options.logRotation.maxBytes is -1, not a whole number from 0 to 9007199254740991');
  });

  it('refuses what is not an object, and a display other than its file name', () => {
    assert.equal(problem([1]), 'the content is [1], not an object');
    assert.equal(problem('x'), 'the content is "x", not an object');
    assert.equal(problem(good(), 4), 'display is 3, not the 4 its file name says');
  });
});
