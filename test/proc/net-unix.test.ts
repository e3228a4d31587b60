import test from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseProcNetUnix, readUnixTable } from '../../src/proc/net-unix.js';

const SAMPLE = `Num       RefCount Protocol Flags    Type St Inode Path
0000000000000000: 00000002 00000000 00010000 0001 01 23456 @/tmp/.X11-unix/X1
0000000000000000: 00000002 00000000 00010000 0001 01 23457 /tmp/.X11-unix/X1
0000000000000000: 00000003 00000000 00000000 0001 03 23458
0000000000000000: 00000003 00000000 00000000 0001 03  1678
0000000000000000: 00000002 00000000 00000000 0002 01 23459 /run/systemd/notify
0000000000000000: 00000003 00000000 00000000 0001 03 23460 /tmp/.X11-unix/X1
0000000000000000: 00000002 00000000 00010000 0005 01 23461 /tmp/dir with spaces/sock

garbage
`;

test('parses listening X11 sockets, abstract and filesystem', () => {
  const entries = parseProcNetUnix(SAMPLE);
  assert.deepEqual(entries.slice(0, 2), [
    { path: '@/tmp/.X11-unix/X1', inode: 23456, listening: true, type: 1, state: 1 },
    { path: '/tmp/.X11-unix/X1', inode: 23457, listening: true, type: 1, state: 1 },
  ]);
});

test('skips unnamed sockets, the header and garbage', () => {
  assert.deepEqual(
    parseProcNetUnix(SAMPLE).map((e) => e.inode),
    [23456, 23457, 23459, 23460, 23461],
  );
});

test('tells connected and datagram sockets from listening ones', () => {
  const byInode = new Map(parseProcNetUnix(SAMPLE).map((e) => [e.inode, e]));
  assert.deepEqual(byInode.get(23459), { path: '/run/systemd/notify', inode: 23459, listening: false, type: 2, state: 1 });
  assert.deepEqual(byInode.get(23460), { path: '/tmp/.X11-unix/X1', inode: 23460, listening: false, type: 1, state: 3 });
});

test('keeps spaces inside a path', () => {
  const entry = parseProcNetUnix(SAMPLE).find((e) => e.inode === 23461);
  assert.equal(entry?.path, '/tmp/dir with spaces/sock');
  assert.equal(entry?.type, 5);
});

test('finds a listening socket of this process in the live table', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'tsvnc-unix-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const socketPath = path.join(dir, 'X7');
  const server = net.createServer();
  server.listen(socketPath);
  await once(server, 'listening');
  t.after(() => server.close());

  const entry = (await readUnixTable()).find((e) => e.path === socketPath);
  assert.ok(entry, `no entry for ${socketPath}`);
  assert.equal(entry.listening, true);
  assert.equal(entry.type, 1);
  assert.ok(entry.inode > 0);
});
