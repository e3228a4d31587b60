import { connect, type Socket } from 'node:net';
import { TsvncError } from '../errors.js';
import { logger } from '../log.js';
import { ensureStateDir, stateDirFor, type StatePaths } from '../state/state-dir.js';
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

function exchange(socket: Socket, request: Request, daemonLog: string): Promise<unknown> {
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
      if (message.type === 'log') logger[message.level](String(message.message));
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

/** One request to the user's daemon, started in the background first if none is running. */
export async function callDaemon(paths: StatePaths, request: Request): Promise<unknown> {
  let socket = await open(paths.socket);
  if (socket === null) {
    await launchDaemon(paths);
    socket = await open(paths.socket);
    if (socket === null) throw new TsvncError('DAEMON_UNAVAILABLE', `the tsvnc daemon started but ${paths.socket} does not answer`, `see ${paths.daemonLog}`);
  }
  try {
    return await exchange(socket, request, paths.daemonLog);
  } finally {
    socket.destroy();
  }
}

/** True when a daemon answers on the socket: used to avoid starting one just to say "no sessions". */
export async function daemonRunning(paths: StatePaths): Promise<boolean> {
  const socket = await open(paths.socket).catch(() => null);
  socket?.destroy();
  return socket !== null;
}

/** The calling user's daemon, from TSVNC_STATE_DIR or the default state directory. */
export async function userStatePaths(): Promise<StatePaths> {
  return ensureStateDir(stateDirFor(process.env));
}
