import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { once } from 'node:events';
import { TsvncError } from '../../src/errors.js';
import { byteReader, type ByteReader } from '../../src/vnc/byte-reader.js';
import { acceptBrowser, authenticateToServer, refuseClient, type ServerLink } from '../../src/vnc/rfb-handshake.js';
import { selfSignedCertificate } from '../../src/web/self-signed.js';
import { connect as tlsConnect, TLSSocket } from 'node:tls';
import { vncAuthResponse } from '../../src/vnc/vnc-des.js';
import { socketPair, u32, withReason, RFB_VERSION as VERSION } from '../helpers/socket-pair.js';

const write = (socket: Socket) => (bytes: Buffer) => void socket.write(bytes);

/** The gateway's side of a connection that has no TLS to offer. */
function plainLink(reader: ByteReader, socket: Socket): ServerLink {
  return { read: reader.read, write: write(socket), startTls: () => Promise.reject(new Error('no TLS here')) };
}

function serverFailed(pattern: RegExp) {
  return (error: unknown) => error instanceof TsvncError && error.code === 'SERVER_FAILED' && pattern.test(error.message);
}

describe('the gateway logging in to the VNC server', () => {
  it('answers VncAuth with the password and stops before ClientInit', async (t) => {
    const { ours, peer, fromOurs, fromPeer } = await socketPair(t);
    const challenge = Buffer.from('0f1e2d3c4b5a69788796a5b4c3d2e1f0', 'hex');
    const login = authenticateToServer(plainLink(fromPeer, ours), 'secret12');
    peer.write(Buffer.concat([VERSION, Buffer.from([2, 19, 2])]));
    assert.deepEqual(await fromOurs.read(12), VERSION);
    assert.deepEqual(await fromOurs.read(1), Buffer.from([2]), 'VncAuth chosen over VeNCrypt');
    peer.write(challenge);
    assert.deepEqual(await fromOurs.read(16), vncAuthResponse(challenge, 'secret12'));
    // ServerInit's first bytes may follow at once; they are the relay's, not the handshake's.
    peer.write(Buffer.concat([u32(0), Buffer.from('after')]));
    await login;
    assert.deepEqual(fromPeer.release(), Buffer.from('after'));
  });

  it('takes None when that is all the server offers', async (t) => {
    const { ours, peer, fromOurs, fromPeer } = await socketPair(t);
    const login = authenticateToServer(plainLink(fromPeer, ours), 'secret12');
    peer.write(Buffer.concat([VERSION, Buffer.from([1, 1]), u32(0)]));
    await login;
    assert.deepEqual(await fromOurs.read(13), Buffer.concat([VERSION, Buffer.from([1])]));
  });

  it("reports the server's refusal with its reason", async (t) => {
    const { ours, peer, fromPeer } = await socketPair(t);
    const login = authenticateToServer(plainLink(fromPeer, ours), 'secret12');
    peer.write(Buffer.concat([VERSION, Buffer.from([0]), withReason('Too many security failures')]));
    await assert.rejects(login, serverFailed(/refused the gateway: Too many security failures/));
  });

  it('reports a wrong password with what the server said', async (t) => {
    const { ours, peer, fromPeer } = await socketPair(t);
    const login = authenticateToServer(plainLink(fromPeer, ours), 'wrong!!!');
    peer.write(Buffer.concat([VERSION, Buffer.from([1, 2]), Buffer.alloc(16), u32(1), withReason('Authentication failed')]));
    await assert.rejects(login, serverFailed(/refused the gateway's password: Authentication failed/));
  });

  it('names the types it cannot speak and how to start the desktop instead', async (t) => {
    const { ours, peer, fromPeer } = await socketPair(t);
    const login = authenticateToServer(plainLink(fromPeer, ours), 'secret12');
    peer.write(Buffer.concat([VERSION, Buffer.from([2, 16, 22])]));
    await assert.rejects(login, (error: unknown) => serverFailed(/offers security types Tight, XVP/)(error) && /--security-types VncAuth/.test((error as TsvncError).hint ?? ''));
  });

  for (const [what, greeting, pattern] of [
    ['something that is not RFB', 'HTTP/1.1 200 ', /not speaking RFB/],
    ['RFB older than 3.8', 'RFB 003.003\n', /speaks RFB 3.3/],
  ] as const) {
    it(`refuses ${what}`, async (t) => {
      const { ours, peer, fromPeer } = await socketPair(t);
      const login = authenticateToServer(plainLink(fromPeer, ours), 'secret12');
      peer.write(greeting);
      await assert.rejects(login, serverFailed(pattern));
    });
  }

  it('fails, not hangs, when the server hangs up halfway', async (t) => {
    const { ours, peer, fromPeer } = await socketPair(t);
    const login = authenticateToServer(plainLink(fromPeer, ours), 'secret12');
    peer.end(VERSION);
    await assert.rejects(login, /closed the connection/);
  });

  it('refuses an absurd reason length rather than waiting for it', async (t) => {
    const { ours, peer, fromPeer } = await socketPair(t);
    const login = authenticateToServer(plainLink(fromPeer, ours), 'secret12');
    peer.write(Buffer.concat([VERSION, Buffer.from([0]), u32(0xffffffff)]));
    await assert.rejects(login, serverFailed(/4294967295-byte reason/));
  });
});

describe("the gateway logging in over VeNCrypt's TLS", () => {
  const u32s = (...values: number[]) => Buffer.concat(values.map(u32));

  it('takes X509Vnc: TLS, then VNC authentication inside it', async (t) => {
    const { ours, peer, fromOurs, fromPeer } = await socketPair(t);
    const pair = await selfSignedCertificate({ dns: ['localhost'], ips: [] });
    const link: ServerLink = {
      read: fromPeer.read,
      write: write(ours),
      startTls: async () => {
        assert.equal(fromPeer.release().length, 0);
        const secure = tlsConnect({ socket: ours, rejectUnauthorized: false });
        await once(secure, 'secureConnect');
        const inside = byteReader(secure, 'the TLS peer');
        return { read: inside.read, write: (bytes) => void secure.write(bytes), startTls: () => Promise.reject(new Error('twice')) };
      },
    };
    const login = authenticateToServer(link, 'secret12');
    peer.write(Buffer.concat([VERSION, Buffer.from([1, 19])]));
    assert.deepEqual(await fromOurs.read(13), Buffer.concat([VERSION, Buffer.from([19])]));
    peer.write(Buffer.from([0, 2]));
    assert.deepEqual(await fromOurs.read(2), Buffer.from([0, 2]));
    peer.write(Buffer.concat([Buffer.from([0]), Buffer.from([3]), u32s(262, 261, 256)]));
    assert.deepEqual(await fromOurs.read(4), u32(261), 'X509Vnc, not X509Plain or Plain');
    peer.write(Buffer.from([1]));
    fromOurs.release();
    const secure = new TLSSocket(peer, { isServer: true, cert: pair.cert, key: pair.key });
    const inside = byteReader(secure, 'the gateway inside TLS');
    const challenge = Buffer.alloc(16, 7);
    secure.write(challenge);
    assert.deepEqual(await inside.read(16), vncAuthResponse(challenge, 'secret12'));
    secure.write(u32(0));
    const inner = await login;
    inner.write(Buffer.from([1]));
    assert.deepEqual(await inside.read(1), Buffer.from([1]), 'ClientInit goes inside TLS');
  });

  it('names the subtypes it cannot speak', async (t) => {
    const { ours, peer, fromPeer } = await socketPair(t);
    const login = authenticateToServer(plainLink(fromPeer, ours), 'secret12');
    // VeNCrypt 0.2, then (after the client's version) its ack and two subtypes.
    peer.write(Buffer.concat([VERSION, Buffer.from([1, 19]), Buffer.from([0, 2]), Buffer.from([0]), Buffer.from([2]), u32s(256, 262)]));
    await assert.rejects(login, (error: unknown) => serverFailed(/VeNCrypt subtypes Plain, X509Plain; the gateway speaks X509Vnc and X509None/)(error) && /X509Vnc or VncAuth/.test((error as TsvncError).hint ?? ''));
  });
});

describe('the gateway greeting the browser', () => {
  it('offers None alone, confirms it, and leaves ClientInit to the relay', async (t) => {
    const { ours, peer, fromOurs, fromPeer } = await socketPair(t);
    const greeting = acceptBrowser(fromPeer.read, write(ours));
    assert.deepEqual(await fromOurs.read(12), VERSION);
    peer.write(Buffer.concat([VERSION, Buffer.from([1])]));
    peer.write(Buffer.from([1]));
    await greeting;
    assert.deepEqual(await fromOurs.read(6), Buffer.from([1, 1, 0, 0, 0, 0]));
    assert.deepEqual(fromPeer.release(), Buffer.from([1]), 'the shared flag of ClientInit, for the server');
  });

  it('refuses a browser that picks another type', async (t) => {
    const { ours, peer, fromPeer } = await socketPair(t);
    const greeting = acceptBrowser(fromPeer.read, write(ours));
    peer.write(Buffer.concat([VERSION, Buffer.from([2])]));
    await assert.rejects(greeting, /chose security type 2/);
  });

  it('tells the browser why there is no desktop, as an RFB refusal', async (t) => {
    const { ours, peer, fromOurs, fromPeer } = await socketPair(t);
    const refusal = refuseClient(fromPeer.read, write(ours), 'the desktop is gone', 'the browser');
    assert.deepEqual(await fromOurs.read(12), VERSION);
    peer.write(VERSION);
    await refusal;
    assert.deepEqual(await fromOurs.read(24), Buffer.concat([Buffer.from([0]), withReason('the desktop is gone')]));
  });
});
