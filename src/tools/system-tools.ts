import { accessSync, constants, statSync } from 'node:fs';
import { TsvncError } from '../errors.js';

/**
 * Where the daemon looks for the helper programs it runs itself (xauth,
 * vncpasswd): the system's directories, never the PATH of whatever command
 * happened to launch the daemon (`env PATH=/usr/local/sbin tsvnc list`
 * would otherwise leave every later start without xauth). The X server and
 * the session program are the caller's and follow the caller's PATH.
 */
export const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The absolute path of an installed helper program, or null when none of the system directories has it. */
export function systemTool(name: string, path: string = SYSTEM_PATH): string | null {
  for (const dir of path.split(':')) {
    const file = `${dir}/${name}`;
    try {
      if (!statSync(file).isFile()) continue;
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // Not here: the next directory.
    }
  }
  return null;
}

/** Root-owned system directories: the only places a program root runs as part of the system daemon may come from. */
const ROOT_PATH = '/usr/bin:/bin:/usr/sbin:/sbin';

/**
 * The absolute path of a system program root runs (setpriv, getent,
 * systemd-notify), never looked up on a PATH: a PATH (or a user's login
 * environment) would let whoever set it choose what root executes.
 */
export function fixedProgram(name: string): string {
  const found = systemTool(name, ROOT_PATH);
  if (found === null) throw new TsvncError('TOOL_NOT_FOUND', `${name} is not installed in ${ROOT_PATH.split(':').join(', ')}`, `install the package that provides ${name}`);
  return found;
}

/** The environment a helper runs with: nothing of the daemon's own, which may be anyone's. */
export function toolEnv(): Record<string, string> {
  return { PATH: SYSTEM_PATH };
}
