import test from 'node:test';
import assert from 'node:assert/strict';
import { parseVncConfig } from '../../src/config/vnc-config.js';
import { TsvncError } from '../../src/errors.js';

const FILE = '/home/a/.vnc/config';

test("TigerVNC's own keys map onto tsvnc's settings, case-insensitively", () => {
  const text = '# from vncserver\ngeometry=1280x800\nDepth=16\nsecuritytypes=vncauth\ndesktop=My desk\nlocalhost\nsession=icewm\n';
  assert.deepEqual(parseVncConfig(text, FILE), {
    geometry: '1280x800', depth: 16, securityTypes: 'VncAuth', desktop: 'My desk', localhost: true, session: 'icewm', xstartup: undefined,
  });
  assert.equal(parseVncConfig('localhost=no', FILE).localhost, false);
});

test('any other key is an Xtigervnc parameter, passed on as vncserver does', () => {
  assert.deepEqual(parseVncConfig('alwaysshared\ndpi=96\n', FILE).serverArgs, ['-alwaysshared', '-dpi', '96']);
});

function assertBad(text: string, line: number, hint: RegExp): void {
  assert.throws(() => parseVncConfig(text, FILE), (error: unknown) => {
    assert.ok(error instanceof TsvncError);
    assert.equal(error.code, 'BAD_CONFIG');
    assert.ok(error.message.includes(`${FILE}:${line}`), error.message);
    assert.match(error.hint ?? '', hint);
    return true;
  });
}

test('bad values and options tsvnc manages name the file, the line and what to do', () => {
  assertBad('geometry=1280x800\ndepth=12', 2, /16, 24, 32/);
  assertBad('rfbport=5999', 1, /--rfbport/);
  assertBad('\nPasswordFile=/x', 2, /~\/.vnc\/passwd/);
  assertBad('-geometry 1x1', 1, /key=value/);
  assertBad('session', 1, /xsessions/);
});
