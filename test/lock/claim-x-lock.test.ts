import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, symlink, writeFile, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { claimXLock, handOverXLock, releaseXLock } from '../../src/lock/claim-x-lock.js';
import { formatLock } from '../../src/lock/x-lock-format.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/claim-lock.js', import.meta.url));
let dir = '';
let lock = '';

beforeEach(async () => {
  dir = await mkdtemp(`${tmpdir()}/tsvnc-claim-`);
  lock = `${dir}/.X1-lock`;
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function leftovers(): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name !== '.X1-lock');
}

describe('claimXLock', () => {
  it('writes the X format for our pid and leaves no temp file', async () => {
    assert.deepEqual(await claimXLock(lock, process.pid), { claimed: true });
    assert.equal(await readFile(lock, 'utf8'), formatLock(process.pid));
    assert.deepEqual(await leftovers(), []);
  });

  it('refuses a live lock and names its holder', async () => {
    await writeFile(lock, formatLock(1));
    const result = await claimXLock(lock, process.pid);
    assert.equal(result.claimed, false);
    assert.equal(!result.claimed && result.holder.state === 'live' && result.holder.pid, 1);
    assert.equal(await readFile(lock, 'utf8'), formatLock(1));
  });

  it('reclaims a lock naming a dead pid, or a pid reused since', async () => {
    await writeFile(lock, formatLock(3_999_999));
    assert.deepEqual(await claimXLock(lock, process.pid), { claimed: true });
    await writeFile(lock, formatLock(process.pid));
    await utimes(lock, new Date(0), new Date(0));
    assert.deepEqual(await claimXLock(lock, process.pid), { claimed: true });
    assert.equal(await readFile(lock, 'utf8'), formatLock(process.pid));
  });

  it('never follows or replaces a symlink', async () => {
    await writeFile(`${dir}/target`, 'keep');
    await symlink(`${dir}/target`, lock);
    const result = await claimXLock(lock, process.pid);
    assert.equal(!result.claimed && result.holder.state, 'suspect');
    assert.equal(await readFile(`${dir}/target`, 'utf8'), 'keep');
  });

  it('lets exactly one of many concurrent claimers in this process win', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => claimXLock(lock, process.pid)));
    assert.equal(results.filter((r) => r.claimed).length, 1);
    assert.deepEqual(await leftovers(), []);
  });

  it('lets exactly one of eight processes racing for a stale lock win', async () => {
    await writeFile(lock, formatLock(3_999_999));
    const startAt = Date.now() + 400;
    const children = Array.from({ length: 8 }, () => spawn(process.execPath, [FIXTURE, lock, String(startAt)], { stdio: ['pipe', 'pipe', 'inherit'] }));
    const outputs = await Promise.all(children.map((child) => new Promise<string>((resolve, reject) => {
      let out = '';
      child.on('error', reject);
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.endsWith('\n')) resolve(out.trim());
      });
    })));
    await Promise.all(children.map((child) => new Promise((resolve) => {
      child.on('exit', resolve);
      child.stdin.end();
    })));
    assert.equal(outputs.filter((o) => o === 'won').length, 1, outputs.join(', '));
    assert.ok(outputs.filter((o) => o !== 'won').every((o) => /^lost (live|suspect)$/.test(o)), outputs.join(', '));
    assert.deepEqual(await leftovers(), []);
  });
});

describe('handOverXLock and releaseXLock', () => {
  it('moves our lock to another of our pids, and only ours', async () => {
    await claimXLock(lock, process.pid);
    assert.equal(await handOverXLock(lock, [process.pid], 1), true);
    assert.equal(await readFile(lock, 'utf8'), formatLock(1));
    assert.equal(await handOverXLock(lock, [process.pid], process.pid), false);
    assert.deepEqual(await leftovers(), []);
  });

  it('releases only a lock that names one of our pids', async () => {
    await writeFile(lock, formatLock(1));
    assert.equal(await releaseXLock(lock, [process.pid]), false);
    assert.equal(await readFile(lock, 'utf8'), formatLock(1));
    assert.equal(await releaseXLock(lock, [1]), true);
    assert.deepEqual(await readdir(dir), []);
  });
});
