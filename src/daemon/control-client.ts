import { connect, type Socket } from 'node:net';
import { lstat } from 'node:fs/promises';
import { TsvncError } from '../errors.js';
import { logger, type Level } from '../log.js';
import { ensureStateDir, jobStateDir, stateDirFor, type StatePaths } from '../state/state-dir.js';
import { jobScope } from '../state/job-scope.js';
import { SYSTEM_DIR, SYSTEM_SOCKET, userDaemonPaths, type DaemonPaths } from '../system/system-paths.js';
import { isSocketOf } from '../state/trusted-path.js';
import { launchDaemon } from './launch-daemon.js';
import { describeListener } from './listener.js';
import { encode, lineSplitter, parseMessage, type Op, type RequestOf, type ResultOf } from './protocol.js';
import { checkResult } from './check-result.js';

const SYSTEM_PATHS: DaemonPaths = { dir: SYSTEM_DIR, socket: SYSTEM_SOCKET, sessions: '', daemonLog: 'the journal (journalctl -u tsvnc)', system: true };

/**
 * Every request is bounded, so a stopped or hung daemon costs seconds, not
 * forever: a live daemon says `accepted` at once, then answers within its
 * op's bound (kill waits out a 5 s grace, start a 30 s server readiness).
 */
const ACCEPT_MS = 3_000;
const ANSWER_MS: Record<Op, number> = { ping: 3_000, list: 10_000, status: 10_000, kill: 30_000, start: 120_000, web: 30_000, otp: 10_000 };
/** A start still going after this says so once. */
const PROGRESS_MS = 10_000;
/** How long a user of the system daemon waits for it to bring their daemon back. */
const RELAUNCH_WAIT_MS = 3_000;

function open(path: string): Promise<Socket | null> {
  return new Promise((resolve, reject) => {
    const socket = connect({ path });
    socket.setTimeout(ACCEPT_MS, () => {
      socket.destroy();
      reject(new TsvncError('DAEMON_UNAVAILABLE', `the tsvnc daemon at ${path} does not take connections`, 'its backlog is full: it is stopped or hung'));
    });
    socket.once('connect', () => {
      socket.setTimeout(0);
      resolve(socket);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') resolve(null);
      else reject(new TsvncError('DAEMON_UNAVAILABLE', `cannot reach the tsvnc daemon at ${path}: ${error.message}`, 'check the permissions of that directory, or set TSVNC_STATE_DIR'));
    });
  });
}

type OnLog = (level: Level, message: string) => void;

export interface CallOptions {
  /** Where the daemon's progress lines go: the logger unless a relay is given. */
  onLog?: OnLog;
  /** false: never start a missing daemon. */
  launch?: false;
  /** Abandons the request (the forwarder's own client went away): the daemon undoes a start it was not heard finishing. */
  signal?: AbortSignal;
  /** Below 1 for a forwarder, so it gives up on a daemon and says so before its own client gives up on it. */
  boundScale?: number;
}

function exchange<K extends Op>(socket: Socket, request: RequestOf<K>, paths: DaemonPaths, options: CallOptions): Promise<ResultOf<K>> {
  const onLog = options.onLog ?? ((level, message) => logger[level](message));
  const scale = options.boundScale ?? 1;
  return new Promise((resolve, reject) => {
    const timers: NodeJS.Timeout[] = [];
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      options.signal?.removeEventListener('abort', abandon);
      fn();
    };
    const fail = (error: TsvncError) => settle(() => {
      socket.destroy();
      reject(error);
    });
    const wedged = async (what: string) => fail(await wedgedError(paths, request.op, what));
    const abandon = () => fail(new TsvncError('DAEMON_UNAVAILABLE', `the ${request.op} request was abandoned`));
    options.signal?.addEventListener('abort', abandon);
    timers.push(setTimeout(() => void wedged(`did not take the ${request.op} request within ${ACCEPT_MS * scale / 1000} s`), ACCEPT_MS * scale));
    const split = lineSplitter((line) => {
      const message = parseMessage(line);
      if (message.type === 'accepted') {
        clearTimeout(timers[0]);
        const bound = ANSWER_MS[request.op] * scale;
        timers.push(setTimeout(() => void wedged(`took the ${request.op} request but did not answer within ${bound / 1000} s`), bound));
        if (request.op === 'start') timers.push(setTimeout(() => onLog('warn', `still waiting for the tsvnc daemon (pid ${message.pid}) to start the desktop`), PROGRESS_MS));
      } else if (message.type === 'log') onLog(message.level, String(message.message));
      else if (message.type === 'result') {
        // Checked before settling: a result out of shape is thrown to the handler below, as any nonsense is.
        const result = checkResult(request.op, message.result);
        settle(() => resolve(result));
      }
      else settle(() => reject(new TsvncError(message.code, message.message, message.hint)));
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        split(chunk);
      } catch (error) {
        fail(new TsvncError('DAEMON_UNAVAILABLE', `the tsvnc daemon answered nonsense: ${(error as Error).message}`, `see ${paths.daemonLog}`));
      }
    });
    socket.once('error', (error) => fail(new TsvncError('DAEMON_UNAVAILABLE', `lost the tsvnc daemon: ${error.message}`, `see ${paths.daemonLog}`)));
    socket.once('close', () => fail(new TsvncError('DAEMON_UNAVAILABLE', 'the tsvnc daemon closed the connection without an answer', `see ${paths.daemonLog}`)));
    socket.write(encode(request));
  });
}

