import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_DISPLAY, rfbPort, x11Port } from '../../src/display/display-number.js';
import { TsvncError } from '../../src/errors.js';
import { MAX_WEB_DISPLAY, webPortFor } from '../../src/web/web-port.js';

describe('web ports', () => {
  it('are 5800+N for displays 0 to 99', () => {
    assert.equal(webPortFor(0), 5800);
    assert.equal(webPortFor(1), 5801);
    assert.equal(webPortFor(99), 5899);
    assert.equal(MAX_WEB_DISPLAY, 99);
  });

  it("are no display's RFB or X11 port, for every display there is", () => {
    const taken = new Set<number>();
    for (let n = 0; n <= MAX_DISPLAY; n++) taken.add(rfbPort(n)).add(x11Port(n));
    for (let n = 0; n <= MAX_WEB_DISPLAY; n++) assert.equal(taken.has(webPortFor(n)), false, `:${n}'s web port ${webPortFor(n)}`);
  });

  it('are one per display', () => {
    const ports = Array.from({ length: MAX_WEB_DISPLAY + 1 }, (_, n) => webPortFor(n));
    assert.equal(new Set(ports).size, ports.length);
  });

  for (const display of [100, 5000, -1, 1.5]) {
    it(`do not exist for :${display}, which is told to choose one`, () => {
      assert.throws(() => webPortFor(display), (error: unknown) => error instanceof TsvncError && error.code === 'BAD_ARGUMENT' && /name the web port/.test(error.hint ?? ''));
    });
  }
});
