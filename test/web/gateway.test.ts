import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import WebSocket from 'ws';
import { TsvncError } from '../../src/errors.js';
import { ensureCertificate } from '../../src/web/certificate.js';
import { startGateway, type Gateway } from '../../src/web/gateway.js';
import { newToken } from '../../src/web/token.js';
import { byteReader } from '../../src/vnc/byte-reader.js';
import { vncAuthResponse } from '../../src/vnc/vnc-des.js';
import { tempDir } from '../helpers/temp-dir.js';
import { until } from '../helpers/until.js';

const VERSION = Buffer.from('RFB 003.008\n');
const PASSWORD = 'secret12';
const NAMES = { dns: ['localhost'], ips: ['127.0.0.1'] };
const SERVER_INIT = Buffer.from('server-init-and-frames');

/**
 * A scripted VNC server (VncAuth with PASSWORD): it records every connection
 * and everything the gateway sends after logging in, and answers with
 * SERVER_INIT. The desktop itself is in the sandbox tests.
 */
async function fakeRfbServer(t: TestContext, password = PASSWORD): Promise<{ port: number; connections: number; received: () => Buffer }> {
  const state = { port: 0, connections: 0, after: [] as Buffer[] };
  const server: Server = createServer((socket: Socket) => {
    state.connections++;
    const reader = byteReader(socket, 'gateway');
    const challenge = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    void (async () => {
      socket.write(Buffer.concat([VERSION]));
      await reader.read(12);
      socket.write(Buffer.from([1, 2]));
      await reader.read(1);
      socket.write(challenge);
      const ok = (await reader.read(16)).equals(vncAuthResponse(challenge, password));
      if (!ok) {
        const reason = Buffer.from('Authentication failure');
        const length = Buffer.alloc(4);
        length.writeUInt32BE(reason.length);
        socket.end(Buffer.concat([Buffer.from([0, 0, 0, 1]), length, reason]));
        return;
      }
      socket.write(Buffer.from([0, 0, 0, 0]));
      const rest = reader.release();
      if (rest.length) state.after.push(rest);
      socket.on('data', (chunk: Buffer) => state.after.push(chunk)).resume();
      socket.write(SERVER_INIT);
    })().catch(() => socket.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  const address = server.address();
  state.port = typeof address === 'object' && address ? address.port : 0;
  return {
    port: state.port,
    get connections() { return state.connections; },
    received: () => Buffer.concat(state.after),
  };
}

async function gatewayFor(t: TestContext, rfbPort: number, vncPassword = PASSWORD): Promise<Gateway & { token: string }> {
  const cert = await ensureCertificate(await tempDir(t, 'gateway'), NAMES);
  const token = newToken();
  const gateway = await startGateway({ host: '127.0.0.1', port: 0, cert: await readFile(cert.certPath), key: await readFile(cert.keyPath), token, rfb: { port: rfbPort }, vncPassword: async () => vncPassword });
  t.after(() => gateway.close());
  return { ...gateway, token };
}

function get(port: number, path: string, method = 'GET'): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, rejectUnauthorized: false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject).end();
  });
}

/** A WebSocket upgrade: the HTTP status when refused, else the socket and every byte it received. */
function upgrade(port: number, path: string): Promise<{ status: number; ws?: WebSocket; bytes: Buffer[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`wss://127.0.0.1:${port}${path}`, { rejectUnauthorized: false });
    const bytes: Buffer[] = [];
    ws.on('message', (data: Buffer) => bytes.push(data));
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0, bytes }));
    ws.on('open', () => resolve({ status: 101, ws, bytes }));
    ws.on('error', reject);
  });
}

