import { constants } from 'node:fs';
import { randomBytes } from 'node:crypto';
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
import { ensureServerPassword } from '../vnc/server-password.js';
import { rotateLog, sessionLogPath } from '../session/log-file.js';
import { serverArgs } from '../session/start-options.js';
import { serverAddress, type ExitInfo, type RestartingRecord, type RunningRecord, type SessionOptions, type SessionRecord, type StartingRecord } from '../model/session-record.js';
import { spawnServer, type StartedServer } from '../session/spawn-server.js';
import { failIfEndedAtOnce, spawnSessionProgram } from '../session/session-program.js';
import { releaseDisplay, releaseSocketFile } from '../session/release-display.js';
import { terminate } from '../session/stop-process.js';
import { openXConnection, type XConnection } from '../x11/x-connection.js';
import { TAG_VARIABLE, taggedProcesses } from '../session/tagged-processes.js';

export interface Launch {
  display: number;
  options: SessionOptions;
  binary: string;
  env: Record<string, string>;
  home: string;
  host: string;
}

export interface Started {
  record: RunningRecord;
  serverExited: Promise<ExitInfo>;
  programExited: Promise<ExitInfo> | null;
  /** Held for the server's life: it made the server load its cookie first, and it closes when the server dies. */
  x: XConnection;
}

export function newRecord(l: Launch, paths: StatePaths): StartingRecord {
  return {
    display: l.display, state: 'starting', options: l.options, server: null, program: null,
    log: l.options.logFile ?? sessionLogPath(l.home, l.host, l.display),
    authFile: `${paths.sessions}/${l.display}.xauth`,
    xauthority: userXauthorityPath(l.env),
    startedAt: new Date().toISOString(), restarts: 0, lastExit: null, reason: null,
    binary: l.binary, env: l.env, home: l.home, failures: [],
    tag: `${l.host}:${l.display}:${randomBytes(9).toString('base64url')}`,
  };
}

/**
 * Starts the server on a display whose lock this daemon holds, then the
 * session program once the server is ready. `persist` records the session
 * (with its tag) before anything is spawned and the server the moment it
 * exists, so a daemon that dies now leaves its successor a server to adopt
 * or clean up, and a tag to find the rest by, rather than orphans. A fresh start undoes
 * everything on failure (server, lock, socket file, cookies); a restart
 * keeps the display reserved for the next attempt and appends to the log,
 * which holds the reason of the crash.
 */
export async function startSession(record: StartingRecord | RestartingRecord, host: string, persist: (record: SessionRecord) => Promise<void>): Promise<Started> {
  const restart = record.restarts > 0 || record.state === 'restarting';
  const { display, options } = record;
  let spawned: ProcessIdentity | null = null;
  let server: StartedServer | null = null;
  let merged: Promise<void> | null = null;
  let x: XConnection | null = null;
  await mkdir(`${record.home}/.vnc`, { recursive: true, mode: 0o700 });
  // A log the caller named is theirs to keep: appended to, never rotated.
  const truncate = options.logFile === undefined && (await rotateLog(record.log, !restart, options.logRotation));
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
    if (options.otp) await ensureServerPassword(options.otp.serverPasswordFile, !restart);
    server = await spawnServer({
      binary: record.binary,
      args: serverArgs(display, options, record.authFile, passwdFilePath(record.home)),
      display,
      rfb: serverAddress(options),
      logFd: logFile.fd,
      log: record.log,
      env,
      cwd: record.home,
      umask: options.umask,
      onSpawn: async (id) => {
        spawned = id;
        if (!(await handOverXLock(lockPath(display), [process.pid], id.pid))) {
          throw new TsvncError('SERVER_FAILED', `${lockPath(display)} no longer holds tsvnc's claim`, `tsvnc doctor :${display} explains what holds it`);
        }
        await persist({ ...record, server: id });
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
      umask: options.umask,
    });
    if (program && !restart) await failIfEndedAtOnce(program.exited, options.autokill, record.log, programFrom);
    const running: RunningRecord = { ...record, state: 'running', reason: null, server: server.identity, program: program?.identity ?? null };
    return { record: running, serverExited: server.exited, programExited: program?.exited ?? null, x };
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
      if (options.otp) await removeIfPresent(options.otp.serverPasswordFile);
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
