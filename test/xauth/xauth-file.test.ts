import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstat, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cookieEntries, encodeXauth, FAMILY_LOCAL, newCookie, writeAuthFile } from '../../src/xauth/xauth-file.js';
import { tempDir } from '../helpers/temp-dir.js';

const COOKIE = Buffer.from('00112233445566778899aabbccddeeff', 'hex');

function xauth(...args: string[]): string {
  return execFileSync('xauth', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

test('newCookie gives 16 fresh random bytes', () => {
  const a = newCookie();
  assert.equal(a.length, 16);
  assert.notDeepEqual(a, newCookie());
});

test('cookieEntries is the local entry xauth add HOST/unix:N would store', () => {
  assert.deepEqual(cookieEntries('myhost', 5, COOKIE), [
    { family: FAMILY_LOCAL, address: Buffer.from('myhost'), display: '5', name: 'MIT-MAGIC-COOKIE-1', data: COOKIE },
  ]);
  assert.throws(() => cookieEntries('', 5, COOKIE), RangeError);
  assert.throws(() => cookieEntries('myhost', -1, COOKIE), RangeError);
  assert.throws(() => cookieEntries('myhost', 1.5, COOKIE), RangeError);
});

test('encodeXauth matches the bytes xauth itself writes', () => {
  // From `xauth -f F add myhost/unix:5 . 0011...eeff; xxd F`.
  const expected =
    '0100' + '0006' + Buffer.from('myhost').toString('hex') + '0001' + '35' +
    '0012' + Buffer.from('MIT-MAGIC-COOKIE-1').toString('hex') + '0010' + COOKIE.toString('hex');
  assert.equal(encodeXauth(cookieEntries('myhost', 5, COOKIE)).toString('hex'), expected);
  assert.equal(encodeXauth([]).length, 0);
});

test('encodeXauth refuses a field its u16 length cannot hold', () => {
  const [entry] = cookieEntries('myhost', 5, COOKIE);
  assert.ok(entry);
  assert.throws(() => encodeXauth([{ ...entry, address: Buffer.alloc(0x10000) }]), RangeError);
  assert.throws(() => encodeXauth([{ ...entry, family: 0x10000 }]), RangeError);
});

test('writeAuthFile writes a 0600 file that xauth reads back', async (t) => {
  const path = join(await tempDir(t, 'xauth-file'), 'auth');
  const cookie = newCookie();
  const entries = [...cookieEntries('myhost', 7, cookie), ...cookieEntries('myhost', 12, COOKIE)];
  await writeAuthFile(path, entries);
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  assert.equal(
    xauth('-f', path, 'list'),
    `myhost/unix:7  MIT-MAGIC-COOKIE-1  ${cookie.toString('hex')}\n` +
      `myhost/unix:12  MIT-MAGIC-COOKIE-1  ${COOKIE.toString('hex')}\n`,
  );
  const [first] = xauth('-f', path, 'nlist').split('\n');
  assert.equal(first, `0100 0006 ${Buffer.from('myhost').toString('hex')} 0001 37 0012 ${Buffer.from('MIT-MAGIC-COOKIE-1').toString('hex')} 0010 ${cookie.toString('hex')}`);
});

test('writeAuthFile does not overwrite an existing file', async (t) => {
  const path = join(await tempDir(t, 'xauth-file'), 'auth');
  await writeFile(path, 'old');
  await assert.rejects(writeAuthFile(path, cookieEntries('myhost', 1, COOKIE)), { code: 'EEXIST' });
  assert.equal(await readFile(path, 'utf8'), 'old');
});

test('writeAuthFile does not follow a symlink at the path', async (t) => {
  const dir = await tempDir(t, 'xauth-file');
  const target = join(dir, 'victim');
  await writeFile(target, 'keep me');
  const path = join(dir, 'auth');
  await symlink(target, path);
  await assert.rejects(writeAuthFile(path, cookieEntries('myhost', 1, COOKIE)), { code: 'EEXIST' });
  assert.equal(await readFile(target, 'utf8'), 'keep me');

  const dangling = join(dir, 'auth2');
  const nowhere = join(dir, 'not-created');
  await symlink(nowhere, dangling);
  await assert.rejects(writeAuthFile(dangling, cookieEntries('myhost', 1, COOKIE)), { code: 'EEXIST' });
  await assert.rejects(lstat(nowhere), { code: 'ENOENT' });
});
