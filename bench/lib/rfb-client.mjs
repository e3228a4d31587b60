// A VNC client for the web scenario: the RFB 3.8 handshake straight over TCP
// or over a WebSocket with TLS (as noVNC speaks to a gateway), then timed
// requests. Raw encoding alone, so every full update is width x height x 4
// bytes whatever the screen shows: a stream of known size to relay.
import desJs from 'des.js';
import { connect } from 'node:net';
import WebSocket from 'ws';

/** Bytes as they arrive, taken n at a time; skip drops them without copying (a full frame is megabytes). */
function byteQueue() {
  const chunks = [];
  let length = 0;
  let want = null;
  let failed = null;
  const take = (n, keep) => {
    const parts = [];
    let left = n;
    while (left > 0) {
      const head = chunks[0];
      const part = head.length <= left ? chunks.shift() : head.subarray(0, left);
      if (part !== head) chunks[0] = head.subarray(left);
      if (keep) parts.push(part);
      left -= part.length;
    }
    length -= n;
    return keep ? Buffer.concat(parts) : null;
  };
  const pump = () => {
    if (want && failed) want.reject(failed);
    else if (want && length >= want.n) want.resolve(take(want.n, want.keep));
    else return;
    want = null;
  };
  const wait = (n, keep) => new Promise((resolve, reject) => {
    want = { n, keep, resolve, reject };
    pump();
  });
  return {
    push(chunk) {
      chunks.push(chunk);
      length += chunk.length;
      pump();
    },
    fail(error) {
      failed ??= error;
      pump();
    },
    read: (n) => wait(n, true),
    skip: (n) => wait(n, false),
  };
}

/** VNC authentication: the challenge DES-encrypted with the password, each key byte's bits reversed. */
function vncResponse(challenge, password) {
  const key = Array.from({ length: 8 }, (_, i) => {
    let b = password.charCodeAt(i) & 0xff || 0;
    let r = 0;
    for (let bit = 0; bit < 8; bit++, b >>= 1) r = (r << 1) | (b & 1);
    return r;
  });
  const cipher = desJs.DES.create({ type: 'encrypt', key, padding: false });
  return Buffer.from([...cipher.update(challenge), ...cipher.final()]);
}

async function open(address, queue) {
  if (address.startsWith('tcp://')) {
    const url = new URL(address);
    const socket = connect({ host: url.hostname, port: Number(url.port), noDelay: true });
    socket.on('data', (chunk) => queue.push(chunk));
    socket.on('error', (error) => queue.fail(error));
    socket.on('close', () => queue.fail(new Error(`${address} closed the connection`)));
    await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return { send: (bytes) => socket.write(bytes), close: () => socket.destroy(), cipher: null };
  }
  const ws = new WebSocket(address, ['binary'], { rejectUnauthorized: false, perMessageDeflate: false });
  ws.on('message', (data) => queue.push(data));
  ws.on('error', (error) => queue.fail(error));
  ws.on('close', () => queue.fail(new Error(`${address} closed the WebSocket`)));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return { send: (bytes) => ws.send(bytes), close: () => ws.terminate(), cipher: ws._socket.getCipher?.()?.standardName ?? null };
}

const updateRequest = (incremental, x, y, w, h) => {
  const b = Buffer.alloc(10);
  b.writeUInt8(3, 0);
  b.writeUInt8(incremental ? 1 : 0, 1);
  b.writeUInt16BE(x, 2);
  b.writeUInt16BE(y, 4);
  b.writeUInt16BE(w, 6);
  b.writeUInt16BE(h, 8);
  return b;
};

/**
 * Connects and logs in (security type None when offered, as the gateway
 * offers it, else VNC authentication with password); resolves
 * { width, height, securityType, cipher, roundTrip(), stream(frames), close() }.
 */
export async function rfbClient(address, password) {
  const queue = byteQueue();
  const link = await open(address, queue);
  const version = (await queue.read(12)).toString('latin1');
  if (!/^RFB \d{3}\.\d{3}\n$/.test(version)) throw new Error(`${address} is not an RFB server: ${JSON.stringify(version)}`);
  link.send(Buffer.from('RFB 003.008\n'));
  const count = (await queue.read(1))[0];
  if (count === 0) throw new Error(`${address} refused: ${(await queue.read((await queue.read(4)).readUInt32BE(0))).toString()}`);
  const types = [...(await queue.read(count))];
  const securityType = types.includes(1) ? 1 : 2;
  link.send(Buffer.from([securityType]));
  if (securityType === 2) link.send(vncResponse(await queue.read(16), password));
  if ((await queue.read(4)).readUInt32BE(0) !== 0) throw new Error(`${address}: authentication failed`);
  link.send(Buffer.from([1]));
  const init = await queue.read(24);
  await queue.skip(init.readUInt32BE(20));
  const [width, height, bytesPerPixel] = [init.readUInt16BE(0), init.readUInt16BE(2), init[4] / 8];
  // SetEncodings: Raw only.
  link.send(Buffer.from([2, 0, 0, 1, 0, 0, 0, 0]));

  /** One FramebufferUpdate read to its end; resolves the bytes it took. Bells and cut text are read past. */
  const update = async () => {
    for (;;) {
      const type = (await queue.read(1))[0];
      if (type === 2) continue;
      if (type === 3) {
        await queue.skip(3);
        await queue.skip((await queue.read(4)).readUInt32BE(0));
        continue;
      }
      if (type !== 0) throw new Error(`${address} sent message type ${type}, which this client does not read`);
      const rects = (await queue.read(3)).readUInt16BE(1);
      let bytes = 4;
      for (let i = 0; i < rects; i++) {
        const head = await queue.read(12);
        if (head.readInt32BE(8) !== 0) throw new Error(`${address} sent encoding ${head.readInt32BE(8)}, not Raw`);
        const size = head.readUInt16BE(4) * head.readUInt16BE(6) * bytesPerPixel;
        await queue.skip(size);
        bytes += 12 + size;
      }
      return bytes;
    }
  };
  return {
    width,
    height,
    securityType,
    cipher: link.cipher,
    /** ms from a non-incremental request of one pixel to the end of its update. */
    async roundTrip() {
      const t0 = performance.now();
      link.send(updateRequest(false, 0, 0, 1, 1));
      await update();
      return performance.now() - t0;
    },
    /** `frames` full non-incremental updates, one after the other: { bytes, ms }. */
    async stream(frames) {
      const t0 = performance.now();
      let bytes = 0;
      for (let i = 0; i < frames; i++) {
        link.send(updateRequest(false, 0, 0, width, height));
        bytes += await update();
      }
      return { bytes, ms: performance.now() - t0 };
    },
    close: () => link.close(),
  };
}
