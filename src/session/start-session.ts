import { constants } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { mkdir, open } from 'node:fs/promises';
import { removeIfPresent } from '../tmp/safe-tmp.js';
import { lockPath, X11_UNIX_DIR } from '../display/display-number.js';
import { handOverXLock } from '../lock/claim-x-lock.js';
import { TsvncError } from '../errors.js';
import type { ProcessIdentity } from '../proc/process-identity.js';
import type { StatePaths } from '../state/state-dir.js';
import { unwritable } from '../state/session-store.js';
import { cookieEntries, newCookie, writeAuthFile } from '../xauth/xauth-file.js';
import { addToUserXauthority, removeFromUserXauthority, userXauthorityPath } from '../xauth/user-xauthority.js';
import { passwdFilePath } from '../vnc/passwd-file.js';
import { linesSince, rotateLog, sessionLogPath } from './log-file.js';
import { serverArgs } from './start-options.js';
import type { ExitInfo, SessionOptions, SessionRecord } from './session-record.js';
import { spawnServer, type StartedServer } from './spawn-server.js';
import { spawnSessionProgram } from './session-program.js';
import { releaseDisplay, releaseSocketFile } from './release-display.js';
import { terminate } from './stop-process.js';
import { exitText } from './failure-summary.js';
import { openXConnection, type XConnection } from '../x11/x-connection.js';
import { TAG_VARIABLE, taggedProcesses } from './tagged-processes.js';

export interface Launch {
  display: number;
  options: SessionOptions;
  binary: string;
  env: Record<string, string>;
  home: string;
  host: string;
}

export interface Started {
  record: SessionRecord;
  serverExited: Promise<ExitInfo>;
  programExited: Promise<ExitInfo> | null;
  /** Held for the server's life: it made the server load its cookie first, and it closes when the server dies. */
  x: XConnection;
}

/**
 * How long a fresh start watches its session program before answering. A
 * program that cannot run ends within milliseconds of sh starting
 * (measured on a 2-core VM at load 5, 15 runs each: `/nonexistent/prog`
 * median 1.8 ms, max 8 ms; `exit 3` median 1.3 ms, max 6 ms), a real desktop
 * runs for hours: 150 ms leaves room for a loaded machine. Nothing start
 * does after the spawn lasts long enough to hide it in (the record's save
 * takes a few ms), so a start with a session program takes up to this much
 * longer; a start with --no-xstartup (what the benchmark times) waits not at all.
 */
export const PROGRAM_GRACE_MS = 150;

export function newRecord(l: Launch, paths: StatePaths): SessionRecord {
  return {
    display: l.display, state: 'starting', options: l.options, server: null, program: null,
    log: sessionLogPath(l.home, l.host, l.display),
    authFile: `${paths.sessions}/${l.display}.xauth`,
    xauthority: userXauthorityPath(l.env),
    startedAt: new Date().toISOString(), restarts: 0, lastExit: null, reason: null,
    binary: l.binary, env: l.env, home: l.home, failures: [],
    tag: `${l.host}:${l.display}:${randomBytes(9).toString('base64url')}`,
  };
}

/**
 * Starts the server on a display whose lock this daemon holds, then the
 * session program once the server is ready. `persist` records the server
 * the moment it exists, so a daemon that dies now leaves its successor a
 * server to adopt or clean up rather than an orphan. A fresh start undoes
 * everything on failure (server, lock, socket file, cookies); a restart
 * keeps the display reserved for the next attempt and appends to the log,
 * which holds the reason of the crash.
 */
