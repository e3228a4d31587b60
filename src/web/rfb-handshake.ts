import { TsvncError } from '../errors.js';
import { vncAuthResponse } from '../vnc/passwd-decrypt.js';

/**
 * The two halves of the RFB 3.8 security handshake that the gateway does
 * itself: as a client to the desktop's server (which checks the VNC
 * password), and as a server to the browser (which already proved itself
 * with the token, so it is offered no authentication). From ClientInit on,
 * the bytes are relayed as they are.
 */
export type Read = (n: number) => Promise<Buffer>;
export type Write = (bytes: Buffer) => void;

const VERSION = Buffer.from('RFB 003.008\n', 'latin1');
const NONE = 1;
const VNC_AUTH = 2;
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
async function readVersion(read: Read, who: string): Promise<void> {
  const version = (await read(VERSION.length)).toString('latin1');
  const match = /^RFB (\d{3})\.(\d{3})\n$/.exec(version);
  if (!match) throw protocolError(`${who} is not speaking RFB (it began with ${JSON.stringify(version)})`);
  const [major, minor] = [Number(match[1]), Number(match[2])];
  if (major < 3 || (major === 3 && minor < 8)) throw protocolError(`${who} speaks RFB ${major}.${minor}; the gateway needs 3.8`);
}

function typeNames(types: number[]): string {
  return types.map((t) => SECURITY_TYPE_NAMES[t] ?? String(t)).join(', ');
}

/** Logs in to the desktop's server; afterwards it expects ClientInit. */
export async function authenticateToServer(read: Read, write: Write, password: string): Promise<void> {
  await readVersion(read, 'the VNC server');
  write(VERSION);
  const count = (await read(1))[0] ?? 0;
  if (count === 0) throw new TsvncError('SERVER_FAILED', `the VNC server refused the gateway: ${await reason(read)}`, 'see the desktop\'s log: tsvnc logs :N');
  const types = [...(await read(count))];
  const chosen = types.includes(VNC_AUTH) ? VNC_AUTH : types.includes(NONE) ? NONE : undefined;
  if (chosen === undefined) {
    throw new TsvncError('SERVER_FAILED', `the VNC server offers security types ${typeNames(types)}; the gateway speaks VncAuth and None`, 'start the desktop with --security-types VncAuth: the gateway reaches it on this host');
  }
  write(Buffer.from([chosen]));
  if (chosen === VNC_AUTH) write(vncAuthResponse(await read(16), password));
  const result = (await read(4)).readUInt32BE(0);
  if (result !== 0) {
    throw new TsvncError('SERVER_FAILED', `the VNC server refused the gateway's password: ${await reason(read)}`, 'the desktop\'s password changed since the gateway started: restart it with the desktop');
  }
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

/** Tells the browser why there is no desktop, in words noVNC shows. */
export async function refuseBrowser(read: Read, write: Write, why: string): Promise<void> {
  write(VERSION);
  await readVersion(read, 'the browser');
  const text = Buffer.from(why, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(text.length);
  write(Buffer.concat([Buffer.from([0]), length, text]));
}
