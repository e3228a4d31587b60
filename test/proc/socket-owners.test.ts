import test from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readTcpTable } from '../../src/proc/net-tcp.js';
import { socketOwners } from '../../src/proc/socket-owners.js';

async function listeningServer(t: test.TestContext): Promise<net.Server> {
  const server = net.createServer((socket) => socket.on('error', () => {}));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  return server;
}

async function inodeOf(predicate: (e: Awaited<ReturnType<typeof readTcpTable>>[number]) => boolean): Promise<number> {
  const entry = (await readTcpTable()).find(predicate);
  assert.ok(entry && entry.inode > 0, 'socket not found in /proc/net/tcp');
  return entry.inode;
}

test('an empty set needs no scan', async () => {
  assert.equal((await socketOwners(new Set())).size, 0);
});

test('a listening socket belongs to this process', async (t) => {
  const { port } = (await listeningServer(t)).address() as net.AddressInfo;
  const inode = await inodeOf((e) => e.localPort === port && e.state === 'LISTEN');

  const owners = await socketOwners(new Set([inode]));
  assert.deepEqual([...owners.keys()], [inode]);
  const [owner, ...others] = owners.get(inode) ?? [];
  assert.deepEqual(others, []);
  assert.equal(owner?.pid, process.pid);
  assert.equal(owner?.uid, process.getuid?.());
  assert.ok(owner?.command.startsWith(process.argv0), owner?.command);
});

test('inodes nobody holds are left out', async () => {
  assert.equal((await socketOwners(new Set([0xfffffffe]))).size, 0);
});

test('a socket shared with a child lists both, the child once despite two fds', async (t) => {
  const { port } = (await listeningServer(t)).address() as net.AddressInfo;
  const client = net.connect(port, '127.0.0.1');
  await once(client, 'connect');
  t.after(() => client.destroy());
  const inode = await inodeOf((e) => e.localPort === client.localPort && e.remotePort === port);

  const child = spawn('sleep', ['30'], { stdio: [client, client, 'ignore'] });
  t.after(() => child.kill());
  await once(child, 'spawn');

  const owners = await socketOwners(new Set([inode]));
  assert.deepEqual(
    owners.get(inode)?.map((p) => p.pid),
    [process.pid, child.pid].sort((a = 0, b = 0) => a - b),
  );
});
