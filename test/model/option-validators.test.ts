import test from 'node:test';
import assert from 'node:assert/strict';
import { TsvncError } from '../../src/errors.js';
import { checkExtraArgs, parsePort, serverOptionName } from '../../src/model/option-validators.js';
import { parseVncConfig } from '../../src/config/vnc-config.js';
import { LOG_LEVELS } from '../../src/log.js';
import { SETTINGS } from '../../src/config/settings.js';
import { parseMessage } from '../../src/daemon/protocol.js';

/** Every server option tsvnc sets itself, as Xtigervnc spells them. */
const MANAGED = ['DisplayFD', 'auth', 'desktop', 'geometry', 'depth', 'rfbport', 'localhost', 'SecurityTypes', 'PasswordFile', 'rfbauth', 'interface', 'inetd'];

test('a server option tsvnc manages is refused on the command line and never reaches the server from ~/.vnc/config', () => {
  for (const name of MANAGED) {
    for (const form of [`-${name}`, `--${name}=x`, `${name}=x`]) {
      assert.throws(() => checkExtraArgs([form]), (error: TsvncError) => error.code === 'BAD_ARGUMENT' && /managed by tsvnc/.test(error.message), `${form}: Xvnc takes name=value too`);
    }
    let config: ReturnType<typeof parseVncConfig> | undefined;
    try {
      config = parseVncConfig(`${name}=${name === 'geometry' ? '800x600' : name === 'depth' ? '24' : name === 'SecurityTypes' ? 'VncAuth' : name === 'localhost' ? 'yes' : 'x'}`, 'config');
    } catch (error) {
      assert.ok(error instanceof TsvncError && error.code === 'BAD_CONFIG' && /managed by tsvnc/.test(error.message), `${name}: ${String(error)}`);
    }
    assert.equal(config?.serverArgs, undefined, `${name} went to the server as ${JSON.stringify(config?.serverArgs)}`);
  }
  assert.deepEqual(parseVncConfig('dpi=96', 'config').serverArgs, ['-dpi', '96'], 'an option tsvnc does not manage goes to the server');
});

test("serverOptionName: the parameter of each of Xvnc's forms, none of a plain value", () => {
  assert.deepEqual(['-rfbport', '--rfbport=5', 'rfbport=5', '-Log=*:stderr:100', 'plain', '/a=b', ':1'].map(serverOptionName), ['rfbport', 'rfbport', 'rfbport', 'Log', undefined, undefined, undefined]);
});

test('parsePort: a number or digits as typed, from 1 to 65535; anything else is refused with the range', () => {
  assert.equal(parsePort(5901), 5901);
  assert.equal(parsePort('5901'), 5901);
  for (const bad of ['5901.5', '0x170d', '0', '65536', '', ' 5901', 0, 65536, 5901.5]) {
    assert.throws(() => parsePort(bad), (error: TsvncError) => error.code === 'BAD_ARGUMENT' && error.hint === 'give a number from 1 to 65535', String(bad));
  }
});

test('the log levels the config file, the control protocol and the logger accept are one list', () => {
  for (const level of LOG_LEVELS) {
    assert.deepEqual(SETTINGS['log-level']!(level), { logLevel: level });
    assert.equal(parseMessage(JSON.stringify({ type: 'log', level, message: 'm' })).type, 'log');
  }
  assert.throws(() => SETTINGS['log-level']!('trace'), /accepted: error, warn, info, debug/);
  assert.throws(() => parseMessage(JSON.stringify({ type: 'log', level: 'trace', message: 'm' })), /unexpected daemon message/);
});
