import desJs from 'des.js';
import { TsvncError } from '../errors.js';
import { checkPasswdFile } from './passwd-file.js';
import { readRegularNoFollow } from '../tmp/safe-tmp.js';

/**
 * VNC's two uses of single DES: the password file is the password encrypted
 * with a key every VNC implementation shares, and VNC authentication answers
 * a 16-byte challenge encrypted with the password. Node's OpenSSL 3 keeps DES
 * only behind --openssl-legacy-provider, a process-wide switch that also
 * depends on how the system's OpenSSL was built, so this uses des.js.
 */
const FIXED_KEY = [23, 82, 107, 6, 35, 78, 88, 7];
const BLOCK = 8;

/** VNC's DES takes each key byte with its bits in reverse order (a quirk of the d3des code it came from). */
function vncKey(bytes: ArrayLike<number>): number[] {
  return Array.from({ length: BLOCK }, (_, i) => {
    let b = bytes[i] ?? 0;
    let r = 0;
    for (let bit = 0; bit < 8; bit++, b >>= 1) r = (r << 1) | (b & 1);
    return r;
  });
}

function des(type: 'encrypt' | 'decrypt', key: ArrayLike<number>, data: Uint8Array): Buffer {
  const cipher = desJs.DES.create({ type, key: vncKey(key), padding: false });
  return Buffer.from([...cipher.update(data), ...cipher.final()]);
}

function decryptBlock(block: Uint8Array): string {
  const plain = des('decrypt', FIXED_KEY, block);
  const end = plain.indexOf(0);
  return plain.subarray(0, end === -1 ? BLOCK : end).toString('latin1');
}

/** A password as `vncpasswd -f` stores it: up to 8 bytes, zero-padded, encrypted with the fixed key. */
export function encryptPasswd(password: string): Buffer {
  const plain = Buffer.alloc(BLOCK);
  Buffer.from(password, 'latin1').copy(plain, 0, 0, BLOCK);
  return des('encrypt', FIXED_KEY, plain);
}

/** The password `vncpasswd` stored in a file's first 8 bytes (the next 8, if any, are the view-only password). */
export function decryptPasswd(content: Uint8Array): string {
  if (content.length < BLOCK) throw new TsvncError('BAD_PASSWORD_FILE', `a VNC password file holds at least ${BLOCK} bytes, this has ${content.length}`, 'set a new one with: tsvnc passwd');
  return decryptBlock(content.subarray(0, BLOCK));
}

/** The answer to a VNC authentication challenge: each 8-byte half encrypted with the password (up to 8 bytes, zero-padded). */
export function vncAuthResponse(challenge: Uint8Array, password: string): Buffer {
  if (challenge.length !== 2 * BLOCK) throw new TsvncError('INTERNAL', `a VNC authentication challenge has ${2 * BLOCK} bytes, not ${challenge.length}`);
  const key = Buffer.alloc(BLOCK);
  Buffer.from(password, 'latin1').copy(key, 0, 0, BLOCK);
  return des('encrypt', key, challenge);
}

/** Checks the file as the server would (owner, mode, size), then decrypts both its passwords. */
export async function readPasswords(path: string): Promise<{ full: string; viewOnly?: string }> {
  await checkPasswdFile(path);
  const read = await readRegularNoFollow(path, 2 * BLOCK);
  if (read.kind !== 'file') throw new TsvncError('BAD_PASSWORD_FILE', `VNC password file ${path} changed while it was read`, 'try again, or set a new one with: tsvnc passwd');
  const full = decryptPasswd(read.content);
  return read.content.length >= 2 * BLOCK ? { full, viewOnly: decryptBlock(read.content.subarray(BLOCK, 2 * BLOCK)) } : { full };
}

export async function readPasswdFile(path: string): Promise<string> {
  return (await readPasswords(path)).full;
}
