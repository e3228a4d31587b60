import test from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/parse-config.js';
import { DEFAULT_CONFIG, mergeConfig } from '../../src/config/schema.js';
import { SETTINGS } from '../../src/config/settings.js';
import { TsvncError } from '../../src/errors.js';

const FILE = '/etc/tsvnc/tsvnc.conf';

/** Asserts a BAD_CONFIG error pointing at `line` whose hint contains every one of `hintParts`. */
function assertBadConfig(text: string, line: number, hintParts: readonly string[]): void {
  assert.throws(
    () => parseConfig(text, FILE),
    (error: unknown) => {
      assert.ok(error instanceof TsvncError, 'not a TsvncError');
      assert.equal(error.code, 'BAD_CONFIG');
      assert.ok(error.message.includes(`${FILE}:${line}`), `message "${error.message}" lacks ${FILE}:${line}`);
      for (const part of hintParts) {
        assert.ok(error.hint?.includes(part), `hint "${error.hint}" lacks "${part}"`);
      }
      return true;
    },
  );
}

test('an empty file sets nothing', () => {
  assert.deepEqual(parseConfig('', FILE), {});
  assert.deepEqual(parseConfig('\n\n', FILE), {});
});

test('reserved-displays reads displays and ranges, with or without colons', () => {
  assert.deepEqual(parseConfig('reserved-displays = 1, 10-19, :30-:39 :50', FILE), {
    reservedDisplays: [[1, 1], [10, 19], [30, 39], [50, 50]],
  });
  assert.deepEqual(parseConfig('reserved-displays =', FILE), { reservedDisplays: [] });
});

test('reserved-ports reads ports and ranges', () => {
  assert.deepEqual(parseConfig('reserved-ports = 5901,6000-6099', FILE), {
    reservedPorts: [[5901, 5901], [6000, 6099]],
  });
  assert.deepEqual(parseConfig('reserved-ports = 65535', FILE), { reservedPorts: [[65535, 65535]] });
});

test('sshd-window, sshd-config and log-level', () => {
  assert.deepEqual(parseConfig('sshd-window = 20', FILE), { sshdWindow: 20 });
  assert.deepEqual(parseConfig('sshd-window = 1', FILE), { sshdWindow: 1 });
  assert.deepEqual(parseConfig('sshd-window = 1000', FILE), { sshdWindow: 1000 });
  assert.deepEqual(parseConfig('sshd-config = /etc/ssh/other_config', FILE), { sshdConfig: '/etc/ssh/other_config' });
  for (const level of ['error', 'warn', 'info', 'debug'] as const) {
    assert.deepEqual(parseConfig(`log-level = ${level}`, FILE), { logLevel: level });
  }
});

test('every key in the schema is accepted', () => {
  const samples: Record<string, string> = {
    'reserved-displays': '5',
    'reserved-ports': '5905',
    'sshd-window': '5',
    'sshd-config': '/x',
    'log-level': 'info',
    restart: 'always',
    'restart-limit': '3',
    'restart-window': '30',
    'display-range': '10-20',
    geometry: '800x600',
    depth: '16',
    desktop: 'work',
    'security-types': 'VncAuth',
    localhost: 'no',
    autokill: 'no',
    xstartup: 'xterm',
    session: 'icewm',
    'server-args': '-AlwaysShared',
    'log-max-size': '1M',
    'log-keep': '2',
    'vncserver-output': 'turbovnc',
    web: 'yes',
    otp: 'only',
    'web-cert': '/etc/ssl/vnc.pem',
    'web-key': '/etc/ssl/private/vnc.key',
    'slurm-partition': 'viz',
    'slurm-time': '4:00:00',
    'slurm-account': 'proj',
    'slurm-sbatch-args': '--mem=8G',
    'slurm-queue-wait': '60',
  };
  for (const key of Object.keys(SETTINGS)) {
    assert.ok(key in samples, `no sample value for new setting ${key}`);
    const set = Object.values(parseConfig(`${key} = ${samples[key]}`, FILE)).filter((v) => v !== undefined);
    assert.equal(set.length, 1, key);
  }
});

test('comments, blank lines, spacing and key case are ignored', () => {
  const text = [
    '# tsvnc configuration',
    '',
    '   ',
    'log-level=debug   # trailing comment',
    '  SSHD-Window   =   15  ',
    '\t# indented comment',
    'reserved-ports = 7000\r',
  ].join('\n');
  assert.deepEqual(parseConfig(text, FILE), { logLevel: 'debug', sshdWindow: 15, reservedPorts: [[7000, 7000]] });
});

test('a later line wins over an earlier one', () => {
  assert.deepEqual(parseConfig('log-level = info\nlog-level = error\n', FILE), { logLevel: 'error' });
});

test('an unknown key names file:line and lists the accepted settings', () => {
  assertBadConfig('log-level = info\n\n# comment\ncolour = blue\n', 4, Object.keys(SETTINGS));
  assert.throws(() => parseConfig('colour = blue', FILE), /colour/);
});

