import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { byteReader } from '../../src/vnc/byte-reader.js';
import { vncAuthResponse } from '../../src/vnc/vnc-des.js';
import { Blacklist } from '../../src/vnc/blacklist.js';
import { startVncProxy, type VncProxy, type VncProxyOptions } from '../../src/vnc/vnc-proxy.js';
import { tempDir } from '../helpers/temp-dir.js';
import { u32, RFB_VERSION as VERSION } from '../helpers/socket-pair.js';

/** The user's passwords, which viewers give. */
const USER = { full: 'secret12', viewOnly: 'looker99' };
/** The server's own, which tsvnc alone gives. */
const SERVER = { full: 'server01', viewOnly: 'server02' };

/**
 * A VNC server on a Unix socket as Xtigervnc is behind the proxy: VncAuth
 * with its full or view-only password, then a ServerInit whose name says
 * which one it was given. `open` counts connections not yet closed.
 */
async function fakeServer(t: TestContext, at?: string): Promise<{ path: string; logins: string[]; open: () => number }> {
  const path = at ?? `${await tempDir(t, 'proxy')}/rfb.sock`;
  const logins: string[] = [];
  let open = 0;
  const server = createServer((socket) => {
    open++;
    socket.on('close', () => open--);
    const reader = byteReader(socket, 'tsvnc');
    void (async () => {
      socket.write(VERSION);
      await reader.read(12);
      socket.write(Buffer.from([1, 2]));
      await reader.read(1);
      const challenge = Buffer.alloc(16, 5);
      socket.write(challenge);
      const response = await reader.read(16);
      const who = Object.entries(SERVER).find(([, p]) => vncAuthResponse(challenge, p).equals(response))?.[0];
      if (who === undefined) return void socket.end(Buffer.concat([u32(1), u32(0)]));
      logins.push(who);
      socket.write(u32(0));
      await reader.read(1);
      const name = Buffer.from(who);
      const init = Buffer.alloc(24);
      init.writeUInt16BE(640, 0);
      init.writeUInt32BE(name.length, 20);
      reader.release();
      socket.write(Buffer.concat([init, name]));
      socket.resume();
    })().catch(() => socket.destroy());
  });
  server.listen(path);
  await once(server, 'listening');
  t.after(() => server.close());
  return { path, logins, open: () => open };
}

async function proxyFor(t: TestContext, server: string, options: Partial<VncProxyOptions> = {}): Promise<VncProxy> {
  const proxy = await startVncProxy({
    hosts: ['127.0.0.1'], port: 0, server: { path: server }, serverPasswords: async () => SERVER, offer: ['VncAuth'], userPasswords: async () => USER, ...options,
  });
  t.after(() => proxy.close());
  return proxy;
}

/** A viewer's login: the desktop's name on success, else the reason it was refused. */
async function login(port: number, password: string): Promise<{ name: string } | { refused: string }> {
  const socket: Socket = connect({ host: '127.0.0.1', port });
  const reader = byteReader(socket, 'the proxy');
  try {
    await reader.read(12);
    socket.write(VERSION);
    const count = (await reader.read(1))[0] ?? 0;
    if (count === 0) return { refused: (await reader.read((await reader.read(4)).readUInt32BE(0))).toString() };
    await reader.read(count);
    socket.write(Buffer.from([2]));
    socket.write(vncAuthResponse(await reader.read(16), password));
    if ((await reader.read(4)).readUInt32BE(0) !== 0) return { refused: (await reader.read((await reader.read(4)).readUInt32BE(0))).toString() };
    socket.write(Buffer.from([1]));
    const init = await reader.read(24);
    return { name: (await reader.read(init.readUInt32BE(20))).toString() };
  } finally {
    socket.destroy();
  }
}

