import test from 'node:test';
import assert from 'node:assert/strict';
import { applyConfig } from '../../src/session/apply-config.js';
import { DEFAULT_CONFIG, mergeConfig, type Config } from '../../src/config/schema.js';
import type { StartRequest } from '../../src/daemon/protocol.js';
import { TsvncError } from '../../src/errors.js';

const REQ: StartRequest = { noXstartup: false, insecure: false, extraArgs: [], env: {} };

function layers(base: Partial<Config>, mandatory: Partial<Config> = {}) {
  return { base: mergeConfig(DEFAULT_CONFIG, base), mandatory };
}

test('what the command line leaves out comes from the configuration', () => {
  const { request, warnings } = applyConfig(REQ, layers({ geometry: '800x600', localhost: false, autokill: false, serverArgs: ['-dpi=96'] }));
  assert.equal(request.geometry, '800x600');
  assert.equal(request.localhost, false);
  assert.equal(request.autokill, false);
  assert.deepEqual(request.extraArgs, ['-dpi=96']);
  assert.deepEqual(warnings, []);
});

test('the command line wins over the configuration files', () => {
  const { request } = applyConfig({ ...REQ, geometry: '1024x768', localhost: true, extraArgs: ['-AlwaysShared'] }, layers({ geometry: '800x600', localhost: false, serverArgs: ['-dpi=96'] }));
  assert.equal(request.geometry, '1024x768');
  assert.equal(request.localhost, true);
  assert.deepEqual(request.extraArgs, ['-dpi=96', '-AlwaysShared']);
});

test('mandatory.conf wins over the command line, and says so', () => {
  const { request, warnings, config } = applyConfig(
    { ...REQ, localhost: false, depth: 32, restart: 'no' },
    layers({}, { localhost: true, depth: 32, restart: { mode: 'always' } as never, displayRange: [10, 19] }),
  );
  assert.equal(request.localhost, true);
  assert.equal(request.restart, 'always');
  assert.deepEqual(config.displayRange, [10, 19]);
  assert.equal(warnings.length, 2, warnings.join('\n'));
  assert.match(warnings[0] ?? '', /--localhost no ignored: \/etc\/tsvnc\/mandatory.conf sets localhost = yes/);
  assert.match(warnings[1] ?? '', /--restart no ignored/);
});

test('session program: command line over files, mandatory over all', () => {
  assert.equal(applyConfig(REQ, layers({ xstartup: null })).request.noXstartup, true);
  assert.equal(applyConfig({ ...REQ, xstartup: 'xterm' }, layers({ xstartup: null })).request.xstartup, 'xterm');
  assert.equal(applyConfig(REQ, layers({ session: 'icewm' })).request.session, 'icewm');
  const forced = applyConfig({ ...REQ, xstartup: 'xterm' }, layers({}, { session: 'icewm', xstartup: undefined }));
  assert.equal(forced.request.session, 'icewm');
  assert.equal(forced.request.xstartup, undefined);
  assert.match(forced.warnings[0] ?? '', /--xstartup ignored/);
});

test('a display outside display-range is refused with the range', () => {
  assert.throws(() => applyConfig({ ...REQ, display: 5 }, layers({ displayRange: [10, 19] })), (error: TsvncError) => {
    assert.equal(error.code, 'BAD_ARGUMENT');
    assert.match(error.message, /:5 is outside .*:10 to :19/);
    return true;
  });
  assert.equal(applyConfig({ ...REQ, display: 12 }, layers({ displayRange: [10, 19] })).request.display, 12);
});

test("a long value mandatory.conf overrides is cut in the warning, which is still given", () => {
  const long = 'a'.repeat(100_000);
  const { request, warnings } = applyConfig({ ...REQ, desktop: long }, layers({}, { desktop: 'lab' }));
  assert.equal(request.desktop, 'lab');
  assert.equal(warnings.length, 1);
  assert.ok((warnings[0] ?? '').length < 200, warnings[0]?.slice(0, 300));
  assert.match(warnings[0] ?? '', /^--desktop "a+\.\.\." \(100000 characters\) ignored: \/etc\/tsvnc\/mandatory.conf sets desktop = lab$/);
});
