import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateRecord } from '../../src/model/validate-record.js';
import { blankRecord } from '../../src/model/session-record.js';

const good = () => JSON.parse(JSON.stringify({ ...blankRecord(3, 'running', null), server: { pid: 10, startTicks: 5 } })) as Record<string, unknown>;
const problem = (value: unknown, display = 3) => {
  const result = validateRecord(value, display);
  return 'problem' in result ? result.problem : null;
};

describe('validateRecord', () => {
  it('accepts a record as the daemon writes it, and one from before tags with an empty tag', () => {
    assert.equal(problem(good()), null);
    const { tag: _, ...old } = good();
    const result = validateRecord(old, 3);
    assert.ok('record' in result && result.record.tag === '');
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
    assert.equal(with_((r) => { r.options.logRotation = { maxBytes: -1, keep: 1 }; }), 'options.logRotation.maxBytes is -1, not a whole number from 0 to 9007199254740991');
  });

  it('refuses what is not an object, and a display other than its file name', () => {
    assert.equal(problem([1]), 'the content is [1], not an object');
    assert.equal(problem('x'), 'the content is "x", not an object');
    assert.equal(problem(good(), 4), 'display is 3, not the 4 its file name says');
  });
});
