import { connect, type Socket } from 'node:net';
import { TsvncError } from '../errors.js';
import { logger } from '../log.js';
import { lstat } from 'node:fs/promises';
import type { Level } from '../log.js';
import { ensureStateDir, stateDirFor, type StatePaths } from '../state/state-dir.js';
import { SYSTEM_DIR, SYSTEM_SOCKET, userStateDir } from '../system/system-paths.js';

const SYSTEM_PATHS: StatePaths = { dir: SYSTEM_DIR, socket: SYSTEM_SOCKET, sessions: '', daemonLog: 'the journal (journalctl -u tsvnc)', system: true };
import { launchDaemon } from './launch-daemon.js';
import { encode, lineSplitter, parseMessage, type Request } from './protocol.js';

function open(path: string): Promise<Socket | null> {
  return new Promise((resolve, reject) => {
    const socket = connect({ path });
    socket.once('connect', () => resolve(socket));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') resolve(null);
      else reject(new TsvncError('DAEMON_UNAVAILABLE', `cannot reach the tsvnc daemon at ${path}: ${error.message}`, 'check the permissions of that directory, or set TSVNC_STATE_DIR'));
    });
  });
}

type OnLog = (level: Level, message: string) => void;

function exchange(socket: Socket, request: Request, daemonLog: string, onLog: OnLog): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (!settled) {
        settled = true;
        fn();
      }
    };
    const split = lineSplitter((line) => {
      const message = parseMessage(line);
      if (message.type === 'log') onLog(message.level, String(message.message));
      else if (message.type === 'result') settle(() => resolve(message.result));
      else settle(() => reject(new TsvncError(message.code, message.message, message.hint)));
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        split(chunk);
      } catch (error) {
        settle(() => reject(new TsvncError('DAEMON_UNAVAILABLE', `the tsvnc daemon answered nonsense: ${(error as Error).message}`, `see ${daemonLog}`)));
        socket.destroy();
      }
    });
    socket.once('error', (error) => settle(() => reject(new TsvncError('DAEMON_UNAVAILABLE', `lost the tsvnc daemon: ${error.message}`, `see ${daemonLog}`))));
    socket.once('close', () => settle(() => reject(new TsvncError('DAEMON_UNAVAILABLE', 'the tsvnc daemon closed the connection without an answer', `see ${daemonLog}`))));
    socket.write(encode(request));
  });
}

export interface CallOptions {
  /** Where the daemon's progress lines go: the logger unless a relay is given. */
  onLog?: OnLog;
  /** How to start a missing daemon: as a given user (the system daemon), or never. */
  launch?: Parameters<typeof launchDaemon>[1] | false;
}

/** One request to the user's daemon, started in the background first if none is running. */
export async function callDaemon(paths: StatePaths, request: Request, options: CallOptions = {}): Promise<unknown> {
  let socket = await open(paths.socket);
  if (socket === null) {
    if (paths.system || options.launch === false) {
      throw new TsvncError('DAEMON_UNAVAILABLE', `no tsvnc daemon answers at ${paths.socket}`, paths.system ? 'start it: systemctl start tsvnc' : `see ${paths.daemonLog}`);
    }
    await launchDaemon(paths, options.launch);
    socket = await open(paths.socket);
    if (socket === null) throw new TsvncError('DAEMON_UNAVAILABLE', `the tsvnc daemon started but ${paths.socket} does not answer`, `see ${paths.daemonLog}`);
  }
  try {
    return await exchange(socket, request, paths.daemonLog, options.onLog ?? ((level, message) => logger[level](message)));
  } finally {
    socket.destroy();
  }
}

/** True when a daemon answers on the socket: used to avoid starting one just to say "no sessions". */
export async function daemonRunning(paths: Pick<StatePaths, 'socket'>): Promise<boolean> {
  const socket = await open(paths.socket).catch(() => null);
  socket?.destroy();
  return socket !== null;
}

/**
 * The daemon the calling user's commands talk to: TSVNC_STATE_DIR's; for
 * root, the system daemon when it runs; for a user the system daemon
 * serves, the daemon it started for them; else the user's own.
 */
export async function userStatePaths(): Promise<StatePaths> {
  if (!process.env.TSVNC_STATE_DIR) {
    const uid = process.getuid?.() ?? -1;
    if (uid === 0 && (await daemonRunning(SYSTEM_PATHS))) return SYSTEM_PATHS;
    const dir = userStateDir(uid);
    const stat = await lstat(dir).catch(() => null);
    if (stat?.isDirectory() && stat.uid === uid) return ensureStateDir(dir);
  }
  return ensureStateDir(stateDirFor(process.env));
}
