import { access, constants, realpath } from 'node:fs/promises';
import { delimiter, dirname } from 'node:path';
import { ownSessions } from './process-scope.js';
import { TsvncError } from '../errors.js';
import { checkTrustedPath } from '../state/trusted-path.js';

const DEFAULT_SERVER = 'Xtigervnc';

/**
 * The same server under the name `Xvnc`, where the system links that name to
 * it (Debian's alternative): batch-job scripts such as Open OnDemand's find
 * their server by that name (`pgrep -s 0 Xvnc`), and a process's name is
 * the name it was started by.
 */
async function asXvnc(path: string, uid: number): Promise<string> {
  const alias = `${dirname(path)}/Xvnc`;
  const [target, aliased] = await Promise.all([realpath(path), realpath(alias).catch(() => null)]);
  return aliased === target && checkTrustedPath(alias, uid).problem === null ? alias : path;
}

/**
 * The X server binary, looked up on the caller's PATH as vncserver does;
 * TSVNC_XVNC names another one (a patched build, a test fixture). It runs
 * as the caller, so only the caller and root may be able to replace it or
 * any directory above it: root after a plain `su` still has the user's
 * TSVNC_XVNC, and must not run the user's program.
 */
export async function findServer(env: Record<string, string | undefined>, uid = process.getuid?.() ?? -1): Promise<string> {
  const name = env.TSVNC_XVNC || DEFAULT_SERVER;
  const candidates = name.includes('/') ? [name] : (env.PATH ?? '/usr/bin:/bin').split(delimiter).filter(Boolean).map((dir) => `${dir}/${name}`);
  for (const path of candidates) {
    if (!(await access(path, constants.X_OK).then(() => true, () => false))) continue;
    const { problem } = checkTrustedPath(path, uid);
    if (problem !== null) {
      throw new TsvncError('UNSAFE_PATH', `will not run the X server ${path}: ${problem.component} ${problem.why}`, name.includes('/') ? 'unset TSVNC_XVNC, or point it at a server only you or root can change' : 'take that directory out of PATH, or install the server where only root can change it');
    }
    return ownSessions() || name !== DEFAULT_SERVER ? path : asXvnc(path, uid);
  }
  throw new TsvncError('XVNC_NOT_FOUND', `${name} is not installed (not found on PATH)`, 'apt-get install tigervnc-standalone-server, or set TSVNC_XVNC to the server binary');
}