describe('the web gateway', () => {
  it("serves its page and noVNC's modules, and nothing else", async (t) => {
    const server = await fakeRfbServer(t);
    const gateway = await gatewayFor(t, server.port);
    const page = await get(gateway.port, '/');
    assert.equal(page.status, 200);
    assert.match(page.body, /<script type="module" src="\/tsvnc-web.js">/);
    assert.match(String(page.headers['content-security-policy']), /default-src 'self'/);
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    const rfb = await get(gateway.port, '/novnc/core/rfb.js');
    assert.equal(rfb.status, 200);
    assert.match(String(rfb.headers['content-type']), /^text\/javascript/);
    assert.match(rfb.body, /export default class RFB/);
    for (const path of ['/novnc/core/../../package.json', '/novnc/%2e%2e/package.json', '/novnc/', '/etc/passwd', '/novnc/core/rfb.js/']) {
      assert.equal((await get(gateway.port, path)).status, 404, path);
    }
    assert.equal((await get(gateway.port, '/', 'POST')).status, 405);
    assert.equal(server.connections, 0, 'serving files never touches the desktop');
  });

  it('prints a URL for this host whose fragment carries the token', async (t) => {
    const gateway = await gatewayFor(t, (await fakeRfbServer(t)).port);
    assert.equal(gateway.url, `https://localhost:${gateway.port}/#token=${gateway.token}`);
  });

  it('refuses a WebSocket without the right token on every path (403), and never reaches the desktop', async (t) => {
    const server = await fakeRfbServer(t);
    const gateway = await gatewayFor(t, server.port);
    const wrong = newToken();
    for (const path of ['/websockify', '/', '/novnc/core/rfb.js', '/anything', `/websockify?token=${wrong}`, `/?token=${wrong}`, `/websockify?token=${gateway.token.slice(0, -1)}`, `/websockify?tok=${gateway.token}`]) {
      const answer = await upgrade(gateway.port, path);
      assert.equal(answer.status, 403, path);
      assert.deepEqual(answer.bytes, [], path);
    }
    assert.equal(server.connections, 0);
  });

  it('answers 404 to the right token on another path, still without reaching the desktop', async (t) => {
    const server = await fakeRfbServer(t);
    const gateway = await gatewayFor(t, server.port);
    assert.equal((await upgrade(gateway.port, `/other?token=${gateway.token}`)).status, 404);
    assert.equal(server.connections, 0);
  });

  it('with the token, logs in for the browser, offers it None, then relays both ways', async (t) => {
    const server = await fakeRfbServer(t);
    const gateway = await gatewayFor(t, server.port);
    const answer = await upgrade(gateway.port, `/websockify?token=${gateway.token}`);
    assert.equal(answer.status, 101);
    const ws = answer.ws!;
    const received = () => Buffer.concat(answer.bytes);
    await until(() => received().length >= 12, 'the version');
    assert.deepEqual(received().subarray(0, 12), VERSION);
    ws.send(VERSION);
    await until(() => received().length >= 14, 'the security types');
    assert.deepEqual(received().subarray(12, 14), Buffer.from([1, 1]));
    // The choice and ClientInit in one message, as a fast client may send them.
    ws.send(Buffer.from([1, 1]));
    await until(() => received().length >= 18 + SERVER_INIT.length, 'ServerInit');
    assert.deepEqual(received().subarray(14), Buffer.concat([Buffer.from([0, 0, 0, 0]), SERVER_INIT]));
    ws.send(Buffer.from('client-messages'));
    await until(() => server.received().toString().includes('client-messages'), 'the relay to the server');
    assert.deepEqual(server.received(), Buffer.concat([Buffer.from([1]), Buffer.from('client-messages')]), 'ClientInit first, in order');
    ws.close();
  });

  it("tells the browser when the desktop refuses the gateway's password", async (t) => {
    const server = await fakeRfbServer(t, 'another1');
    const gateway = await gatewayFor(t, server.port);
    const answer = await upgrade(gateway.port, `/websockify?token=${gateway.token}`);
    const ws = answer.ws!;
    await until(() => Buffer.concat(answer.bytes).length >= 12, 'the version');
    ws.send(VERSION);
    await until(() => Buffer.concat(answer.bytes).length > 17, 'the refusal');
    const refusal = Buffer.concat(answer.bytes).subarray(12);
    assert.equal(refusal[0], 0, 'no security types: a refusal');
    assert.match(refusal.subarray(5).toString(), /refused the gateway's password: Authentication failure/);
  });

  it('listens on the address it is given, and close() closes the port and its connections', async (t) => {
    const server = await fakeRfbServer(t);
    const gateway = await gatewayFor(t, server.port);
    const answer = await upgrade(gateway.port, `/websockify?token=${gateway.token}`);
    const closed = once(answer.ws!, 'close');
    await gateway.close();
    await closed;
    const refused = await new Promise<string>((resolve) => connect({ host: '127.0.0.1', port: gateway.port }).on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? '')).on('connect', () => resolve('connected')));
    assert.equal(refused, 'ECONNREFUSED');
  });

  it('says which port is busy', async (t) => {
    const holder = createServer().listen(0, '127.0.0.1');
    await once(holder, 'listening');
    t.after(() => holder.close());
    const address = holder.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const cert = await ensureCertificate(await tempDir(t, 'gateway'), NAMES);
    await assert.rejects(
      startGateway({ host: '127.0.0.1', port, cert: await readFile(cert.certPath), key: await readFile(cert.keyPath), token: newToken(), rfb: { port: 1 }, vncPassword: async () => PASSWORD }),
      (error: unknown) => error instanceof TsvncError && error.code === 'DISPLAY_BUSY' && error.message.includes(`port ${port} is in use`),
    );
  });

  it('refuses a certificate or key it cannot use, before listening', async (t) => {
    const cert = await ensureCertificate(await tempDir(t, 'gateway'), NAMES);
    const other = await ensureCertificate(await tempDir(t, 'gateway'), NAMES);
    const base = { host: '127.0.0.1', port: 0, token: newToken(), rfb: { port: 1 }, vncPassword: async () => PASSWORD };
    const pairs: Array<[string | Buffer, Buffer]> = [['not a certificate', await readFile(cert.keyPath)], [await readFile(cert.certPath), await readFile(other.keyPath)]];
    for (const [certText, keyText] of pairs) {
      await assert.rejects(startGateway({ ...base, cert: certText, key: keyText }), (error: unknown) => error instanceof TsvncError && error.code === 'BAD_CONFIG');
    }
  });
});