/** One line naming the daemon that does not answer, and what its owner can do about it. */
async function wedgedError(paths: DaemonPaths, op: Op, what: string): Promise<TsvncError> {
  const listener = await describeListener(paths.socket).catch(() => null);
  const who = listener ? `the tsvnc daemon (${listener.text})` : `the tsvnc daemon at ${paths.socket}`;
  const pid = listener?.pid ?? 'PID';
  const hint = paths.system
    ? `see ${paths.daemonLog}; if it is stuck, systemctl restart tsvnc (desktops keep running)`
    : listener?.stopped
      ? `it is stopped: kill -CONT ${pid} resumes it, or kill ${pid} ends it (desktops keep running${paths.managed ? ', the system daemon starts a new one' : ''})`
      : `see ${paths.daemonLog}; if it stays stuck, kill ${pid} (desktops keep running${paths.managed ? ', the system daemon starts a new one' : ', the next tsvnc command starts a new one'})`;
  const later = op === 'start' ? '; a start it finishes later is undone' : op === 'kill' ? '; it still carries the kill out if it resumes' : '';
  return new TsvncError('DAEMON_UNAVAILABLE', `${who} ${what}${later}`, hint);
}

async function openManaged(paths: DaemonPaths): Promise<Socket | null> {
  const deadline = Date.now() + RELAUNCH_WAIT_MS;
  for (;;) {
    const socket = await open(paths.socket);
    if (socket !== null || Date.now() > deadline) return socket;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** One request to the user's daemon, started in the background first if none is running; its result is checked to be the one of its op. */
export async function callDaemon<K extends Op>(paths: DaemonPaths, request: RequestOf<K>, options: CallOptions = {}): Promise<ResultOf<K>> {
  let socket = paths.managed ? await openManaged(paths) : await open(paths.socket);
  if (socket === null) {
    if (paths.system || paths.managed || options.launch === false) {
      const hint = paths.system ? 'start it: systemctl start tsvnc' : paths.managed ? 'the tsvnc system daemon starts it again; systemctl status tsvnc shows why not' : `see ${paths.daemonLog}`;
      throw new TsvncError('DAEMON_UNAVAILABLE', `no tsvnc daemon answers at ${paths.socket}`, hint);
    }
    await launchDaemon(paths);
    socket = await open(paths.socket);
    if (socket === null) throw new TsvncError('DAEMON_UNAVAILABLE', `the tsvnc daemon started but ${paths.socket} does not answer`, `see ${paths.daemonLog}`);
  }
  try {
    return await exchange(socket, request, paths, options);
  } finally {
    socket.destroy();
  }
}

/** True when a daemon listens on the socket (it may still be wedged): used to avoid starting one just to say "no sessions". */
export async function daemonRunning(paths: Pick<StatePaths, 'socket'>): Promise<boolean> {
  const socket = await open(paths.socket).catch(() => null);
  socket?.destroy();
  return socket !== null;
}

/**
 * The daemon the calling user's commands talk to: inside a batch job, that
 * job's own; else TSVNC_STATE_DIR's; for
 * root, the system daemon when it runs; for a user the system daemon
 * serves, the daemon it started for them (only through a path root owns,
 * to a socket that is theirs); else the user's own.
 */
export async function userStatePaths(): Promise<DaemonPaths> {
  const job = jobScope(process.env);
  if (job !== null) return { ...(await ensureStateDir(jobStateDir(stateDirFor(process.env), job))), job };
  if (!process.env.TSVNC_STATE_DIR) {
    const uid = process.getuid?.() ?? -1;
    if (uid === 0 && (await daemonRunning(SYSTEM_PATHS))) return SYSTEM_PATHS;
    const managed = userDaemonPaths(uid);
    const state = await lstat(managed.dir).catch(() => null);
    if (state?.isDirectory() && state.uid === uid && (await isSocketOf(managed.socket, uid))) return managed;
  }
  return ensureStateDir(stateDirFor(process.env));
}
