import { connect, type Socket } from 'node:net';
import { unixSocketPath, X11_UNIX_DIR } from '../display/display-number.js';
import { lstatOrNull } from '../tmp/safe-tmp.js';

const AUTH_NAME = 'MIT-MAGIC-COOKIE-1';
const SETUP_TIMEOUT_MS = 3_000;

const pad4 = (n: number): number => (4 - (n % 4)) % 4;

/** The client's connection setup (X11 protocol, chapter 8), little-endian. */
export function setupRequest(cookie: Buffer): Buffer {
  const name = Buffer.from(AUTH_NAME, 'latin1');
  const head = Buffer.alloc(12);
  head.write('l', 0, 'latin1');
  head.writeUInt16LE(11, 2);
  head.writeUInt16LE(0, 4);
  head.writeUInt16LE(name.length, 6);
  head.writeUInt16LE(cookie.length, 8);
  return Buffer.concat([head, name, Buffer.alloc(pad4(name.length)), cookie, Buffer.alloc(pad4(cookie.length))]);
}

export type SetupReply = { done: false } | { done: true; ok: true; length: number } | { done: true; ok: false; reason: string; length: number };

/** The server's answer: 8 bytes, then 4 × (bytes 6-7) more; byte 0 is 1 for success, 0 failed, 2 authenticate. */
export function parseSetupReply(data: Buffer): SetupReply {
  if (data.length < 8) return { done: false };
  const length = 8 + 4 * data.readUInt16LE(6);
  if (data.length < length) return { done: false };
  const status = data[0];
  if (status === 1) return { done: true, ok: true, length };
  const reason = status === 0 ? data.toString('latin1', 8, 8 + (data[1] ?? 0)) : 'the server asks for more authentication';
  return { done: true, ok: false, reason: reason.replace(/[^\x20-\x7e]/g, '?').trim() || 'no reason given', length };
}

export interface XConnection {
  /** Resolves when the server closes the connection: it died, or something killed this client. */
  closed: Promise<void>;
  close(): void;
}

/**
 * An authorized connection to our own server on `display`, held open.
 * Xtigervnc reads its -auth file only when the first client connects (and a
 * missing file then opens it to every local user); a connection we make at
 * readiness, while the cookie file certainly exists, makes it load the
 * cookie before anyone else can depend on the file. Held, it also holds
 * off server resets and its end is the server's death as an event, which
 * a process that is not our child gives no other way in node.
 *
 * Only the filesystem socket (node cannot connect to abstract names), and
 * only when it is a socket of ours in a directory nobody else can change:
 * /tmp is shared with everyone, and the cookie must reach only our server.
 */
export async function openXConnection(display: number, cookie: Buffer): Promise<XConnection> {
  const path = unixSocketPath(display);
  const uid = process.getuid?.();
  const dir = await lstatOrNull(X11_UNIX_DIR);
  // Only root or we may swap files in the directory (a sticky one keeps others from renaming ours): the cookie must not reach a socket planted after the check.
  if (!dir?.isDirectory() || (dir.uid !== 0 && dir.uid !== uid) || ((dir.mode & 0o022) !== 0 && (dir.mode & 0o1000) === 0)) {
    throw new Error(`${X11_UNIX_DIR} is not a directory of root's (or yours) that others cannot change`);
  }
  const file = await lstatOrNull(path);
  if (!file?.isSocket() || file.uid !== uid) throw new Error(`${path} is not this user's X socket`);
  const socket = connect({ path });
  await new Promise<void>((resolve, reject) => {
    let received = Buffer.alloc(0);
    const fail = (error: Error) => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const reply = parseSetupReply(received);
      if (!reply.done) return;
      if (!reply.ok) return fail(new Error(`the X server on :${display} refused tsvnc's cookie: ${reply.reason}`));
      cleanup();
      resolve();
    };
    const onClose = () => fail(new Error(`the X server on :${display} closed the connection during setup`));
    const timer = setTimeout(() => fail(new Error(`the X server on :${display} did not answer within ${SETUP_TIMEOUT_MS / 1000} s`)), SETUP_TIMEOUT_MS);
    const cleanup = () => {
      clearTimeout(timer);
      socket.off('data', onData).off('error', fail).off('close', onClose);
    };
    socket.on('data', onData).once('error', fail).once('close', onClose);
    socket.write(setupRequest(cookie));
  });
  return held(socket);
}

function held(socket: Socket): XConnection {
  // No events are selected, so the server sends nothing more; whatever comes is dropped.
  socket.on('data', () => undefined);
  socket.on('error', () => socket.destroy());
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { closed, close: () => socket.destroy() };
}
