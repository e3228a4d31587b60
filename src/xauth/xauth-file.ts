import { writeNewPrivateFile } from '../tmp/safe-tmp.js';
import { randomBytes } from 'node:crypto';

/** Family value from Xauth.h: a local (Unix socket) connection. */
export const FAMILY_LOCAL = 256;

const COOKIE_NAME = 'MIT-MAGIC-COOKIE-1';

export interface XauthEntry {
  family: number;
  address: Buffer;
  display: string;
  name: string;
  data: Buffer;
}

export function newCookie(): Buffer {
  return randomBytes(16);
}

/**
 * What `xauth add HOST/unix:N . COOKIE` stores. Only the local entry: tsvnc's
 * servers are reached over their Unix socket, and a TCP entry would need the
 * host's address resolved, which xauth does at add time and we do not want to.
 */
export function cookieEntries(host: string, display: number, cookie: Buffer): XauthEntry[] {
  if (host === '') throw new RangeError('xauth entry needs a host name');
  if (!Number.isSafeInteger(display) || display < 0) throw new RangeError(`bad display number ${display}`);
  return [{ family: FAMILY_LOCAL, address: Buffer.from(host), display: String(display), name: COOKIE_NAME, data: cookie }];
}

function u16(value: number): Buffer {
  const buffer = Buffer.alloc(2);
  buffer.writeUInt16BE(value);
  return buffer;
}

function counted(field: Buffer, what: string): Buffer[] {
  // libXau reads a u16 length: a longer field would silently corrupt every entry after it.
  if (field.length > 0xffff) throw new RangeError(`xauth ${what} is ${field.length} bytes, more than 65535`);
  return [u16(field.length), field];
}

/** The Xauthority binary format as libXau's XauWriteAuth writes it. */
export function encodeXauth(entries: readonly XauthEntry[]): Buffer {
  return Buffer.concat(
    entries.flatMap((entry) => {
      if (!Number.isInteger(entry.family) || entry.family < 0 || entry.family > 0xffff) {
        throw new RangeError(`bad xauth family ${entry.family}`);
      }
      return [
        u16(entry.family),
        ...counted(entry.address, 'address'),
        ...counted(Buffer.from(entry.display), 'display'),
        ...counted(Buffer.from(entry.name), 'name'),
        ...counted(entry.data, 'data'),
      ];
    }),
  );
}

/**
 * Creates a server's -auth file. O_EXCL|O_NOFOLLOW because the cookie must
 * land in a file we just created: never through a planted symlink, never in
 * an older file that someone else may already be able to read. A partly
 * written file is removed so a failed start leaves no half cookie behind.
 */
export async function writeAuthFile(path: string, entries: readonly XauthEntry[]): Promise<void> {
  await writeNewPrivateFile(path, encodeXauth(entries));
}

/** The inverse of encodeXauth; a truncated entry ends the list, as libXau's XauReadAuth does. */
export function decodeXauth(content: Buffer): XauthEntry[] {
  const entries: XauthEntry[] = [];
  let at = 0;
  const field = (): Buffer | null => {
    if (at + 2 > content.length) return null;
    const length = content.readUInt16BE(at);
    if (at + 2 + length > content.length) return null;
    const value = content.subarray(at + 2, at + 2 + length);
    at += 2 + length;
    return value;
  };
  while (at + 2 <= content.length) {
    const family = content.readUInt16BE(at);
    at += 2;
    const [address, display, name, data] = [field(), field(), field(), field()];
    if (address === null || display === null || name === null || data === null) break;
    entries.push({ family, address, display: display.toString(), name: name.toString(), data });
  }
  return entries;
}
