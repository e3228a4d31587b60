import test from 'node:test';
import assert from 'node:assert/strict';
import { lstat, mkdir, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inspectTempLock } from '../../src/probe/temp-lock.js';
import { tempDir } from '../helpers/temp-dir.js';

test('no temporary lock, nothing to report', async (t) => {
  const dir = await tempDir(t, 'temp-lock');
  assert.equal(await inspectTempLock(join(dir, '.tX1-lock')), null);
});

test('a fresh temporary lock is in use and not removable', async (t) => {
  const dir = await tempDir(t, 'temp-lock');
  const path = join(dir, '.tX1-lock');
  await writeFile(path, '      4242\n');
  const stale = await inspectTempLock(path);
  assert.ok(stale);
  assert.equal(stale.kind, 'temp-lock');
  assert.equal(stale.path, path);
  assert.equal(stale.removable, false);
  assert.equal(stale.ino, (await lstat(path)).ino);
  assert.equal(stale.uid, process.getuid?.());
});

test('a temporary lock a minute old is removable, with its inode', async (t) => {
  const dir = await tempDir(t, 'temp-lock');
  const path = join(dir, '.tX1-lock');
  await writeFile(path, '      4242\n');
  const minuteAgo = new Date(Date.now() - 60_000);
  await utimes(path, minuteAgo, minuteAgo);
  const stale = await inspectTempLock(path);
  assert.ok(stale);
  assert.equal(stale.removable, true);
  assert.equal(stale.ino, (await lstat(path)).ino);
  assert.ok(stale.why.length > 0);
});

test('age is measured against the given clock', async (t) => {
  const dir = await tempDir(t, 'temp-lock');
  const path = join(dir, '.tX1-lock');
  await writeFile(path, '');
  const { mtimeMs } = await lstat(path);
  assert.equal((await inspectTempLock(path, mtimeMs + 1_000))?.removable, false);
  assert.equal((await inspectTempLock(path, mtimeMs + 60_000))?.removable, true);
});

test('a symlink in place of the temporary lock is never removable', async (t) => {
  const dir = await tempDir(t, 'temp-lock');
  const target = join(dir, 'target');
  await writeFile(target, '');
  const old = new Date(Date.now() - 60_000);
  await utimes(target, old, old);
  const path = join(dir, '.tX1-lock');
  await symlink(target, path);
  const stale = await inspectTempLock(path);
  assert.ok(stale);
  assert.equal(stale.removable, false);
  assert.match(stale.why, /symlink/);
});

test('a directory in place of the temporary lock is never removable', async (t) => {
  const dir = await tempDir(t, 'temp-lock');
  const path = join(dir, '.tX1-lock');
  await mkdir(path);
  const old = new Date(Date.now() - 60_000);
  await utimes(path, old, old);
  const stale = await inspectTempLock(path);
  assert.equal(stale?.removable, false);
  assert.match(stale?.why ?? '', /directory/);
});
