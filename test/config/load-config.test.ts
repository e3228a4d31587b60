import test from 'node:test';
import assert from 'node:assert/strict';
import { chown, mkdir, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { loadConfig, userConfigPath } from '../../src/config/load-config.js';
import { DEFAULT_CONFIG } from '../../src/config/schema.js';
import { TsvncError } from '../../src/errors.js';
import { tempDir } from '../helpers/temp-dir.js';

async function writeUserConfig(configHome: string, text: string): Promise<string> {
  const path = join(configHome, 'tsvnc', 'tsvnc.conf');
  await mkdir(join(configHome, 'tsvnc'), { recursive: true });
  await writeFile(path, text);
  return path;
}

test('userConfigPath prefers XDG_CONFIG_HOME, else HOME/.config', async (t) => {
  const home = await tempDir(t, 'load-config');
  const xdg = await tempDir(t, 'load-config');
  assert.equal(userConfigPath({ HOME: home, XDG_CONFIG_HOME: xdg }), `${xdg}/tsvnc/tsvnc.conf`);
  assert.equal(userConfigPath({ HOME: home }), `${home}/.config/tsvnc/tsvnc.conf`);
  assert.equal(userConfigPath({ HOME: home, XDG_CONFIG_HOME: '' }), `${home}/.config/tsvnc/tsvnc.conf`);
  assert.equal(userConfigPath({ HOME: home, XDG_CONFIG_HOME: 'relative' }), `${home}/.config/tsvnc/tsvnc.conf`);
});

test("another user's XDG_CONFIG_HOME and HOME, kept by su, are not read", { skip: process.getuid?.() !== 0 && 'needs root to chown' }, async (t) => {
  const other = await tempDir(t, 'load-config');
  await chown(other, 65534, 65534);
  assert.equal(userConfigPath({ HOME: other, XDG_CONFIG_HOME: other }), `${userInfo().homedir}/.config/tsvnc/tsvnc.conf`);
});

test('without a user file the defaults apply', async (t) => {
  const home = await tempDir(t, 'load-config');
  assert.deepEqual(await loadConfig({ HOME: home }), DEFAULT_CONFIG);
});

test('a user file under HOME/.config overrides the defaults key by key', async (t) => {
  const home = await tempDir(t, 'load-config');
  await writeUserConfig(join(home, '.config'), 'log-level = debug\nreserved-displays = 3-4\n');
  assert.deepEqual(await loadConfig({ HOME: home }), {
    ...DEFAULT_CONFIG,
    logLevel: 'debug',
    reservedDisplays: [[3, 4]],
  });
});

test('XDG_CONFIG_HOME wins over HOME', async (t) => {
  const home = await tempDir(t, 'load-config');
  const xdg = await tempDir(t, 'load-config');
  await writeUserConfig(join(home, '.config'), 'sshd-window = 5\n');
  await writeUserConfig(xdg, 'sshd-window = 7\n');
  assert.equal((await loadConfig({ HOME: home, XDG_CONFIG_HOME: xdg })).sshdWindow, 7);
});

test('loading does not change DEFAULT_CONFIG', async (t) => {
  const home = await tempDir(t, 'load-config');
  const before = structuredClone(DEFAULT_CONFIG);
  await writeUserConfig(join(home, '.config'), 'sshd-window = 99\n');
  await loadConfig({ HOME: home });
  assert.deepEqual(DEFAULT_CONFIG, before);
});

test('a broken user file is a BAD_CONFIG error naming its path and line', async (t) => {
  const home = await tempDir(t, 'load-config');
  const path = await writeUserConfig(join(home, '.config'), '# mine\nlog-level = loud\n');
  await assert.rejects(loadConfig({ HOME: home }), (error: unknown) => {
    assert.ok(error instanceof TsvncError);
    assert.equal(error.code, 'BAD_CONFIG');
    assert.ok(error.message.includes(`${path}:2`), error.message);
    return true;
  });
});

test('a user config path that is a directory is a BAD_CONFIG error', async (t) => {
  const home = await tempDir(t, 'load-config');
  await mkdir(join(home, '.config', 'tsvnc', 'tsvnc.conf'), { recursive: true });
  await assert.rejects(loadConfig({ HOME: home }), (error: unknown) => {
    assert.ok(error instanceof TsvncError);
    assert.equal(error.code, 'BAD_CONFIG');
    return true;
  });
});

test('a file larger than any configuration is refused in one short line, without echoing it', async (t) => {
  const home = await tempDir(t, 'load-config');
  const path = await writeUserConfig(join(home, '.config'), `desktop = ${'a'.repeat(30 * 1024 * 1024)}`);
  await assert.rejects(loadConfig({ HOME: home }), (error: unknown) => {
    assert.ok(error instanceof TsvncError);
    assert.equal(error.code, 'BAD_CONFIG');
    assert.equal(error.message, `${path} is larger than 64 KiB, so it is not a tsvnc configuration file`);
    return true;
  });
});

test('a file just under the bound is read whole', async (t) => {
  const home = await tempDir(t, 'load-config');
  await writeUserConfig(join(home, '.config'), `${'#'.repeat(60 * 1024)}\nlog-keep = 7\n`);
  assert.equal((await loadConfig({ HOME: home })).logKeep, 7);
});
