import { chmodSync, lstatSync, mkdirSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { basename, dirname, resolve } from 'node:path';
import { TsvncError } from '../errors.js';
import { isCode } from '../tmp/safe-tmp.js';
import { checkTrustedPath } from './trusted-path.js';

/** sun_path is 108 bytes including the terminating NUL. */
const MAX_SOCKET_PATH = 107;

export interface StatePaths {
  dir: string;
  socket: string;
  sessions: string;
  daemonLog: string;
  /** The root daemon of `tsvnc daemon --system`: never started on demand. */
  system?: boolean;
  /** The batch job (see job-scope.ts) whose own daemon this is. */
  job?: string;
}

function callerUid(): number {
  return process.getuid?.() ?? -1;
}

/** A directory of the calling user (following symlinks, as the home's users do). */
export function isOwnDir(path: string | undefined): path is string {
  if (!path?.startsWith('/')) return false;
  try {
    const stat = statSync(path);
    return stat.isDirectory() && stat.uid === callerUid();
  } catch {
    return false;
  }
}

/**
 * $HOME only when it is the caller's own directory: `su` and `sudo -E` keep
 * the user's HOME for root, and root must not put its state, logs or
 * cookies where that user can move them. Else the password database's home.
 */
export function homeOf(env: NodeJS.ProcessEnv): string {
  if (isOwnDir(env.HOME)) return env.HOME;
  try {
    return userInfo().homedir;
  } catch {
    throw new TsvncError('UNSAFE_PATH', `uid ${callerUid()} has no entry in the password database, and HOME is not a directory of yours`, 'set HOME to your home directory, or TSVNC_STATE_DIR');
  }
}

/**
 * The environment the caller's desktop gets: HOME as homeOf decides, and
 * none of the XDG base directories that are not the caller's (kept from
 * another user by `su`), so the session program writes there neither.
 */
export function ownEnv(env: Record<string, string>): Record<string, string> {
  const own: Record<string, string> = { ...env, HOME: homeOf(env) };
  for (const name of ['XDG_RUNTIME_DIR', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_CACHE_HOME', 'XDG_STATE_HOME']) {
    if (own[name] !== undefined && !isOwnDir(own[name])) delete own[name];
  }
  return own;
}

/**
 * TSVNC_STATE_DIR wins (isolated instances, tests); else ~/.vnc, per host
 * because HPC homes are shared over NFS by many login nodes, each with its
 * own daemon and /tmp. Not $XDG_RUNTIME_DIR: logind removes it at logout,
 * and with it the cookie and the record of desktops that keep running.
 */
export function stateDirFor(env: NodeJS.ProcessEnv): string {
  // Absolute: the daemon runs in / and must find the same directory.
  if (env.TSVNC_STATE_DIR) return resolve(env.TSVNC_STATE_DIR);
  return `${homeOf(env)}/.vnc/tsvnc-${hostname()}`;
}

/** A job's state: beside the user's, so it shares its owner-only checks, and gone with the job's daemon. */
export function jobStateDir(userDir: string, job: string): string {
  return `${userDir}/jobs/${job}`;
}

export function statePaths(dir: string): StatePaths {
  return { dir, socket: `${dir}/control.sock`, sessions: `${dir}/sessions`, daemonLog: `${dir}/daemon.log` };
}

/** A desktop's server socket with one-time passwords (see SessionOptions.otp): beside the control socket, owner-only like it. */
export function rfbSocketPath(paths: Pick<StatePaths, 'dir'>, display: number): string {
  const path = `${paths.dir}/rfb-${display}.sock`;
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH) {
    throw new TsvncError('UNSAFE_PATH', `the server socket path ${path} is longer than Unix sockets allow`, 'set TSVNC_STATE_DIR to a shorter directory, or use a lower display');
  }
  return path;
}

/** The password of that socket, which tsvnc alone knows. */
export function rfbPasswordPath(paths: Pick<StatePaths, 'dir'>, display: number): string {
  return `${paths.dir}/rfb-${display}.passwd`;
}

function unsafe(dir: string, why: string, fix?: string): TsvncError {
  const elsewhere = 'set TSVNC_STATE_DIR to a directory of yours';
  return new TsvncError('UNSAFE_PATH', `the state directory ${dir} is not safe: ${why}`, fix === undefined ? elsewhere : `${fix}, or ${elsewhere}`);
}

/**
 * Creates the state dir owner-only, or accepts an existing one: every
 * component of its resolved path must be the caller's or root's (see
 * checkTrustedPath), the directory itself and its sessions dir real
 * directories of the caller (never symlinks), tightened to 0700 if needed:
 * the control socket inside it is the daemon's only access control.
 */
export async function ensureStateDir(dir: string): Promise<StatePaths> {
  const paths = statePaths(dir);
  if (Buffer.byteLength(paths.socket) > MAX_SOCKET_PATH) {
    throw new TsvncError('UNSAFE_PATH', `the control socket path ${paths.socket} is longer than Unix sockets allow`, 'set TSVNC_STATE_DIR to a shorter directory');
  }
  const missing: string[] = [];
  let existing = dir;
  while (lstatOrNull(existing) === null && dirname(existing) !== existing) {
    missing.unshift(basename(existing));
    existing = dirname(existing);
  }
  const { real, problem } = trusted(dir, existing);
  if (problem) throw unsafe(dir, `${problem.component} ${problem.why}`, problem.fix);
  let path = real;
  for (const name of missing) {
    path = `${path === '/' ? '' : path}/${name}`;
    makeDir(dir, path);
  }
  checkOwnDir(dir, dir);
  makeDir(dir, paths.sessions);
  return paths;
}

function lstatOrNull(path: string) {
  try {
    return lstatSync(path);
  } catch (error) {
    if (isCode(error, 'ENOENT')) return null;
    throw unsafe(path, (error as Error).message, 'check its permissions');
  }
}

/** The deepest existing part of the state dir's path, judged; the state dir itself must not be a symlink. */
function trusted(dir: string, existing: string): ReturnType<typeof checkTrustedPath> {
  if (existing === dir && lstatSync(dir).isSymbolicLink()) throw unsafe(dir, 'it is a symlink', `remove ${dir}`);
  try {
    return checkTrustedPath(existing, callerUid());
  } catch (error) {
    throw unsafe(dir, `${existing}: ${(error as Error).message}`, `remove ${existing}`);
  }
}

function makeDir(dir: string, path: string): void {
  try {
    mkdirSync(path, { mode: 0o700 });
  } catch (error) {
    if (!isCode(error, 'EEXIST')) throw new TsvncError('UNSAFE_PATH', `cannot create the state directory ${path}: ${(error as Error).message}`, 'set TSVNC_STATE_DIR to a directory you own');
  }
  checkOwnDir(dir, path);
}

function checkOwnDir(dir: string, path: string): void {
  const stat = lstatSync(path);
  if (!stat.isDirectory() || stat.uid !== callerUid()) {
    throw unsafe(dir, `${path} is not a directory owned by you`, `remove ${path}`);
  }
  if ((stat.mode & 0o077) !== 0) chmodSync(path, 0o700);
}

/** Any saved session at all: lets `list` answer "none" without starting a daemon. */
export async function hasSessionFiles(paths: StatePaths): Promise<boolean> {
  const names = await readdir(paths.sessions).catch(() => []);
  return names.some((name) => /^\d+\.json$/.test(name));
}
