import { chmod, lstat, mkdir, readdir } from 'node:fs/promises';
import { hostname, homedir } from 'node:os';
import { resolve } from 'node:path';
import { TsvncError } from '../errors.js';

/** sun_path is 108 bytes including the terminating NUL. */
const MAX_SOCKET_PATH = 107;

export interface StatePaths {
  dir: string;
  socket: string;
  sessions: string;
  daemonLog: string;
  /** The root daemon of `tsvnc daemon --system`: never started on demand. */
  system?: boolean;
}

export function homeOf(env: NodeJS.ProcessEnv): string {
  return env.HOME || homedir();
}

/**
 * TSVNC_STATE_DIR wins (isolated instances, tests); then the per-user runtime
 * dir; then ~/.vnc, per host because HPC homes are shared over NFS by many
 * login nodes, each with its own daemon and /tmp.
 */
export function stateDirFor(env: NodeJS.ProcessEnv): string {
  // Absolute: the daemon runs in / and must find the same directory.
  if (env.TSVNC_STATE_DIR) return resolve(env.TSVNC_STATE_DIR);
  if (env.XDG_RUNTIME_DIR) return `${env.XDG_RUNTIME_DIR}/tsvnc`;
  return `${homeOf(env)}/.vnc/tsvnc-${hostname()}`;
}

export function statePaths(dir: string): StatePaths {
  return { dir, socket: `${dir}/control.sock`, sessions: `${dir}/sessions`, daemonLog: `${dir}/daemon.log` };
}

/**
 * Creates the state dir owner-only, or accepts an existing one only if it is
 * a real directory of ours (never a symlink), tightening its mode if needed:
 * the control socket inside it is the daemon's only access control.
 */
export async function ensureStateDir(dir: string): Promise<StatePaths> {
  const paths = statePaths(dir);
  if (Buffer.byteLength(paths.socket) > MAX_SOCKET_PATH) {
    throw new TsvncError('UNSAFE_PATH', `the control socket path ${paths.socket} is longer than Unix sockets allow`, 'set TSVNC_STATE_DIR to a shorter directory');
  }
  for (const path of [dir, paths.sessions]) {
    try {
      await mkdir(path, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new TsvncError('UNSAFE_PATH', `cannot create the state directory ${path}: ${(error as Error).message}`, 'set TSVNC_STATE_DIR to a directory you own');
    }
    await checkOwnDir(path);
  }
  return paths;
}

/** Any saved session at all: lets `list` answer "none" without starting a daemon. */
export async function hasSessionFiles(paths: StatePaths): Promise<boolean> {
  const names = await readdir(paths.sessions).catch(() => []);
  return names.some((name) => /^\d+\.json$/.test(name));
}

async function checkOwnDir(path: string): Promise<void> {
  const stat = await lstat(path);
  const uid = process.getuid?.() ?? -1;
  if (!stat.isDirectory() || stat.uid !== uid) {
    throw new TsvncError('UNSAFE_PATH', `${path} is not a directory owned by you`, 'remove it, or set TSVNC_STATE_DIR to a directory you own');
  }
  if ((stat.mode & 0o077) !== 0) await chmod(path, 0o700);
}
