import test from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { isLoopback, loopbackPeerUid } from '../../src/proc/loopback-peer.js';
import { socketPair } from '../helpers/socket-pair.js';

test('loopback is 127.0.0.0/8 and ::1, also written IPv4-mapped', () => {
  assert.deepEqual(['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1', '10.0.0.1', '::ffff:10.0.0.1', '2001:db8::1'].map(isLoopback), [true, true, true, true, false, false, false]);
});

test("a loopback connection's peer is the uid of the process that made it, from the kernel's table; none off loopback", async (t) => {
  const { peer: accepted } = await socketPair(t);
  const peer = { remoteAddress: accepted.remoteAddress ?? '', remotePort: accepted.remotePort ?? 0, localPort: accepted.localPort ?? 0 };
  assert.equal(await loopbackPeerUid(peer), process.getuid?.());
  assert.equal(await loopbackPeerUid({ ...peer, remoteAddress: '192.0.2.7' }), null);
  assert.equal(await loopbackPeerUid({ ...peer, remotePort: 1 }), null, 'a connection that is gone has no peer');
});

test('many lookups at once, as under a flood of connections, each find their own connection', async (t) => {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const accepted: Socket[] = [];
  server.on('connection', (socket: Socket) => accepted.push(socket));
  const clients = Array.from({ length: 20 }, () => connect({ host: '127.0.0.1', port }));
  t.after(() => { for (const c of [...clients, ...accepted]) c.destroy(); });
  while (accepted.length < clients.length) await new Promise((resolve) => setTimeout(resolve, 5));
  const uids = await Promise.all(accepted.map((a) => loopbackPeerUid({ remoteAddress: a.remoteAddress ?? '', remotePort: a.remotePort ?? 0, localPort: a.localPort ?? 0 })));
  assert.deepEqual(new Set(uids), new Set([process.getuid?.()]));
});
