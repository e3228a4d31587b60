import test from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { bindTargets, tryBind } from '../../src/ports/bind-test.js';

const LOOPBACK_V4 = { family: 'ipv4', address: '127.0.0.1' } as const;

async function listen(host: string): Promise<{ server: net.Server; port: number }> {
  const server = net.createServer();
  server.listen(0, host);
  await once(server, 'listening');
  return { server, port: (server.address() as net.AddressInfo).port };
}

async function close(server: net.Server): Promise<void> {
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}

test('bindTargets: loopback with localhost, wildcards otherwise', () => {
  assert.deepEqual(bindTargets(true), [
    { family: 'ipv4', address: '127.0.0.1' },
    { family: 'ipv6', address: '::1' },
  ]);
  assert.deepEqual(bindTargets(false), [
    { family: 'ipv4', address: '0.0.0.0' },
    { family: 'ipv6', address: '::' },
  ]);
});

test('a port with a listener is busy with EADDRINUSE, and free once it closes', async (t) => {
  const { server, port } = await listen('127.0.0.1');
  t.after(() => (server.listening ? close(server) : undefined));

  assert.deepEqual(await tryBind(LOOPBACK_V4, port), { ...LOOPBACK_V4, port, outcome: 'busy', error: 'EADDRINUSE' });

  await close(server);
  assert.deepEqual(await tryBind(LOOPBACK_V4, port), { ...LOOPBACK_V4, port, outcome: 'free' });
});

test('tryBind releases the port it tested', async () => {
  const { server, port } = await listen('127.0.0.1');
  await close(server);
  assert.equal((await tryBind(LOOPBACK_V4, port)).outcome, 'free');
  // Had tryBind kept its listener, this bind of the same port would fail with EADDRINUSE.
  const again = net.createServer();
  again.listen(port, '127.0.0.1');
  await once(again, 'listening');
  await close(again);
});

test('an address not configured on this host is absent, not busy', async () => {
  // 192.0.2.1 is TEST-NET-1, never assigned to a local interface.
  const result = await tryBind({ family: 'ipv4', address: '192.0.2.1' }, 0);
  assert.equal(result.outcome, 'absent');
  assert.equal(result.error, 'EADDRNOTAVAIL');
});
