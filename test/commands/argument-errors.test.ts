import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { argumentError } from '../../src/commands/argument-errors.js';
import { runCli } from '../helpers/sandbox.js';

describe('argumentError', () => {
  it('names an option given without its value, with one dash for a one-letter alias', () => {
    assert.equal(argumentError('Not enough arguments following: depth', ['start', '--depth']).message, '--depth needs a value');
    assert.equal(argumentError('Not enough arguments following: n', ['logs', ':1', '-n']).message, '-n needs a value');
  });

  it('names a single-dash word yargs split into letters, not the letters', () => {
    const error = argumentError('Unknown arguments: g, e, o, m, t, r, y', ['start', '-geometry', '1280x800']);
    assert.equal(error.message, '"-geometry" is not an option of tsvnc');
    assert.match(error.hint ?? '', /--geometry/);
  });

  it('says which value of a choice was not accepted, and the choices', () => {
    const error = argumentError('Invalid values:\n  Argument: localhost, Given: "maybe", Choices: "yes", "no"', ['start', '--localhost', 'maybe']);
    assert.equal(error.message, '--localhost "maybe" is not accepted');
    assert.equal(error.hint, 'use yes, no');
  });

  it('names a positional argument as typed, not as an option', () => {
    const error = argumentError('Invalid values:\n  Argument: state, Given: "bogus", Choices: "on", "off"', ['web', ':3', 'bogus']);
    assert.equal(error.message, '"bogus" is not accepted');
    assert.equal(error.hint, 'use on, off');
    assert.equal(argumentError('Invalid values:\n  Argument: localhost, Given: "x", Choices: "yes", "no"', ['start', '--localhost=x']).message, '--localhost "x" is not accepted');
  });

  it('keeps other messages, and looks at nothing after --', () => {
    assert.equal(argumentError('Unknown argument: x', ['start', 'x', '--', '-dpi']).message, 'Unknown argument: x');
  });
});

describe('bad command lines get one line naming what was wrong', () => {
  const cases: [string[], RegExp][] = [
    [[':abc', '-geometry', '1280x800'], /^tsvnc: ":abc" is not a display \(write it as :N/],
    [['start', '--depth'], /^tsvnc: --depth needs a value/],
    [['start', '--depth', 'abc'], /^tsvnc: --depth "abc" is not a number \(use 16, 24 or 32\)/],
    [['start', '--restart-window', '1e3'], /^tsvnc: --restart-window "1e3" is not a number/],
    [['start', '--desktop'], /^tsvnc: --desktop needs a value/],
    [['start', '-geometry', '1280x800'], /^tsvnc: "-geometry" is not an option of tsvnc \(tsvnc's own options take two dashes: --geometry\)/],
    [['start', '--', '-inetd'], /^tsvnc: the server option -inetd is managed by tsvnc \(remove it: tsvnc runs each server itself\)$/],
    [['start', '--desktop', 'a'.repeat(100_000)], /^tsvnc: --desktop is 100000 characters long \(give at most 256\)$/],
    [['start', '--xstartup', 'x'.repeat(100_000)], /^tsvnc: --xstartup is 100000 characters long \(give at most 4096\)$/],
    [['logs', ':1', '-n'], /^tsvnc: -n needs a value/],
    [['start', '--localhost', 'maybe'], /^tsvnc: --localhost "maybe" is not accepted \(use yes, no\)$/],
    [['status'], /^tsvnc: tsvnc status needs a display \(write it as :N, e\.g\. tsvnc status :1; tsvnc list shows yours\)$/],
    [['kill', '--clean'], /^tsvnc: tsvnc kill needs a display/],
    [['--log-level', 'error', 'logs'], /^tsvnc: tsvnc logs needs a display/],
  ];
  for (const [args, expected] of cases) {
    it(args.join(' ').slice(0, 60), async () => {
      const run = await runCli(args, { HOME: '/nonexistent', XDG_CONFIG_HOME: '/nonexistent', TSVNC_LOG_LEVEL: 'error' });
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, expected);
      assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    });
  }
});
