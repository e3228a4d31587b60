import test from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import os from 'node:os';
import { once } from 'node:events';
import { parseProcNetTcp, readTcpTable } from '../../src/proc/net-tcp.js';

const TCP_SAMPLE = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:170D 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 12345 1 0000000000000000 100 0 0 10 0
   1: 0100007F:170D 0100007F:D4B2 06 00000000:00000000 03:00001770 00000000     0        0 0 3 0000000000000000
   2: 0A01A8C0:0016 6401A8C0:C350 01 00000000:00000000 02:00057E40 00000000  1000        0 67890 4 0000000000000000 20 4 31 10 -1

   3: garbled line that is not a socket
`;

const TCP6_SAMPLE = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:170D 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 22222 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000000000000:1771 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 33333 1 0000000000000000 100 0 0 10 0
   2: 0000000000000000FFFF00000100007F:170D 0000000000000000FFFF00000100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 44444 1 0000000000000000 20 4 30 10 -1
   3: 000080FE000000000000000001000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 55555 1 0000000000000000 100 0 0 10 0
`;

// The samples were taken on x86, so pin little-endian to make them valid on any host.
function littleEndian(t: test.TestContext): void {
  t.mock.method(os, 'endianness', () => 'LE' as const);
}

test('parses a listening IPv4 socket', (t) => {
  littleEndian(t);
  const [listen] = parseProcNetTcp(TCP_SAMPLE, 'ipv4');
  assert.deepEqual(listen, {
    family: 'ipv4',
    localAddress: '127.0.0.1',
    localPort: 5901,
    remoteAddress: '0.0.0.0',
    remotePort: 0,
    state: 'LISTEN',
    uid: 0,
    inode: 12345,
    timerActive: 0,
    timerSeconds: 0,
  });
});

test('reports how long a TIME_WAIT entry has left', (t) => {
  littleEndian(t);
  const timeWait = parseProcNetTcp(TCP_SAMPLE, 'ipv4')[1];
  assert.equal(timeWait?.state, 'TIME_WAIT');
  assert.equal(timeWait?.remotePort, 54450);
  assert.equal(timeWait?.timerActive, 3);
  assert.equal(timeWait?.timerSeconds, 60);
  assert.equal(timeWait?.inode, 0);
});

test('decodes non-loopback addresses, uid and a keepalive timer', (t) => {
  littleEndian(t);
  const established = parseProcNetTcp(TCP_SAMPLE, 'ipv4')[2];
  assert.equal(established?.localAddress, '192.168.1.10');
  assert.equal(established?.remoteAddress, '192.168.1.100');
  assert.equal(established?.remotePort, 50000);
  assert.equal(established?.state, 'ESTABLISHED');
  assert.equal(established?.uid, 1000);
  assert.equal(established?.timerActive, 2);
  assert.equal(established?.timerSeconds, 3600);
});

test('skips the header, blank and garbled lines', (t) => {
  littleEndian(t);
  assert.equal(parseProcNetTcp(TCP_SAMPLE, 'ipv4').length, 3);
  assert.deepEqual(parseProcNetTcp('', 'ipv4'), []);
});

test('rejects addresses of the wrong family', (t) => {
  littleEndian(t);
  assert.deepEqual(parseProcNetTcp(TCP6_SAMPLE, 'ipv4'), []);
  assert.deepEqual(parseProcNetTcp(TCP_SAMPLE, 'ipv6'), []);
});

test('formats IPv6 loopback, wildcard, IPv4-mapped and link-local addresses', (t) => {
  littleEndian(t);
  const entries = parseProcNetTcp(TCP6_SAMPLE, 'ipv6');
  assert.deepEqual(
    entries.map((e) => [e.localAddress, e.localPort, e.remoteAddress, e.inode]),
    [
      ['::1', 5901, '::', 22222],
      ['::', 6001, '::', 33333],
      ['::ffff:127.0.0.1', 5901, '::ffff:127.0.0.1', 44444],
      ['fe80::1', 22, '::', 55555],
    ],
  );
  assert.ok(entries.every((e) => e.family === 'ipv6'));
  assert.equal(entries[0]?.uid, 1000);
});

test('maps every state code, and unknown codes to UNKNOWN', (t) => {
  littleEndian(t);
  const codes = ['01', '02', '03', '04', '05', '06', '07', '08', '09', '0A', '0B', '0C', '0D', '00'];
  const text = codes
    .map((st, i) => `${i}: 0100007F:170D 00000000:0000 ${st} 00000000:00000000 00:00000000 00000000 0 0 ${i + 1} 1 0`)
    .join('\n');
  assert.deepEqual(
    parseProcNetTcp(text, 'ipv4').map((e) => e.state),
    ['ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE', 'CLOSE_WAIT',
      'LAST_ACK', 'LISTEN', 'CLOSING', 'NEW_SYN_RECV', 'UNKNOWN', 'UNKNOWN'],
  );
});

test('decodes big-endian words and applies RFC 5952 compression', (t) => {
  t.mock.method(os, 'endianness', () => 'BE' as const);
  const line = (v4: string, v6: string): [string, string] => [
    `0: ${v4}:170D 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1 1 0`,
    `0: ${v6}:170D 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1 1 0`,
  ];
  const addresses: Array<[string, string]> = [
    ['7F000001', '20010DB8000000000001000000000001'],
    ['C0A8010A', '20010DB8000000010001000100010001'],
    ['0A000001', '20010DB8000000000000000100000000'],
    ['0A000002', '00000000000000000000FFFF0A000002'],
  ];
  const lines = addresses.map(([v4, v6]) => line(v4, v6));
  assert.deepEqual(
    parseProcNetTcp(lines.map(([v4]) => v4).join('\n'), 'ipv4').map((e) => e.localAddress),
    ['127.0.0.1', '192.168.1.10', '10.0.0.1', '10.0.0.2'],
  );
  assert.deepEqual(
    parseProcNetTcp(lines.map(([, v6]) => v6).join('\n'), 'ipv6').map((e) => e.localAddress),
    ['2001:db8::1:0:0:1', '2001:db8:0:1:1:1:1:1', '2001:db8::1:0:0', '::ffff:10.0.0.2'],
  );
});

test('finds a listening socket of this process in the live table', async (t) => {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  const { port } = server.address() as net.AddressInfo;

  const entry = (await readTcpTable()).find(
    (e) => e.family === 'ipv4' && e.localPort === port && e.state === 'LISTEN',
  );
  assert.ok(entry, `no LISTEN entry for 127.0.0.1:${port}`);
  assert.equal(entry.localAddress, '127.0.0.1');
  assert.equal(entry.uid, process.getuid?.());
  assert.ok(entry.inode > 0);
});

test('finds a listening IPv6 loopback socket in the live table', async (t) => {
  const server = net.createServer();
  try {
    server.listen(0, '::1');
    await once(server, 'listening');
  } catch (err) {
    t.skip(`no IPv6 loopback here: ${(err as Error).message}`);
    return;
  }
  t.after(() => server.close());
  const { port } = server.address() as net.AddressInfo;

  const entry = (await readTcpTable()).find((e) => e.localPort === port && e.state === 'LISTEN');
  assert.equal(entry?.family, 'ipv6');
  assert.equal(entry?.localAddress, '::1');
});
