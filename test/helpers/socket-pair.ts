import type { TestContext } from 'node:test';
import { createServer, connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { byteReader, type ByteReader } from '../../src/vnc/byte-reader.js';

/** A connected pair of real sockets: `ours` for the code under test, `peer` scripted by the test; each side's reader reads what the other wrote. */
export async function socketPair(t: TestContext): Promise<{ ours: Socket; peer: Socket; fromOurs: ByteReader; fromPeer: ByteReader }> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const ours = connect({ host: '127.0.0.1', port: typeof address === 'object' && address ? address.port : 0 });
  const [peer] = (await once(server, 'connection')) as [Socket];
  t.after(() => {
    ours.destroy();
    peer.destroy();
    server.close();
  });
  return { ours, peer, fromOurs: byteReader(peer, 'the code under test'), fromPeer: byteReader(ours, 'the fake peer') };
}

export const u32 = (n: number): Buffer => {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(n);
  return bytes;
};

/** RFB's reason: its length, then its text. */
export const withReason = (text: string): Buffer => Buffer.concat([u32(Buffer.byteLength(text)), Buffer.from(text)]);

export const RFB_VERSION = Buffer.from('RFB 003.008\n');
