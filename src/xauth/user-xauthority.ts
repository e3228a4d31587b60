import { resolve } from 'node:path';
import { execa } from 'execa';
import { TsvncError } from '../errors.js';
import { logger } from '../log.js';
import { homeOf } from '../state/state-dir.js';

/** Where the user's X clients look for cookies, as libXau's XauFileName decides. */
export function userXauthorityPath(env: NodeJS.ProcessEnv): string {
  if (env.XAUTHORITY) return env.XAUTHORITY;
  return `${homeOf(env)}/.Xauthority`;
}

/**
 * One tail per target file. xauth serializes writers with lock files it
 * retries every two seconds, so ten of our own concurrent calls would wait
 * seconds on each other; chained in process they run back to back instead.
 * xauth still locks (no -b), which keeps ssh and other tools safe.
 */
const tails = new Map<string, Promise<void>>();

function enqueue(file: string, task: () => Promise<void>): Promise<void> {
  const key = resolve(file);
  const run = (tails.get(key) ?? Promise.resolve()).then(task);
  // The stored tail never rejects, so one failed call does not fail the next.
  const tail = run.catch(() => undefined);
  tails.set(key, tail);
  void tail.then(() => {
    if (tails.get(key) === tail) tails.delete(key);
  });
  return run;
}

/** Printed even with -q when xauth creates the file: not a failure. */
const CREATING = /^xauth:\s+file .* does not exist$/;

// Above xauth's own lock wait (10 tries, 2 s apart): only a truly stuck xauth,
// say on a hung NFS home, is killed rather than holding every later start.
const XAUTH_TIMEOUT_MS = 30_000;

/**
 * xauth exits 0 after many failures (an unreadable merge source, a failed
 * rename of the new file into place), so anything it prints is an error.
 */
async function xauth(file: string, args: string[]): Promise<void> {
  logger.debug(`xauth -q -f ${file} ${args.join(' ')}`);
  const result = await execa('xauth', ['-q', '-f', file, ...args], {
    reject: false,
    stdin: 'ignore',
    timeout: XAUTH_TIMEOUT_MS,
  });
  if (result.code === 'ENOENT') {
    throw new TsvncError('TOOL_NOT_FOUND', 'xauth is not installed', 'apt-get install xauth', { cause: result });
  }
  const complaint = result.stderr.split('\n').find((line) => line.trim() !== '' && !CREATING.test(line));
  if (result.failed || complaint !== undefined) {
    throw new Error(`xauth ${args[0]} on ${file} failed: ${complaint ?? result.shortMessage}`, { cause: result });
  }
}

/** Copies the entries of a server's -auth file into the user's Xauthority. */
export function addToUserXauthority(file: string, authFile: string): Promise<void> {
  return enqueue(file, () => xauth(file, ['merge', authFile]));
}

/** Drops the display's local entry; succeeds when there is none. */
export function removeFromUserXauthority(file: string, host: string, display: number): Promise<void> {
  return enqueue(file, () => xauth(file, ['remove', `${host}/unix:${display}`]));
}