export async function startSession(record: SessionRecord, host: string, persist: (record: SessionRecord) => Promise<void>): Promise<Started> {
  const restart = record.restarts > 0 || record.state === 'restarting';
  const { display, options } = record;
  let spawned: ProcessIdentity | null = null;
  let server: StartedServer | null = null;
  let merged: Promise<void> | null = null;
  let x: XConnection | null = null;
  await mkdir(`${record.home}/.vnc`, { recursive: true, mode: 0o700 });
  const truncate = await rotateLog(record.log, !restart, options.logRotation);
  const logFile = await open(record.log, constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | constants.O_NOFOLLOW | (truncate ? constants.O_TRUNC : 0), 0o600);
  // Everything this session starts carries its tag, so whatever it leaves (even after a daemon died before recording it) can be found.
  const env = { ...record.env, [TAG_VARIABLE]: record.tag };
  try {
    // Before anything is spawned: a successor finds the tag.
    await persist(record);
    await removeIfPresent(record.authFile);
    const cookie = newCookie();
    await writeAuthFile(record.authFile, cookieEntries(host, display, cookie)).catch((error: unknown) => {
      throw unwritable(record.authFile, error);
    });
    merged = addToUserXauthority(record.xauthority, record.authFile);
    server = await spawnServer({
      binary: record.binary,
      args: serverArgs(display, options, record.authFile, passwdFilePath(record.home)),
      display,
      rfbPort: options.rfbPort,
      logFd: logFile.fd,
      log: record.log,
      env,
      cwd: record.home,
      onSpawn: async (id) => {
        spawned = id;
        if (!(await handOverXLock(lockPath(display), [process.pid], id.pid))) {
          throw new TsvncError('SERVER_FAILED', `${lockPath(display)} no longer holds tsvnc's claim`, `tsvnc doctor :${display} explains what holds it`);
        }
        record.server = id;
        await persist(record);
      },
    });
    x = await openXConnection(display, cookie).catch((error: Error) => {
      throw new TsvncError(
        'SERVER_FAILED',
        `the X server on :${display} is up, but tsvnc cannot connect to it with its cookie: ${error.message}`,
        `see ${record.log}; ${X11_UNIX_DIR} must be root's with mode 1777, and extra server options must leave the server's Unix socket on`,
      );
    });
    await merged;
    const programFrom = (await logFile.stat()).size;
    const program = options.xstartup === null ? null : await spawnSessionProgram(options.xstartup, {
      env: { ...env, DISPLAY: `:${display}`, XAUTHORITY: record.xauthority, VNCDESKTOP: options.desktop },
      cwd: record.home,
      logFd: logFile.fd,
    });
    record.program = program?.identity ?? null;
    if (program && !restart) await failIfEndedAtOnce(program.exited, options.autokill, record.log, programFrom);
    record.state = 'running';
    record.reason = null;
    return { record, serverExited: server.exited, programExited: program?.exited ?? null, x };
  } catch (error) {
    // spawnServer kills a server that never got ready; one that did is stopped here.
    if (server) await terminate([server.identity]);
    x?.close();
    // A program that failed may have left children; they carry the tag.
    await terminate(await taggedProcesses(record.tag));
    const ours = ourPids(spawned);
    if (restart) {
      await keepReserved(display, ours);
    } else {
      await releaseDisplay(display, ours);
      await removeIfPresent(record.authFile);
      if (merged) {
        await merged.catch(() => undefined);
        await removeFromUserXauthority(record.xauthority, host, display).catch(() => undefined);
      }
    }
    throw error;
  } finally {
    await logFile.close();
  }
}

/**
 * A session program that ended within the grace, with a failure status or
 * taking the session with it (autokill), is a failed start: the caller
 * gets its status and its last words instead of "New desktop" for a desktop
 * about to vanish.
 */
async function failIfEndedAtOnce(exited: Promise<ExitInfo>, autokill: boolean, log: string, from: number): Promise<void> {
  const info = await Promise.race([exited, delay(PROGRAM_GRACE_MS, null)]);
  if (info === null || (info.code === 0 && !autokill)) return;
  // The server shares the log; its lines are " Component: text" (and "[mi] ..."), the program's are anything else.
  const last = (await linesSince(log, from)).filter((l) => !/^( \w+:|\[\w+\] )/.test(l)).at(-1)?.trim();
  throw new TsvncError(
    'SESSION_PROGRAM_FAILED',
    `the session program ended at once (${exitText(info)})${last ? `: ${last}` : ''}`,
    `see ${log}; check --xstartup or ~/.vnc/xstartup, or use --no-xstartup`,
  );
}

/** The pids the display's lock may name for a session: its server's, or this daemon's around it. */
export function ourPids(server: ProcessIdentity | null): number[] {
  return server ? [server.pid, process.pid] : [process.pid];
}

/**
 * Between a server's death and its successor the lock names the daemon, so
 * no other server or wrapper takes the display; the dead server's socket
 * file goes, so the successor starts cleanly.
 */
export async function keepReserved(display: number, ours: readonly number[]): Promise<void> {
  await handOverXLock(lockPath(display), ours, process.pid);
  await releaseSocketFile(display);
}
