import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { constants } from 'node:fs';
import { once } from 'node:events';
import net from 'node:net';
import { lstat, mkdir, mkdtemp, open, readdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lstatOrNull, readRegularNoFollow, removeIfSameInode } from '../../src/tmp/safe-tmp.js';
import { tempDir } from '../helpers/temp-dir.js';

async function leftovers(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.startsWith('.tsvnc-reclaim-'));
}

test('readRegularNoFollow reads a regular file', async (t) => {
  const dir = await tempDir(t, 'safe-tmp');
  const path = join(dir, '.X1-lock');
  await writeFile(path, '      1234\n');
  const read = await readRegularNoFollow(path, 64);
  assert.equal(read.kind, 'file');
  assert.ok(read.kind === 'file');
  assert.equal(read.content.toString(), '      1234\n');
  assert.equal(read.stat.ino, (await stat(path)).ino);
});

test('readRegularNoFollow reads at most maxBytes', async (t) => {
  const dir = await tempDir(t, 'safe-tmp');
  const path = join(dir, 'big');
  await writeFile(path, 'x'.repeat(1000));
  const read = await readRegularNoFollow(path, 64);
  assert.ok(read.kind === 'file');
  assert.equal(read.content.length, 64);
});

test('readRegularNoFollow reports a missing file', async (t) => {
  const dir = await tempDir(t, 'safe-tmp');
  assert.deepEqual(await readRegularNoFollow(join(dir, 'nothing'), 64), { kind: 'missing' });
  assert.deepEqual(await readRegularNoFollow(join(dir, 'no-dir', 'nothing'), 64), { kind: 'missing' });
});

test('readRegularNoFollow does not follow a symlink', async (t) => {
  const dir = await tempDir(t, 'safe-tmp');
  const target = join(dir, 'secret');
  await writeFile(target, 'do not read me');
  const link = join(dir, '.X1-lock');
  await symlink(target, link);
  const read = await readRegularNoFollow(link, 64);
  assert.equal(read.kind, 'not-regular');
  assert.ok(read.kind === 'not-regular');
  assert.equal(read.type, 'symlink');
  assert.ok(read.stat.isSymbolicLink(), 'stat must be of the link itself');
  assert.ok(!('content' in read), 'the target must not be read');
});

test('readRegularNoFollow calls a dangling symlink a symlink, not missing', async (t) => {
  const dir = await tempDir(t, 'safe-tmp');
  const link = join(dir, '.X1-lock');
  await symlink(join(dir, 'nowhere'), link);
  const read = await readRegularNoFollow(link, 64);
  assert.ok(read.kind === 'not-regular');
  assert.equal(read.type, 'symlink');
});

test('readRegularNoFollow does not block on a FIFO', { timeout: 10_000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tsvnc-safe-tmp-'));
  const fifo = join(dir, '.X1-lock');
  execFileSync('mkfifo', [fifo]);
  t.after(async () => {
    // Should the open block, opening the write end releases it, so a regression fails instead of hanging.
    await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK).then((h) => h.close(), () => undefined);
    await rm(dir, { recursive: true, force: true });
  });
  const read = await readRegularNoFollow(fifo, 64);
  assert.ok(read.kind === 'not-regular');
  assert.equal(read.type, 'fifo');
});

test('readRegularNoFollow reports a directory', async (t) => {
  const dir = await tempDir(t, 'safe-tmp');
  const sub = join(dir, '.X1-lock');
  await mkdir(sub);
  const read = await readRegularNoFollow(sub, 64);
  assert.ok(read.kind === 'not-regular');
  assert.equal(read.type, 'directory');
});

test('readRegularNoFollow reports a unix socket', async (t) => {
  const dir = await tempDir(t, 'safe-tmp');
  const path = join(dir, 'X1');
  const server = net.createServer();
  server.listen(path);
  await once(server, 'listening');
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const read = await readRegularNoFollow(path, 64);
  assert.ok(read.kind === 'not-regular');
  assert.equal(read.type, 'socket');
});

test('lstatOrNull: null for a missing path, the link itself for a symlink', async (t) => {
  const dir = await tempDir(t, 'safe-tmp');
  assert.equal(await lstatOrNull(join(dir, 'nothing')), null);
  await writeFile(join(dir, 'file'), '');
  assert.equal(await lstatOrNull(join(dir, 'file', 'below')), null);
  await symlink(join(dir, 'file'), join(dir, 'link'));
  assert.ok((await lstatOrNull(join(dir, 'link')))?.isSymbolicLink());
});

test('removeIfSameInode removes the file it was given', async (t) => {
  const dir = await tempDir(t, 'safe-tmp');
  const path = join(dir, '.X1-lock');
  await writeFile(path, '     31337\n');
  const { ino } = await lstat(path);
  assert.equal(await removeIfSameInode(path, ino), 'removed');
  assert.equal(await lstatOrNull(path), null);
  assert.deepEqual(await leftovers(dir), []);
});

test('removeIfSameInode leaves a file that replaced the stale one', async (t) => {
  const dir = await tempDir(t, 'safe-tmp');
  const path = join(dir, '.X1-lock');
  await writeFile(path, '     31337\n');
  const { ino: staleIno } = await lstat(path);
  // A new X server takes the display between the probe and the removal.
  // Keep the old file alive under another name so its inode cannot be reused.
  await rename(path, join(dir, 'old'));
  await writeFile(path, '      4242\n');
  const { ino: newIno } = await lstat(path);
  assert.notEqual(newIno, staleIno);

  assert.equal(await removeIfSameInode(path, staleIno), 'changed');
  assert.equal((await lstat(path)).ino, newIno);
  assert.equal(await readFile(path, 'utf8'), '      4242\n');
  assert.deepEqual(await leftovers(dir), []);
});

test('removeIfSameInode reports a file that is already gone', async (t) => {
  const dir = await tempDir(t, 'safe-tmp');
  assert.equal(await removeIfSameInode(join(dir, '.X1-lock'), 12345), 'gone');
  assert.deepEqual(await leftovers(dir), []);
});

test('removeIfSameInode removes a stale socket-like entry without following symlinks', async (t) => {
  const dir = await tempDir(t, 'safe-tmp');
  const target = join(dir, 'target');
  await writeFile(target, 'keep');
  const link = join(dir, 'X1');
  await symlink(target, link);
  const { ino } = await lstat(link);
  assert.equal(await removeIfSameInode(link, ino), 'removed');
  assert.equal(await lstatOrNull(link), null);
  assert.equal(await readFile(target, 'utf8'), 'keep');
  assert.deepEqual(await leftovers(dir), []);
});