test('bad values name file:line and say what is accepted', () => {
  assertBadConfig('reserved-displays = 5-3', 1, ['5-3', 'ranges like 10-19']);
  assertBadConfig('reserved-displays = 59536', 1, ['0-59535']);
  assertBadConfig('reserved-displays = a', 1, ['"a"']);
  assertBadConfig('reserved-ports = 65536', 1, ['0-65535']);
  assertBadConfig('# header\nsshd-window = 0', 2, ['1 to 1000']);
  assertBadConfig('sshd-window = 1001', 1, ['1 to 1000']);
  assertBadConfig('sshd-window = ten', 1, ['1 to 1000']);
  assertBadConfig('sshd-window = 1.5', 1, ['1 to 1000']);
  assertBadConfig('sshd-config = etc/ssh/sshd_config', 1, ['absolute path']);
  assertBadConfig('\n\n\nlog-level = loud', 4, ['error, warn, info, debug']);
});

test('the key of a bad value is named', () => {
  assert.throws(() => parseConfig('sshd-window = 0', FILE), /sshd-window/);
});

test('a line without = names file:line and says how to write a setting', () => {
  assertBadConfig('log-level = info\nlog-level info', 2, ['key = value']);
  assertBadConfig('= info', 1, ['key = value']);
});

test('Object.prototype names are unknown settings, not accepted silently', () => {
  assertBadConfig('constructor = x', 1, Object.keys(SETTINGS));
  assertBadConfig('toString = x', 1, Object.keys(SETTINGS));
});

test('the three restart keys build one policy, and a later file overrides one field', () => {
  const user = parseConfig('restart = always\nrestart-limit = 3\n', FILE);
  assert.deepEqual(user.restart, { mode: 'always', limit: 3 });
  assert.deepEqual(mergeConfig(DEFAULT_CONFIG, user, parseConfig('restart-window = 10', FILE)).restart, { mode: 'always', limit: 3, windowSeconds: 10 });
  assert.throws(() => parseConfig('restart = sometimes', FILE), (e: TsvncError) => /on-failure, always, no/.test(e.hint ?? ''));
  assert.throws(() => parseConfig('restart-limit = 0', FILE), (e: TsvncError) => /from 1 to 1000/.test(e.hint ?? ''));
});

test('session defaults read as the start options would, canonicalised', () => {
  assert.deepEqual(parseConfig('geometry = 1280x800\ndepth = 16\nsecurity-types = vncauth, tlsvnc\nlocalhost = No\nautokill = yes', FILE), {
    geometry: '1280x800', depth: 16, securityTypes: 'VncAuth,TLSVnc', localhost: false, autokill: true,
  });
  assert.deepEqual(parseConfig('display-range = :10-:19', FILE), { displayRange: [10, 19] });
  assert.deepEqual(parseConfig('log-max-size = 512K\nlog-keep = 0', FILE), { logMaxBytes: 512 * 1024, logKeep: 0 });
  assert.deepEqual(parseConfig('server-args = -AlwaysShared -dpi 96', FILE), { serverArgs: ['-AlwaysShared', '-dpi', '96'] });
});

test('xstartup none means no session program; xstartup and session replace each other', () => {
  assert.equal(parseConfig('xstartup = none', FILE).xstartup, null);
  const merged = mergeConfig(DEFAULT_CONFIG, parseConfig('xstartup = xterm', FILE), parseConfig('session = icewm', FILE));
  assert.equal(merged.xstartup, undefined);
  assert.equal(merged.session, 'icewm');
});

test('bad session defaults name the line and the accepted values', () => {
  assertBadConfig('geometry = huge', 1, ['"huge"', 'WIDTHxHEIGHT']);
  assertBadConfig('depth = 8', 1, ['16, 24, 32']);
  assertBadConfig('security-types = Kerberos', 1, ['VncAuth']);
  assertBadConfig('localhost = maybe', 1, ['yes or no']);
  assertBadConfig('display-range = 20-10', 1, ['1-99']);
  assertBadConfig('log-max-size = 10 parsecs', 1, ['10M']);
  assertBadConfig('log-keep = 101', 1, ['0 to 100']);
  assertBadConfig('server-args = -SecurityTypes None', 1, ['--security-types']);
  assertBadConfig('session = ../../bin/sh', 1, ['/usr/share/xsessions']);
});

test('server arguments from several layers add up', () => {
  const merged = mergeConfig(DEFAULT_CONFIG, parseConfig('server-args = -AlwaysShared', FILE), parseConfig('server-args = -dpi 96', FILE));
  assert.deepEqual(merged.serverArgs, ['-AlwaysShared', '-dpi', '96']);
});

test('a long line of random bytes comes back cut and escaped, not whole and raw', () => {
  const line = `\x1b]0;PWNED\x07${'\x00\x9b\xff'.repeat(20_000)}`;
  assert.throws(() => parseConfig(line, FILE), (error: unknown) => {
    assert.ok(error instanceof TsvncError);
    assert.ok(error.message.length < 400, `${error.message.length} characters`);
    assert.match(error.message, /cannot read "\\x1b\]0;PWNED\\x07\\x00\\x9b.*\.\.\." \(60010 characters\)$/);
    assert.doesNotMatch(error.message, /[\x00-\x1f\x7f-\x9f]/);
    return true;
  });
});

test('a desktop name is bounded and has no control characters', () => {
  assertBadConfig(`desktop = ${'a'.repeat(200_000)}`, 1, ['at most 256']);
  assertBadConfig('desktop = b\x1b[2J', 1, ['without control characters']);
  assertBadConfig(`xstartup = ${'x'.repeat(5000)}`, 1, ['at most 4096']);
  assert.deepEqual(parseConfig('desktop = Büro\tdesk', FILE), { desktop: 'Büro\tdesk' });
});
