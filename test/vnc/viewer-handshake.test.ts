import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { once } from 'node:events';
import { X509Certificate } from 'node:crypto';
import { connect as tlsConnect, TLSSocket } from 'node:tls';
import { byteReader, type ByteReader } from '../../src/vnc/byte-reader.js';
import { answerViewer, challengeViewer, type ViewerLink } from '../../src/vnc/viewer-handshake.js';
import { selfSignedCertificate } from '../../src/web/self-signed.js';
import { socketPair, u32, withReason, RFB_VERSION as VERSION } from '../helpers/socket-pair.js';

const write = (socket: Socket) => (bytes: Buffer) => void socket.write(bytes);

function plainLink(reader: ByteReader, socket: Socket): ViewerLink {
  return { read: reader.read, write: write(socket), startTls: () => Promise.reject(new Error('no TLS here')) };
}

describe("tsvnc's VNC listener greeting a viewer", () => {
  it('offers VncAuth, sends a fresh 16-byte challenge and returns the answer; the security result is the caller\'s', async (t) => {
    const { ours, peer, fromOurs, fromPeer } = await socketPair(t);
    const asked = challengeViewer(plainLink(fromPeer, ours), ['VncAuth']);
    assert.deepEqual(await fromOurs.read(12), VERSION);
    peer.write(VERSION);
    assert.deepEqual(await fromOurs.read(2), Buffer.from([1, 2]));
    peer.write(Buffer.from([2]));
    const challenge = await fromOurs.read(16);
    peer.write(Buffer.alloc(16, 9));
    const got = await asked;
    assert.deepEqual(got.challenge, challenge);
    assert.deepEqual(got.response, Buffer.alloc(16, 9));
    answerViewer(got.link.write);
    assert.deepEqual(await fromOurs.read(4), u32(0));
    answerViewer(got.link.write, 'Authentication failed');
    assert.deepEqual(await fromOurs.read(4 + 4 + 21), Buffer.concat([u32(1), withReason('Authentication failed')]));
    const again = challengeViewer(plainLink(fromPeer, ours), ['VncAuth']);
    peer.write(Buffer.concat([VERSION, Buffer.from([2]), Buffer.alloc(16)]));
    await fromOurs.read(12 + 2);
    assert.notDeepEqual((await again).challenge, challenge, 'each challenge is new');
  });

  it('refuses a blacklisted viewer with the reason before offering anything', async (t) => {
    const { ours, peer, fromOurs, fromPeer } = await socketPair(t);
    const asked = challengeViewer(plainLink(fromPeer, ours), ['VncAuth'], 'Too many security failures');
    peer.write(VERSION);
    await assert.rejects(asked, /Too many security failures/);
    assert.deepEqual(await fromOurs.read(12 + 1 + 4 + 26), Buffer.concat([VERSION, Buffer.from([0]), withReason('Too many security failures')]));
  });

  it('refuses a type it did not offer, and RFB older than 3.8', async (t) => {
    const { ours, peer, fromPeer } = await socketPair(t);
    const asked = challengeViewer(plainLink(fromPeer, ours), ['VncAuth']);
    peer.write(Buffer.concat([VERSION, Buffer.from([1])]));
    await assert.rejects(asked, /chose security type 1, which was not offered/);
    const old = await socketPair(t);
    const older = challengeViewer(plainLink(old.fromPeer, old.ours), ['VncAuth']);
    old.peer.write('RFB 003.003\n');
    await assert.rejects(older, /speaks RFB 3\.3; tsvnc needs 3\.8/);
  });

  it('X509Vnc: VeNCrypt 0.2 with X509Vnc alone, TLS with its certificate, then the challenge inside TLS', async (t) => {
    const { ours, peer, fromOurs, fromPeer } = await socketPair(t);
    const pair = await selfSignedCertificate({ dns: ['localhost'], ips: [] });
    const link: ViewerLink = {
      read: fromPeer.read,
      write: write(ours),
      startTls: async () => {
        assert.equal(fromPeer.release().length, 0);
        const secure = new TLSSocket(ours, { isServer: true, cert: pair.cert, key: pair.key });
        await once(secure, 'secure');
        const inside = byteReader(secure, 'the viewer inside TLS');
        return { read: inside.read, write: (bytes) => void secure.write(bytes), startTls: () => Promise.reject(new Error('twice')) };
      },
    };
    const asked = challengeViewer(link, ['X509Vnc', 'VncAuth']);
    peer.write(VERSION);
    assert.deepEqual(await fromOurs.read(12 + 3), Buffer.concat([VERSION, Buffer.from([2, 19, 2])]), 'offered in the desktop\'s order');
    peer.write(Buffer.from([19]));
    assert.deepEqual(await fromOurs.read(2), Buffer.from([0, 2]));
    peer.write(Buffer.from([0, 2]));
    assert.deepEqual(await fromOurs.read(6), Buffer.concat([Buffer.from([0, 1]), u32(261)]), 'version accepted, one subtype: X509Vnc')
    peer.write(u32(261));
    assert.deepEqual(await fromOurs.read(1), Buffer.from([1]), 'accepted: TLS next');
    fromOurs.release();
    const secure = tlsConnect({ socket: peer, rejectUnauthorized: false });
    await once(secure, 'secureConnect');
    assert.equal(secure.getPeerCertificate().fingerprint256, new X509Certificate(pair.cert).fingerprint256, 'the configured certificate');
    const inside = byteReader(secure, 'tsvnc inside TLS');
    const challenge = await inside.read(16);
    secure.write(Buffer.alloc(16, 3));
    const got = await asked;
    assert.deepEqual(got.challenge, challenge);
    assert.deepEqual(got.response, Buffer.alloc(16, 3));
  });

  it('refuses another VeNCrypt version or subtype', async (t) => {
    const { ours, peer, fromOurs, fromPeer } = await socketPair(t);
    const asked = challengeViewer(plainLink(fromPeer, ours), ['X509Vnc']);
    peer.write(Buffer.concat([VERSION, Buffer.from([19]), Buffer.from([0, 1])]));
    await assert.rejects(asked, /VeNCrypt 0\.1, not 0\.2/);
    assert.deepEqual(await fromOurs.read(12 + 2 + 2 + 1), Buffer.concat([VERSION, Buffer.from([1, 19]), Buffer.from([0, 2]), Buffer.from([1])]));
    const other = await socketPair(t);
    const subtype = challengeViewer(plainLink(other.fromPeer, other.ours), ['X509Vnc']);
    other.peer.write(Buffer.concat([VERSION, Buffer.from([19]), Buffer.from([0, 2]), u32(262)]));
    await assert.rejects(subtype, /subtype 262, not the X509Vnc offered/);
  });
});
