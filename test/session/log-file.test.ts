import test from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { appendToLog, followFile, lastLines, rotateLog, sessionLogPath } from '../../src/session/log-file.js';
import { mkdir, readFile, readdir, symlink } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { TsvncError } from '../../src/errors.js';
import { tempDir } from '../helpers/temp-dir.js';
import { until } from '../helpers/until.js';

async function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), 2000);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Follows `path` from `from` and collects what it writes; stopped when the test ends. */
function follow(t: test.TestContext, path: string, from: number) {
  const stop = new AbortController();
  const chunks: Buffer[] = [];
  const done = followFile(path, from, (chunk) => chunks.push(Buffer.from(chunk)), stop.signal);
  const text = (): string => Buffer.concat(chunks).toString('utf8');
  t.after(() => {
    stop.abort();
    return done;
  });
  return {
    text,
    seen: (expected: string) => until(() => text() === expected, JSON.stringify(expected)),
    async stop(): Promise<void> {
      stop.abort();
      await within(done, 'followFile to stop');
    },
  };
}

test('the log path is the one vncserver uses', () => {
  assert.equal(sessionLogPath('/home/ann', 'box', 3), '/home/ann/.vnc/box:3.log');
});

test('lastLines: a missing file or directory has no lines', async (t) => {
  const dir = await tempDir(t, 'log-file');
  assert.deepEqual(await lastLines(join(dir, 'none.log'), 5), []);
  assert.deepEqual(await lastLines(join(dir, 'no-dir', 'none.log'), 5), []);
});

test('lastLines: an empty file has no lines', async (t) => {
  const path = join(await tempDir(t, 'log-file'), 'empty.log');
  await writeFile(path, '');
  assert.deepEqual(await lastLines(path, 5), []);
});

test('lastLines: the last line counts without its newline, and no empty line follows', async (t) => {
  const path = join(await tempDir(t, 'log-file'), 'x.log');
  await writeFile(path, 'one\ntwo\nthree');
  assert.deepEqual(await lastLines(path, 2), ['two', 'three']);
  await writeFile(path, 'one\ntwo\nthree\n');
  assert.deepEqual(await lastLines(path, 2), ['two', 'three']);
  assert.deepEqual(await lastLines(path, 0), []);
});

test('lastLines: asking for more lines than there are gives them all', async (t) => {
  const path = join(await tempDir(t, 'log-file'), 'x.log');
  await writeFile(path, 'one\n\ntwo\n');
  assert.deepEqual(await lastLines(path, 10), ['one', '', 'two']);
});

test('lastLines: a file over 64 KiB gives only whole lines from its end', async (t) => {
  const path = join(await tempDir(t, 'log-file'), 'big.log');
  const lines = Array.from({ length: 20_000 }, (_, i) => `line ${String(i).padStart(5, '0')}`);
  await writeFile(path, `${lines.join('\n')}\n`);
  assert.deepEqual(await lastLines(path, 3), lines.slice(-3));
  const all = await lastLines(path, lines.length);
  assert.ok(all.length > 1000 && all.length * 11 <= 64 * 1024, `${all.length} lines`);
  assert.deepEqual(all, lines.slice(-all.length));
});

test('followFile: writes what is there after the offset, then what is appended', async (t) => {
  const path = join(await tempDir(t, 'log-file'), 'x.log');
  await writeFile(path, 'old\nnew\n');
  const log = follow(t, path, 4);
  await log.seen('new\n');
  await appendFile(path, 'more\n');
  await log.seen('new\nmore\n');
  await appendFile(path, 'and more\n');
  await log.seen('new\nmore\nand more\n');
  await log.stop();
});

test('followFile: starts over when the file is truncated', async (t) => {
  const path = join(await tempDir(t, 'log-file'), 'x.log');
  await writeFile(path, 'a long first line\n');
  const log = follow(t, path, 0);
  await log.seen('a long first line\n');
  await truncate(path, 0);
  await appendFile(path, 'short\n');
  await log.seen('a long first line\nshort\n');
  await log.stop();
});

test('followFile: reopens from the start when the file is replaced', async (t) => {
  const dir = await tempDir(t, 'log-file');
  const path = join(dir, 'x.log');
  await writeFile(path, 'first session\n');
  const log = follow(t, path, 0);
  await log.seen('first session\n');
  await writeFile(join(dir, 'x.log.new'), 'second\n');
  await rename(join(dir, 'x.log.new'), path);
  await log.seen('first session\nsecond\n');
  await appendFile(path, 'second, more\n');
  await log.seen('first session\nsecond\nsecond, more\n');
  await log.stop();
});

test('followFile: waits for a deleted log to come back', async (t) => {
  const dir = await tempDir(t, 'log-file');
  const path = join(dir, 'x.log');
  await writeFile(path, 'before\n');
  const log = follow(t, path, 0);
  await log.seen('before\n');
  await rm(path);
  await writeFile(join(dir, 'other.log'), 'not this one\n');
  await delay(100);
  await writeFile(path, 'after\n');
  await log.seen('before\nafter\n');
  await log.stop();
});

