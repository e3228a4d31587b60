import { TsvncError } from '../errors.js';
import { vncAuthResponse } from './vnc-des.js';

/**
 * The two halves of the RFB 3.8 security handshake that the gateway does
 * itself: as a client to the desktop's server (which checks the VNC
 * password), and as a server to the browser (which already proved itself
 * with the token, so it is offered no authentication). From ClientInit on,
 * the bytes are relayed as they are.
 */
export type Read = (n: number) => Promise<Buffer>;
export type Write = (bytes: Buffer) => void;

export const VERSION = Buffer.from('RFB 003.008\n', 'latin1');

export function u32(n: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(n);
  return bytes;
}

/** RFB's reason for a refusal: its length, then its text. */
export function withReason(text: string): Buffer {
  return Buffer.concat([u32(Buffer.byteLength(text)), Buffer.from(text, 'utf8')]);
}
const NONE = 1;
const VNC_AUTH = 2;
const VENCRYPT = 19;
const X509_NONE = 260;
const X509_VNC = 261;
const VENCRYPT_NAMES: Record<number, string> = { 1: 'None', 2: 'VncAuth', 256: 'Plain', 257: 'TLSNone', 258: 'TLSVnc', 259: 'TLSPlain', 260: 'X509None', 261: 'X509Vnc', 262: 'X509Plain' };
const SECURITY_TYPE_NAMES: Record<number, string> = { 1: 'None', 2: 'VncAuth', 16: 'Tight', 19: 'VeNCrypt', 22: 'XVP' };
/** A refusal's reason is text for a person: anything longer is no VNC server. */
const MAX_REASON = 4096;

function protocolError(message: string): TsvncError {
  return new TsvncError('SERVER_FAILED', message, 'check that the port is this desktop\'s VNC port and that its server runs');
}

async function reason(read: Read): Promise<string> {
  const length = (await read(4)).readUInt32BE(0);
  if (length > MAX_REASON) throw protocolError(`the VNC server sent a ${length}-byte reason`);
  return (await read(length)).toString('utf8');
}

/** RFB 3.8 or later, answered as 3.8: every server tsvnc runs speaks it. */
export async function readVersion(read: Read, who: string): Promise<void> {
  const version = (await read(VERSION.length)).toString('latin1');
  const match = /^RFB (\d{3})\.(\d{3})\n$/.exec(version);
  if (!match) throw protocolError(`${who} is not speaking RFB (it began with ${JSON.stringify(version)})`);
  const [major, minor] = [Number(match[1]), Number(match[2])];
  if (major < 3 || (major === 3 && minor < 8)) throw protocolError(`${who} speaks RFB ${major}.${minor}; tsvnc needs 3.8`);
}

function typeNames(types: number[]): string {
  return types.map((t) => SECURITY_TYPE_NAMES[t] ?? String(t)).join(', ');
}

/** The connection to the server as the handshake sees it; VeNCrypt moves it into TLS halfway. */
export interface ServerLink {
  read: Read;
  write: Write;
  startTls(): Promise<ServerLink>;
}

/** Logs in to the desktop's server; afterwards it expects ClientInit, on the link returned. */
export async function authenticateToServer(link: ServerLink, password: string): Promise<ServerLink> {
  await readVersion(link.read, 'the VNC server');
  link.write(VERSION);
  const count = (await link.read(1))[0] ?? 0;
  if (count === 0) throw new TsvncError('SERVER_FAILED', `the VNC server refused the gateway: ${await reason(link.read)}`, 'see the desktop\'s log: tsvnc logs :N');
  const types = [...(await link.read(count))];
  // Plain VNC authentication first: the gateway reaches the server on this host, where TLS would only cost CPU.
  const chosen = [VNC_AUTH, NONE, VENCRYPT].find((type) => types.includes(type));
  if (chosen === undefined) {
    throw new TsvncError('SERVER_FAILED', `the VNC server offers security types ${typeNames(types)}; the gateway speaks VncAuth, None and VeNCrypt's X509Vnc and X509None`, 'start the desktop with --security-types VncAuth: the gateway reaches it on this host');
  }
  link.write(Buffer.from([chosen]));
  let inner = link;
  if (chosen === VNC_AUTH) link.write(vncAuthResponse(await link.read(16), password));
  if (chosen === VENCRYPT) inner = await veNCrypt(link, password);
  const result = (await inner.read(4)).readUInt32BE(0);
  if (result !== 0) {
    throw new TsvncError('SERVER_FAILED', `the VNC server refused the gateway's password: ${await reason(inner.read)}`, 'the desktop\'s password changed since the gateway started: restart it with the desktop');
  }
  return inner;
}

/** VeNCrypt 0.2 with an X.509 subtype: TLS first, then VNC authentication or none inside it. */
async function veNCrypt(link: ServerLink, password: string): Promise<ServerLink> {
  const [major, minor] = await link.read(2);
  if (major !== 0 || (minor ?? 0) < 2) throw protocolError(`the VNC server speaks VeNCrypt ${major}.${minor}; the gateway needs 0.2`);
  link.write(Buffer.from([0, 2]));
  if ((await link.read(1))[0] !== 0) throw protocolError('the VNC server refused VeNCrypt 0.2');
  const count = (await link.read(1))[0] ?? 0;
  const body = await link.read(4 * count);
  const subtypes = Array.from({ length: count }, (_, i) => body.readUInt32BE(4 * i));
  const chosen = [X509_VNC, X509_NONE].find((subtype) => subtypes.includes(subtype));
  if (chosen === undefined) {
    throw new TsvncError('SERVER_FAILED', `the VNC server offers VeNCrypt subtypes ${subtypes.map((s) => VENCRYPT_NAMES[s] ?? String(s)).join(', ')}; the gateway speaks X509Vnc and X509None`, 'start the desktop with --security-types X509Vnc or VncAuth');
  }
  link.write(u32(chosen));
  if ((await link.read(1))[0] !== 1) throw protocolError('the VNC server did not start TLS');
  const secure = await link.startTls();
  if (chosen === X509_VNC) secure.write(vncAuthResponse(await secure.read(16), password));
  return secure;
}

/** Greets the browser and lets it in without a password; afterwards it sends ClientInit. */
export async function acceptBrowser(read: Read, write: Write): Promise<void> {
  write(VERSION);
  await readVersion(read, 'the browser');
  write(Buffer.from([1, NONE]));
  const chosen = (await read(1))[0];
  if (chosen !== NONE) throw protocolError(`the browser chose security type ${chosen}, not the None it was offered`);
  write(Buffer.from([0, 0, 0, 0]));
}

/** Greets a client and tells it why it gets no desktop (no security types, then the reason), in words a viewer or noVNC shows. */
export async function refuseClient(read: Read, write: Write, why: string, who: string): Promise<void> {
  write(VERSION);
  await readVersion(read, who);
  write(Buffer.concat([Buffer.from([0]), withReason(why)]));
}
