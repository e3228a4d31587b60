import { existsSync } from 'node:fs';
import { TsvncError } from '../errors.js';

/** Root-owned system directories: the only places a program run by a daemon (root's above all) may come from. */
const SYSTEM_BIN = ['/usr/bin', '/bin', '/usr/sbin', '/sbin'];

/**
 * The absolute path of a system program, never looked up on a PATH: the
 * system daemon runs these as root, and a PATH (or a user's login
 * environment) would let whoever set it choose what root executes.
 */
export function fixedProgram(name: string): string {
  const found = SYSTEM_BIN.map((dir) => `${dir}/${name}`).find((path) => existsSync(path));
  if (found === undefined) throw new TsvncError('TOOL_NOT_FOUND', `${name} is not installed in ${SYSTEM_BIN.join(', ')}`, `install the package that provides ${name}`);
  return found;
}