test('followFile: an aborted signal stops it at once', async (t) => {
  const path = join(await tempDir(t, 'log-file'), 'x.log');
  await writeFile(path, 'x\n');
  const chunks: Buffer[] = [];
  await within(followFile(path, 0, (chunk) => chunks.push(chunk), AbortSignal.abort()), 'followFile to return');
  assert.deepEqual(chunks, []);
});

test('rotateLog: a fresh start keeps the previous logs, numbered, up to keep', async (t) => {
  const dir = await tempDir(t, 'log-file');
  const log = join(dir, 'h:1.log');
  for (const n of [1, 2, 3, 4]) {
    await writeFile(log, `session ${n}\n`);
    assert.equal(await rotateLog(log, true, { maxBytes: 1 << 20, keep: 2 }), false);
  }
  assert.deepEqual((await readdir(dir)).sort(), ['h:1.log.1', 'h:1.log.2']);
  assert.equal(await readFile(`${log}.1`, 'utf8'), 'session 4\n');
  assert.equal(await readFile(`${log}.2`, 'utf8'), 'session 3\n');
});

test('rotateLog: a restart appends until the size limit; keep 0 truncates instead', async (t) => {
  const dir = await tempDir(t, 'log-file');
  const log = join(dir, 'h:1.log');
  await writeFile(log, 'x'.repeat(100));
  assert.equal(await rotateLog(log, false, { maxBytes: 100, keep: 1 }), false);
  assert.deepEqual(await readdir(dir), ['h:1.log']);
  await appendFile(log, 'y');
  assert.equal(await rotateLog(log, false, { maxBytes: 100, keep: 1 }), false);
  assert.deepEqual((await readdir(dir)).sort(), ['h:1.log.1']);
  await writeFile(log, 'z'.repeat(200));
  assert.equal(await rotateLog(log, false, { maxBytes: 100, keep: 0 }), true);
  assert.equal(await rotateLog(join(dir, 'missing.log'), true, { maxBytes: 100, keep: 3 }), false);
});

test('rotateLog replaces a symlink planted at a rotated name instead of writing through it', async (t) => {
  const dir = await tempDir(t, 'log-file');
  const log = join(dir, 'h:1.log');
  await writeFile(join(dir, 'victim'), 'keep me');
  await symlink(join(dir, 'victim'), `${log}.1`);
  await writeFile(log, 'old');
  await rotateLog(log, true, { maxBytes: 1 << 20, keep: 1 });
  assert.equal(await readFile(join(dir, 'victim'), 'utf8'), 'keep me');
  assert.equal(await readFile(`${log}.1`, 'utf8'), 'old');
});

test('lastLines refuses a symlink, a FIFO (without blocking on it) and a directory, each with one NO_LOG line', async (t) => {
    const dir = await tempDir(t, 'log-trap');
    await writeFile(`${dir}/secret`, 'root only\n');
    await symlink(`${dir}/secret`, `${dir}/link.log`);
    execFileSync('mkfifo', [`${dir}/fifo.log`]);
    await mkdir(`${dir}/dir.log`);
    for (const [name, why] of [['link.log', /is a symlink, which tsvnc does not follow/], ['fifo.log', /is not a regular file/], ['dir.log', /is not a regular file/]] as const) {
      await assert.rejects(lastLines(`${dir}/${name}`, 5), (error: unknown) => error instanceof TsvncError && error.code === 'NO_LOG' && why.test(error.message));
    }
    assert.deepEqual(await lastLines(`${dir}/missing.log`, 5), []);
});

test("tsvnc's own line in the session log is a line of its own, also after half a line of the server's; it never creates the log or writes through a symlink or to a FIFO", async (t) => {
  const dir = await tempDir(t, 'append');
  const log = join(dir, 'h:1.log');
  await writeFile(log, ' Connections: accepted\nVNCSConnST:');
  await appendToLog(log, '01/12/2026 16:09:59 Full-control authentication enabled for 127.0.0.1');
  await appendToLog(log, 'second');
  assert.equal(await readFile(log, 'utf8'), ' Connections: accepted\nVNCSConnST:\n01/12/2026 16:09:59 Full-control authentication enabled for 127.0.0.1\nsecond\n');
  await assert.rejects(appendToLog(join(dir, 'none.log'), 'x'), /ENOENT/);
  await symlink(log, join(dir, 'link.log'));
  await assert.rejects(appendToLog(join(dir, 'link.log'), 'x'), /ELOOP/);
  execFileSync('mkfifo', [join(dir, 'fifo.log')]);
  await assert.rejects(appendToLog(join(dir, 'fifo.log'), 'x'));
});