describe("tsvnc's VNC listener for one-time passwords", () => {
  it("lets in the user's password, the view-only one (view-only with the server) and each one-time password once, logging in with the server's own", async (t) => {
    const server = await fakeServer(t);
    const logins: unknown[] = [];
    const proxy = await proxyFor(t, server.path, { onLogin: async (l) => void logins.push(l) });
    assert.notEqual(proxy.port, 0, 'the port it was given');
    assert.deepEqual(await login(proxy.port, 'secret12'), { name: 'full' });
    assert.deepEqual(await login(proxy.port, 'looker99'), { name: 'viewOnly' }, "logged in to the server with its view-only password");
    const otp = proxy.issue();
    assert.deepEqual(await login(proxy.port, otp), { name: 'full' }, 'a one-time password gives full control');
    assert.deepEqual(await login(proxy.port, otp), { refused: 'Authentication failed' });
    assert.deepEqual(await login(proxy.port, 'server01'), { refused: 'Authentication failed' }, "the server's own password is no viewer's");
    assert.deepEqual(server.logins, ['full', 'viewOnly', 'full'], 'a refused viewer never reaches the server');
    assert.deepEqual(logins, [{ address: '127.0.0.1', viewOnly: false }, { address: '127.0.0.1', viewOnly: true }, { address: '127.0.0.1', viewOnly: false }]);
  });

  it("with one-time passwords only, the user's passwords are not even read", async (t) => {
    const server = await fakeServer(t);
    const proxy = await startVncProxy({ hosts: ['127.0.0.1'], port: 0, server: { path: server.path }, serverPasswords: async () => SERVER, offer: ['VncAuth'] });
    t.after(() => proxy.close());
    assert.deepEqual(await login(proxy.port, 'secret12'), { refused: 'Authentication failed' });
    assert.deepEqual(await login(proxy.port, proxy.issue()), { name: 'full' });
  });

  it("reads the user's password file at each login, so a new password counts at once", async (t) => {
    const server = await fakeServer(t);
    let current: { full: string } = { full: 'first123' };
    const proxy = await proxyFor(t, server.path, { userPasswords: async () => current });
    assert.deepEqual(await login(proxy.port, 'first123'), { name: 'full' });
    current = USER;
    assert.deepEqual(await login(proxy.port, 'first123'), { refused: 'Authentication failed' });
    assert.deepEqual(await login(proxy.port, 'secret12'), { name: 'full' });
  });

  it('a password file that cannot be read refuses the viewer with that reason', async (t) => {
    const server = await fakeServer(t);
    const proxy = await proxyFor(t, server.path, { userPasswords: () => Promise.reject(new Error('VNC password file /h/.vnc/passwd can be read by others')) });
    assert.deepEqual(await login(proxy.port, 'secret12'), { refused: 'the desktop\'s password file cannot be read' });
    assert.deepEqual(server.logins, []);
  });

  it('a one-time password the server could not be reached with is not spent', async (t) => {
    const path = `${await tempDir(t, 'later')}/rfb.sock`;
    const proxy = await proxyFor(t, path);
    const otp = proxy.issue();
    assert.deepEqual(await login(proxy.port, otp), { refused: 'the desktop\'s server did not let tsvnc in; try again' });
    const server = await fakeServer(t, path);
    assert.deepEqual(await login(proxy.port, otp), { name: 'full' }, 'the same password, once the server is back');
    assert.deepEqual(await login(proxy.port, otp), { refused: 'Authentication failed' }, 'and then spent');
    assert.deepEqual(server.logins, ['full']);
  });

  it("counts connections without a login as Xtigervnc does, per local user on loopback: past the threshold one more, then refused", async (t) => {
    const server = await fakeServer(t);
    const proxy = await proxyFor(t, server.path, { blacklist: new Blacklist({ threshold: 2 }) });
    assert.deepEqual(await login(proxy.port, 'guess1'), { refused: 'Authentication failed' });
    assert.deepEqual(await login(proxy.port, 'guess2'), { refused: 'Authentication failed' }, 'one let through');
    assert.deepEqual(await login(proxy.port, 'secret12'), { refused: 'Too many security failures' });
  });

  it('a viewer that leaves before tsvnc has logged in for it leaves no connection to the server', async (t) => {
    const server = await fakeServer(t);
    let release: () => void = () => undefined;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const proxy = await proxyFor(t, server.path, { userPasswords: async () => (await slow, USER) });
    const socket = connect({ host: '127.0.0.1', port: proxy.port });
    const reader = byteReader(socket, 'the proxy');
    await reader.read(12);
    socket.write(VERSION);
    await reader.read(2);
    socket.write(Buffer.from([2]));
    socket.write(vncAuthResponse(await reader.read(16), 'secret12'));
    socket.destroy();
    await delay(50);
    release();
    await delay(100);
    assert.deepEqual(server.logins, [], 'it never logged in');
    assert.equal(server.open(), 0);
  });

  it('a viewer flooding the handshake is cut off; too many handshakes from one address are closed at once', async (t) => {
    const server = await fakeServer(t);
    const proxy = await proxyFor(t, server.path);
    const flood = connect({ host: '127.0.0.1', port: proxy.port });
    flood.on('error', () => undefined);
    flood.resume();
    const closed = new Promise((resolve) => flood.on('close', resolve));
    // A well-formed start, then a megabyte where one byte (its choice of type) belongs.
    flood.write(Buffer.concat([VERSION, Buffer.alloc(1024 * 1024, 2)]));
    await closed;
    assert.deepEqual(server.logins, []);
    const held = await Promise.all(Array.from({ length: 8 }, async () => {
      const s = connect({ host: '127.0.0.1', port: proxy.port });
      await once(s, 'data');
      return s;
    }));
    const ninth = connect({ host: '127.0.0.1', port: proxy.port });
    ninth.on('error', () => undefined);
    ninth.resume();
    await new Promise((resolve) => ninth.on('close', resolve));
    assert.equal(ninth.bytesRead, 0, 'not even greeted');
    for (const s of held) s.destroy();
    await delay(50);
    assert.deepEqual(await login(proxy.port, 'secret12'), { refused: 'Too many security failures' }, 'and they counted against this user, as with Xtigervnc');
  });

  it('an address this host lacks is left out, as Xtigervnc leaves out IPv6 where there is none; a port in use fails the start in one line', async (t) => {
    const server = await fakeServer(t);
    const proxy = await proxyFor(t, server.path, { hosts: ['127.0.0.1', '192.0.2.1'] });
    assert.deepEqual(await login(proxy.port, 'secret12'), { name: 'full' });
    await assert.rejects(startVncProxy({ hosts: ['127.0.0.1'], port: proxy.port, server: { path: server.path }, serverPasswords: async () => SERVER, offer: ['VncAuth'] }),
      (error: Error & { code?: string }) => error.code === 'DISPLAY_BUSY' && /the VNC port 127\.0\.0\.1 port \d+ is in use/.test(error.message));
    await assert.rejects(startVncProxy({ hosts: ['192.0.2.1'], port: 0, server: { path: server.path }, serverPasswords: async () => SERVER, offer: ['VncAuth'] }), /cannot listen on port 0/);
  });

  it('close ends the connections', async (t) => {
    const server = await fakeServer(t);
    const proxy = await proxyFor(t, server.path);
    const viewer = connect({ host: '127.0.0.1', port: proxy.port });
    await once(viewer, 'data');
    const closed = once(viewer, 'close');
    await proxy.close();
    await closed;
  });
});
