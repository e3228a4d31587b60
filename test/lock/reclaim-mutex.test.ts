import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { chown, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { claimXLock } from '../../src/lock/claim-x-lock.js';
import { mutexPath } from '../../src/lock/reclaim-mutex.js';
import { formatLock } from '../../src/lock/x-lock-format.js';

const DEAD_PID = 3_999_999;
let dir = '';
let lock = '';
let mutex = '';

beforeEach(async () => {
  dir = await mkdtemp(`${tmpdir()}/tsvnc-mutex-`);
  lock = `${dir}/.X1-lock`;
  mutex = mutexPath(lock);
  await writeFile(lock, formatLock(DEAD_PID));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function claimsStaleLock(): Promise<void> {
  assert.deepEqual(await claimXLock(lock, process.pid), { claimed: true });
  assert.equal(await readFile(lock, 'utf8'), formatLock(process.pid));
}

describe('a reclaim mutex no live claimer holds does not block reclaiming a stale lock', () => {
  it('one with an mtime in the future (touch -d 2100-01-01) is broken', async () => {
    await writeFile(mutex, '');
    await utimes(mutex, new Date('2100-01-01'), new Date('2100-01-01'));
    await claimsStaleLock();
    assert.deepEqual(await readdir(dir), ['.X1-lock']);
  });

  it('one naming a dead pid is broken', async () => {
    await writeFile(mutex, formatLock(DEAD_PID));
    await claimsStaleLock();
    assert.deepEqual(await readdir(dir), ['.X1-lock']);
  });

  it("one naming a live process of another user than the file's owner is broken", { skip: process.getuid?.() !== 0 && 'needs root to chown' }, async () => {
    await writeFile(mutex, formatLock(1));
    await chown(mutex, 65534, 65534);
    await claimsStaleLock();
    assert.deepEqual(await readdir(dir), ['.X1-lock']);
  });

  it('one that looks held but stays held far longer than any claimer holds it is gone around', async () => {
    // Our own live pid, written now: everything a real holder shows, kept forever.
    await writeFile(mutex, formatLock(process.pid));
    await claimsStaleLock();
    assert.deepEqual((await readdir(dir)).sort(), ['.X1-lock', '.tsvnc-reclaim-.X1-lock'], 'a plausible holder\'s file is left alone');
  });
});
