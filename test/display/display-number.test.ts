import test, { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lockPath, MAX_DISPLAY, MAX_WEB_DISPLAY, parseDisplay, rfbPort, unixSocketPath, webPort, x11Port } from '../../src/display/display-number.js';
import { TsvncError } from '../../src/errors.js';

/** Asserts a BAD_DISPLAY TsvncError whose message quotes what the user typed. */
function assertBadDisplay(input: string, named = input.trim()): void {
  assert.throws(
    () => parseDisplay(input),
    (error: unknown) => {
      assert.ok(error instanceof TsvncError, `${JSON.stringify(input)}: not a TsvncError`);
      assert.equal(error.code, 'BAD_DISPLAY', JSON.stringify(input));
      assert.ok(error.message.includes(named), `${JSON.stringify(input)}: message "${error.message}" does not name the input`);
      assert.ok(error.hint && error.hint.length > 0, `${JSON.stringify(input)}: no hint`);
      return true;
    },
  );
}

test('parseDisplay accepts :N, a bare N and surrounding whitespace', () => {
  assert.equal(parseDisplay(':1'), 1);
  assert.equal(parseDisplay('1'), 1);
  assert.equal(parseDisplay(' :7 '), 7);
  assert.equal(parseDisplay(':0'), 0);
  assert.equal(parseDisplay(':42'), 42);
});

test('parseDisplay rejects what is not a display number', () => {
  for (const input of [':abc', ':-1', 'abc', ':1.0', 'host:1', ':', '::1', ':1 2', ':0x10', ':1e3']) {
    assertBadDisplay(input);
  }
});

test('parseDisplay rejects the empty string with a message that quotes it', () => {
  assertBadDisplay('', '""');
  assertBadDisplay('   ', '"   "');
});

test('parseDisplay rejects displays whose X11 port would exceed 65535', () => {
  assertBadDisplay(':70000');
  assertBadDisplay('1234567');
});

test('MAX_DISPLAY is the last display with a valid X11 port', () => {
  assert.equal(x11Port(MAX_DISPLAY), 65535);
  assert.equal(parseDisplay(`:${MAX_DISPLAY}`), MAX_DISPLAY);
  assertBadDisplay(`:${MAX_DISPLAY + 1}`);
});

test('ports follow 5900+n and 6000+n', () => {
  assert.equal(rfbPort(0), 5900);
  assert.equal(rfbPort(1), 5901);
  assert.equal(rfbPort(100), 6000);
  assert.equal(x11Port(0), 6000);
  assert.equal(x11Port(1), 6001);
});

test('lock and socket paths are the X server\'s', () => {
  assert.equal(lockPath(1), '/tmp/.X1-lock');
  assert.equal(lockPath(12), '/tmp/.X12-lock');
  assert.equal(unixSocketPath(1), '/tmp/.X11-unix/X1');
  assert.equal(unixSocketPath(12), '/tmp/.X11-unix/X12');
});

test('a display given as a huge or hostile word is quoted cut and escaped', () => {
  assert.throws(() => parseDisplay(`\x1b]0;x\x07${'9'.repeat(100_000)}`), (error: Error) => error.message.length < 150 && error.message.startsWith('"\\x1b]0;x\\x07999'));
});

describe('web ports', () => {
  it('are 5800+N for displays 0 to 99', () => {
    assert.equal(webPort(0), 5800);
    assert.equal(webPort(1), 5801);
    assert.equal(webPort(99), 5899);
    assert.equal(MAX_WEB_DISPLAY, 99);
  });

  it("are no display's RFB or X11 port, for every display there is", () => {
    const taken = new Set<number>();
    for (let n = 0; n <= MAX_DISPLAY; n++) taken.add(rfbPort(n)).add(x11Port(n));
    for (let n = 0; n <= MAX_WEB_DISPLAY; n++) assert.equal(taken.has(webPort(n)), false, `:${n}'s web port ${webPort(n)}`);
  });

  it('are one per display', () => {
    const ports = Array.from({ length: MAX_WEB_DISPLAY + 1 }, (_, n) => webPort(n));
    assert.equal(new Set(ports).size, ports.length);
  });

  for (const display of [100, 5000, -1, 1.5]) {
    it(`do not exist for :${display}, which is told to choose one`, () => {
      assert.throws(() => webPort(display), (error: unknown) => error instanceof TsvncError && error.code === 'BAD_ARGUMENT' && /--web-port, tsvnc web --port/.test(error.hint ?? ''));
    });
  }
});
