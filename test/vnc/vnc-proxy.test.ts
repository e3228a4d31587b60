import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { byteReader } from '../../src/vnc/byte-reader.js';
import { vncAuthResponse } from '../../src/vnc/passwd-decrypt.js';
import { Blacklist } from '../../src/vnc/blacklist.js';
import { startVncProxy, type VncProxy, type VncProxyOptions } from '../../src/vnc/vnc-proxy.js';
import { tempDir } from '../helpers/temp-dir.js';
import { u32, RFB_VERSION as VERSION } from '../helpers/socket-pair.js';

const PASSWORDS = { full: 'secret12', viewOnly: 'looker99' };

/**
 * A VNC server on a Unix socket as Xtigervnc is behind the proxy: VncAuth
 * with the full or the view-only password, then a ServerInit whose name
 * says which one it was given.
 */
async function fakeServer(t: TestContext): Promise<{ path: string; logins: string[] }> {
  const path = `${await tempDir(t, 'proxy')}/rfb.sock`;
  const logins: string[] = [];
  const server = createServer((socket) => {
    const reader = byteReader(socket, 'tsvnc');
    void (async () => {
      socket.write(VERSION);
      await reader.read(12);
      socket.write(Buffer.from([1, 2]));
      await reader.read(1);
      const challenge = Buffer.alloc(16, 5);
      socket.write(challenge);
      const response = await reader.read(16);
      const who = Object.entries(PASSWORDS).find(([, p]) => vncAuthResponse(challenge, p).equals(response))?.[0];
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
  return { path, logins };
}

async function proxyFor(t: TestContext, server: string, options: Partial<VncProxyOptions> = {}): Promise<VncProxy> {
  const proxy = await startVncProxy({ hosts: ['127.0.0.1'], port: 0, server: { path: server }, offer: ['VncAuth'], passwords: async () => PASSWORDS, only: false, ...options });
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
  it('lets in the regular password, the view-only one (as view-only with the server) and each one-time password once', async (t) => {
    const server = await fakeServer(t);
    const proxy = await proxyFor(t, server.path);
    assert.notEqual(proxy.port, 0, 'the port it was given');
    assert.deepEqual(await login(proxy.port, 'secret12'), { name: 'full' });
    assert.deepEqual(await login(proxy.port, 'looker99'), { name: 'viewOnly' }, 'logged in to the server with the view-only password');
    const otp = proxy.issue();
    assert.deepEqual(await login(proxy.port, otp), { name: 'full' }, 'a one-time password gives full control');
    assert.deepEqual(await login(proxy.port, otp), { refused: 'Authentication failed' });
    assert.deepEqual(server.logins, ['full', 'viewOnly', 'full'], 'a refused viewer never reaches the server');
  });

  it('with one-time passwords only, the regular passwords are refused', async (t) => {
    const server = await fakeServer(t);
    const proxy = await proxyFor(t, server.path, { only: true });
    assert.deepEqual(await login(proxy.port, 'secret12'), { refused: 'Authentication failed' });
    assert.deepEqual(await login(proxy.port, 'looker99'), { refused: 'Authentication failed' });
    assert.deepEqual(await login(proxy.port, proxy.issue()), { name: 'full' });
  });

  it('reads the password file at each login, so a new password counts at once', async (t) => {
    const server = await fakeServer(t);
    let current = { full: 'first123' };
    const proxy = await proxyFor(t, server.path, { passwords: async () => current });
    assert.deepEqual(await login(proxy.port, 'first123'), { refused: 'the desktop\'s server did not let tsvnc in; try again' }, 'the server does not know it: tsvnc says so');
    current = PASSWORDS;
    assert.deepEqual(await login(proxy.port, 'first123'), { refused: 'Authentication failed' });
    assert.deepEqual(await login(proxy.port, 'secret12'), { name: 'full' });
  });

  it('a password file that cannot be read refuses the viewer with that reason', async (t) => {
    const server = await fakeServer(t);
    const proxy = await proxyFor(t, server.path, { passwords: () => Promise.reject(new Error('VNC password file /h/.vnc/passwd can be read by others')) });
    assert.deepEqual(await login(proxy.port, 'secret12'), { refused: 'the desktop\'s password file cannot be read' });
    assert.deepEqual(server.logins, []);
  });

  it('blacklists a guessing address as Xtigervnc does', async (t) => {
    const server = await fakeServer(t);
    const proxy = await proxyFor(t, server.path, { blacklist: new Blacklist({ threshold: 2 }) });
    assert.deepEqual(await login(proxy.port, 'guess1'), { refused: 'Authentication failed' });
    assert.deepEqual(await login(proxy.port, 'guess2'), { refused: 'Authentication failed' });
    assert.deepEqual(await login(proxy.port, 'secret12'), { refused: 'Too many security failures' });
  });

  it('a viewer whose server is gone is told so, not left waiting', async (t) => {
    const proxy = await proxyFor(t, `${await tempDir(t, 'gone')}/none.sock`);
    assert.deepEqual(await login(proxy.port, 'secret12'), { refused: 'the desktop\'s server did not let tsvnc in; try again' });
  });

  it('a port in use fails the start in one line; close ends the connections', async (t) => {
    const server = await fakeServer(t);
    const proxy = await proxyFor(t, server.path);
    await assert.rejects(startVncProxy({ hosts: ['127.0.0.1'], port: proxy.port, server: { path: server.path }, offer: ['VncAuth'], passwords: async () => PASSWORDS, only: false }),
      (error: Error & { code?: string }) => error.code === 'DISPLAY_BUSY' && /the VNC port 127\.0\.0\.1 port \d+ is in use/.test(error.message));
    const viewer = connect({ host: '127.0.0.1', port: proxy.port });
    await once(viewer, 'data');
    const closed = once(viewer, 'close');
    await proxy.close();
    await closed;
  });
});
