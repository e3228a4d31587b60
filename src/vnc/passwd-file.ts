import { constants } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { TsvncError } from '../errors.js';
import { isCode, readRegularNoFollow, writeNewPrivateFile } from '../tmp/safe-tmp.js';
import { systemTool, toolEnv } from '../tools/system-tools.js';

/** vncpasswd writes 8 bytes; a second 8 follow when a view-only password is set. */
const VALID_SIZES = [8, 16];
const NEW_FILE_HINT = 'set a new one with: tsvnc passwd';
const MIN_LENGTH = 6;
const MAX_LENGTH = 8;

export function passwdFilePath(home: string): string {
  return `${home}/.vnc/passwd`;
}

/**
 * Only printable ASCII: VNC viewers disagree on how to turn other characters
 * into the bytes DES is keyed with, and for ASCII characters and bytes are
 * the same, so the 6 and 8 limits below mean what they say.
 */
export function validatePassword(pw: string): { password: string; warning?: string } {
  if (!/^[\x20-\x7e]*$/.test(pw)) {
    throw new TsvncError('BAD_ARGUMENT', 'the password contains a control or non-ASCII character', 'VNC viewers send only printable ASCII reliably: use letters, digits, punctuation or spaces');
  }
  if (pw.length < MIN_LENGTH) {
    throw new TsvncError('BAD_ARGUMENT', `VNC passwords need at least ${MIN_LENGTH} characters`, `choose one of ${MIN_LENGTH} to ${MAX_LENGTH} characters`);
  }
  if (pw.length > MAX_LENGTH) {
    return { password: pw.slice(0, MAX_LENGTH), warning: `VNC uses only the first ${MAX_LENGTH} characters of a password: the rest was dropped` };
  }
  return { password: pw };
}

/**
 * The file holds a password in a reversible encryption, so it is as secret as
 * the password itself. Checked on the open descriptor (never following a
 * symlink) so what is judged is what the server will read.
 */
export async function checkPasswdFile(path: string): Promise<void> {
  const read = await readRegularNoFollow(path, MAX_LENGTH * 2).catch((error: unknown) => {
    if (isCode(error, 'ENOTDIR')) throw new TsvncError('BAD_PASSWORD_FILE', `${dirname(path)} is not a directory`, 'move it away, then: tsvnc passwd');
    throw error;
  });
  if (read.kind === 'missing') throw new TsvncError('NO_PASSWORD', `no VNC password file at ${path}`, 'set one with: tsvnc passwd');
  if (read.kind === 'not-regular') {
    throw new TsvncError('BAD_PASSWORD_FILE', `VNC password file ${path} is a ${read.type}, not a regular file`, NEW_FILE_HINT);
  }
  if (read.kind === 'unreadable') throw new TsvncError('BAD_PASSWORD_FILE', `cannot read VNC password file ${path}: ${read.error}`, NEW_FILE_HINT);
  const { uid, mode, size } = read.stat;
  const me = process.getuid?.();
  if (me !== undefined && uid !== me) {
    throw new TsvncError('BAD_PASSWORD_FILE', `VNC password file ${path} belongs to uid ${uid}, not to you (uid ${me})`, NEW_FILE_HINT);
  }
  if (!VALID_SIZES.includes(size)) {
    throw new TsvncError('BAD_PASSWORD_FILE', `VNC password file ${path} has ${size} bytes, not 8 (or 16 with a view-only password)`, NEW_FILE_HINT);
  }
  if ((mode & 0o066) !== 0) {
    throw new TsvncError('BAD_PASSWORD_FILE', `VNC password file ${path} is readable or writable by others (mode ${octal(mode)})`, `chmod 600 ${path}`);
  }
}

/**
 * Replaces the file atomically: a temporary file next to it, synced, then
 * renamed over it. A crash leaves the old file or the new one, never half of
 * one, and a symlink planted at `path` is replaced rather than written through.
 */
export async function writePasswdFile(path: string, password: string): Promise<void> {
  const encrypted = await vncEncrypt(password);
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await replaceFile(path, encrypted);
  } catch (error) {
    if (!isSystemError(error)) throw error;
    throw new TsvncError('BAD_PASSWORD_FILE', `cannot save the VNC password in ${path}: ${error.message}`, 'check that its directory is a directory you can write to', { cause: error });
  }
}

/**
 * vncpasswd -f does the VNC scheme (DES keyed with the password, fixed key):
 * node's OpenSSL 3 no longer ships single DES.
 */
async function vncEncrypt(password: string): Promise<Uint8Array> {
  const program = systemTool('vncpasswd');
  if (program === null) throw new TsvncError('TOOL_NOT_FOUND', 'vncpasswd is not installed', 'apt-get install tigervnc-tools');
  // The output is binary: execa must not strip a final 0x0a byte from it.
  // Loaded here, not at start-up: execa is most of the CLI's import time.
  const { execa } = await import('execa');
  const { stdout } = await execa(program, ['-f'], { input: `${password}\n`, encoding: 'buffer', stripFinalNewline: false, env: toolEnv(), extendEnv: false });
  if (stdout.length !== MAX_LENGTH) throw new TsvncError('INTERNAL', `vncpasswd -f wrote ${stdout.length} bytes, not ${MAX_LENGTH}`);
  return stdout;
}

export async function replaceFile(path: string, content: Uint8Array): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.tsvnc-${randomBytes(6).toString('hex')}`);
  await writeNewPrivateFile(temp, content);
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  // Makes the rename itself survive a crash, not only the file's content.
  const dirHandle = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}

function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}

function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, '0')}`;
}
