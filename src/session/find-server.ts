import { access, constants } from 'node:fs/promises';
import { delimiter } from 'node:path';
import { TsvncError } from '../errors.js';

/**
 * The X server binary, looked up on the caller's PATH as vncserver does;
 * TSVNC_XVNC names another one (a patched build, a test fixture).
 */
export async function findServer(env: Record<string, string | undefined>): Promise<string> {
  const name = env.TSVNC_XVNC || 'Xtigervnc';
  const candidates = name.includes('/') ? [name] : (env.PATH ?? '/usr/bin:/bin').split(delimiter).filter(Boolean).map((dir) => `${dir}/${name}`);
  for (const path of candidates) {
    if (await access(path, constants.X_OK).then(() => true, () => false)) return path;
  }
  throw new TsvncError('XVNC_NOT_FOUND', `${name} is not installed (not found on PATH)`, 'apt-get install tigervnc-standalone-server, or set TSVNC_XVNC to the server binary');
}
