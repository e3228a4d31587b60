import { constants } from 'node:fs';
import { mkdir, open, unlink } from 'node:fs/promises';
import { lockPath } from '../display/display-number.js';
import { handOverXLock } from '../lock/claim-x-lock.js';
import type { StartRequest } from '../daemon/protocol.js';
import type { StatePaths } from '../state/state-dir.js';
import { cookieEntries, newCookie, writeAuthFile } from '../xauth/xauth-file.js';
import { addToUserXauthority, removeFromUserXauthority, userXauthorityPath } from '../xauth/user-xauthority.js';
import { passwdFilePath } from '../vnc/passwd-file.js';
import { sessionLogPath } from './log-file.js';
import { resolveOptions, serverArgs } from './start-options.js';
import type { ExitInfo, SessionRecord } from './session-record.js';
import { spawnServer, type StartedServer } from './spawn-server.js';
import { terminate } from './stop-process.js';
import { TsvncError } from '../errors.js';
import type { ProcessIdentity } from '../proc/process-identity.js';
import { spawnSessionProgram } from './session-program.js';
import { releaseDisplay } from './release-display.js';

export interface Prepared {
  req: StartRequest;
  display: number;
  binary: string;
  xstartup: string | null;
  home: string;
  host: string;
  user: string;
}

export interface Started {
  record: SessionRecord;
  serverExited: Promise<ExitInfo>;
  programExited: Promise<ExitInfo> | null;
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}

/**
 * Starts the server on a display whose lock this daemon holds, then the
 * session program once the server is ready. `persist` records the session
 * as `starting` the moment the server exists, so a daemon that dies now
 * leaves its successor a server to clean up rather than an orphan. On any
 * failure everything is undone: server, lock, socket file, cookies.
 */
export async function startSession(p: Prepared, paths: StatePaths, persist: (record: SessionRecord) => Promise<void>): Promise<Started> {
  const options = resolveOptions(p.req, p.display, `${p.host}:${p.display} (${p.user})`, p.xstartup);
  const record: SessionRecord = {
    display: p.display, state: 'starting', options, server: null, program: null,
    log: sessionLogPath(p.home, p.host, p.display),
    authFile: `${paths.sessions}/${p.display}.xauth`,
    xauthority: userXauthorityPath(p.req.env),
    startedAt: new Date().toISOString(), restarts: 0, lastExit: null, reason: null,
  };
  let spawned: ProcessIdentity | null = null;
  let server: StartedServer | null = null;
  let merged: Promise<void> | null = null;
  await mkdir(`${p.home}/.vnc`, { recursive: true, mode: 0o700 });
  const logFile = await open(record.log, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_APPEND | constants.O_NOFOLLOW, 0o600);
  try {
    await unlink(record.authFile).catch(ignoreMissing);
    await writeAuthFile(record.authFile, cookieEntries(p.host, p.display, newCookie()));
    merged = addToUserXauthority(record.xauthority, record.authFile);
    server = await spawnServer({
      binary: p.binary,
      args: serverArgs(p.display, options, record.authFile, passwdFilePath(p.home)),
      display: p.display,
      rfbPort: options.rfbPort,
      logFd: logFile.fd,
      log: record.log,
      env: p.req.env,
      cwd: p.home,
      onSpawn: async (id) => {
        spawned = id;
        if (!(await handOverXLock(lockPath(p.display), [process.pid], id.pid))) {
          throw new TsvncError('SERVER_FAILED', `${lockPath(p.display)} no longer holds tsvnc's claim`, `tsvnc doctor :${p.display} explains what holds it`);
        }
        record.server = id;
        await persist(record);
      },
    });
    await merged;
    const program = options.xstartup === null ? null : await spawnSessionProgram(options.xstartup, {
      env: { ...p.req.env, DISPLAY: `:${p.display}`, XAUTHORITY: record.xauthority, VNCDESKTOP: options.desktop },
      cwd: p.home,
      logFd: logFile.fd,
    });
    record.program = program?.identity ?? null;
    record.state = 'running';
    return { record, serverExited: server.exited, programExited: program?.exited ?? null };
  } catch (error) {
    // spawnServer kills a server that never got ready; one that did is stopped here.
    if (server) await terminate([server.identity]);
    const pids = spawned === null ? [process.pid] : [process.pid, (spawned as ProcessIdentity).pid];
    await releaseDisplay(p.display, pids);
    await unlink(record.authFile).catch(ignoreMissing);
    if (merged) {
      await merged.catch(() => undefined);
      await removeFromUserXauthority(record.xauthority, p.host, p.display).catch(() => undefined);
    }
    throw error;
  } finally {
    await logFile.close();
  }
}
