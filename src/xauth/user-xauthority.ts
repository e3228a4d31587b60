import { lstatSync } from 'node:fs';
import { dirname } from 'node:path';
import { execa } from 'execa';
import { TsvncError } from '../errors.js';
import { logger } from '../log.js';
import { homeOf } from '../state/state-dir.js';
import { checkTrustedPath } from '../state/trusted-path.js';
import { onePerFile } from './file-queue.js';
import { systemTool, toolEnv } from '../tools/system-tools.js';

/**
 * Where the user's X clients look for cookies, as libXau's XauFileName
 * decides: $XAUTHORITY, else ~/.Xauthority. A kept $XAUTHORITY of another
 * user (root after `su`, `sudo` with env_keep) is not used: root's xauth
 * would take that user's file over (root-owned, 0600) or write through
 * whatever that user puts at its path.
 */
export function userXauthorityPath(env: NodeJS.ProcessEnv): string {
  const given = env.XAUTHORITY;
  const home = `${homeOf(env)}/.Xauthority`;
  if (!given || given === home) return home;
  const problem = xauthorityProblem(given);
  if (problem === null) return given;
  logger.warn(`not using XAUTHORITY=${given}: ${problem}; using ${home}`);
  return home;
}

/**
 * Why the caller's xauth must not write `file`, or null: the directories
 * above it must be the caller's or root's alone, and the file, if there, a
 * regular file or a symlink of the caller's (xauth replaces a symlink by
 * renaming its new file over it, never writing through it).
 */
export function xauthorityProblem(file: string): string | null {
  const uid = process.getuid?.() ?? -1;
  try {
    const existing = lstatSync(file, { throwIfNoEntry: false });
    if (existing && (!(existing.isFile() || existing.isSymbolicLink()) || existing.uid !== uid)) return `${file} is not a file of yours`;
    const { problem } = checkTrustedPath(dirname(file), uid);
    return problem && `${problem.component} ${problem.why}`;
  } catch (error) {
    return (error as Error).message;
  }
}

/** xauth holds its lock (file-c, file-l) for milliseconds; older than this, its xauth is gone. */
const STALE_LOCK_MS = 10_000;

/**
 * An xauth lock file that no xauth holds any more, or null. xauth never
 * breaks one itself, so one left by a SIGKILL blocks every later xauth on
 * the file. tsvnc's own calls on a file run one at a time (file-queue.ts).
 */
function staleLock(file: string): string | null {
  for (const lock of [`${file}-c`, `${file}-l`]) {
    const info = lstatSync(lock, { throwIfNoEntry: false });
    if (info && Date.now() - info.mtimeMs > STALE_LOCK_MS) return `${lock} (${Math.round((Date.now() - info.mtimeMs) / 1000)} s old)`;
  }
  return null;
}

/** Printed even with -q when xauth creates the file: not a failure. */
const CREATING = /^(?:\S*\/)?xauth:\s+file .* does not exist$/;

// Above xauth's own lock wait (10 tries, 2 s apart): only a truly stuck xauth,
// say on a hung NFS home, is killed rather than holding every later start.
const XAUTH_TIMEOUT_MS = 30_000;

/**
 * xauth exits 0 after many failures (an unreadable merge source, a failed
 * rename of the new file into place), so anything it prints is an error.
 */
async function xauth(file: string, args: string[]): Promise<void> {
  const program = systemTool('xauth');
  if (program === null) throw new TsvncError('TOOL_NOT_FOUND', 'xauth is not installed', 'apt-get install xauth');
  const breakLocks = staleLock(file);
  if (breakLocks !== null) logger.warn(`breaking ${breakLocks}, left by an xauth that was killed (a job's end, an OOM kill): every xauth on ${file} would wait 20 s and fail`);
  const flags = ['-q', ...(breakLocks === null ? [] : ['-b']), '-f', file];
  logger.debug(`${program} ${flags.join(' ')} ${args.join(' ')}`);
  const result = await execa(program, [...flags, ...args], {
    reject: false,
    stdin: 'ignore',
    timeout: XAUTH_TIMEOUT_MS,
    env: toolEnv(),
    extendEnv: false,
  });
  const complaint = result.stderr.split('\n').find((line) => line.trim() !== '' && !CREATING.test(line));
  if (result.failed || complaint !== undefined) {
    throw new Error(`xauth ${args[0]} on ${file} failed: ${complaint ?? result.shortMessage}`, { cause: result });
  }
}

/**
 * Copies the entries of a server's -auth file into the user's Xauthority,
 * judged again right before xauth runs: a file that is not safe to write is
 * skipped with a warning (the desktop still runs; its X clients need the
 * cookie some other way).
 */
export function addToUserXauthority(file: string, authFile: string): Promise<void> {
  return onePerFile(file, async () => {
    const problem = xauthorityProblem(file);
    if (problem !== null) {
      logger.warn(`not adding the cookie to ${file}: ${problem}`);
      return;
    }
    await xauth(file, ['merge', authFile]);
  });
}

/** Drops the display's local entry; succeeds when there is none. */
export function removeFromUserXauthority(file: string, host: string, display: number): Promise<void> {
  return onePerFile(file, async () => {
    if (xauthorityProblem(file) === null) await xauth(file, ['remove', `${host}/unix:${display}`]);
  });
}
