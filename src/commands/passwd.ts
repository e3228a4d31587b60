import { homeOf } from '../state/state-dir.js';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Argv, ArgumentsCamelCase } from 'yargs';
import { TsvncError } from '../errors.js';
import { logger } from '../log.js';
import { printLines } from '../output/print.js';
import { passwdFilePath, validatePassword, writePasswdFile } from '../vnc/passwd-file.js';
import { promptHidden, readFirstLine } from '../vnc/read-password.js';

export const command = 'passwd';
export const describe = 'Set the password VNC viewers must give (on a terminal it asks twice; otherwise it reads the first line of stdin)';

export function builder(yargs: Argv) {
  return yargs.option('file', { type: 'string', requiresArg: true, describe: 'write this file instead of ~/.vnc/passwd' });
}

type Args = ArgumentsCamelCase<Awaited<ReturnType<typeof builder>['argv']>>;

export async function handler(argv: Args): Promise<void> {
  const path = argv.file ?? passwdFilePath(homeOf(process.env));
  const { password, warning } = await newPassword();
  if (warning) logger.warn(warning);
  await writePasswdFile(path, password);
  printLines([`VNC password saved in ${path} (mode 0600)`]);
}

async function newPassword(): Promise<ReturnType<typeof validatePassword>> {
  if (!process.stdin.isTTY) {
    const line = await readFirstLine(process.stdin);
    if (line === null) throw new TsvncError('BAD_ARGUMENT', 'no password on standard input', 'run tsvnc passwd in a terminal, or: echo PASSWORD | tsvnc passwd');
    return validatePassword(line);
  }
  const first = await promptHidden('Password: ', process.stdin, process.stderr) ?? await interrupted();
  // Judged before asking again, so a rejected password is not typed twice.
  const valid = validatePassword(first);
  const second = await promptHidden('Verify: ', process.stdin, process.stderr) ?? await interrupted();
  if (second !== first) throw new TsvncError('BAD_ARGUMENT', 'the passwords do not match', 'nothing was changed; run tsvnc passwd again');
  return valid;
}

/**
 * Ctrl-C in raw mode arrives as a character, not a signal: die of SIGINT as
 * the terminal would have made us, so a calling shell sees an interruption.
 * A module may listen for SIGINT (proper-lockfile's signal-exit does, and
 * re-raises it); its listener runs on a later tick, so wait for it rather
 * than let the process end with an ordinary exit status meanwhile.
 */
async function interrupted(): Promise<never> {
  process.kill(process.pid, 'SIGINT');
  await sleep(1000);
  throw new TsvncError('BAD_ARGUMENT', 'interrupted: the password was not changed');
}
