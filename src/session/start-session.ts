import { constants } from 'node:fs';
import { mkdir, open, unlink } from 'node:fs/promises';
import { lockPath } from '../display/display-number.js';
import { handOverXLock } from '../lock/claim-x-lock.js';
import type { StartRequest } from '../daemon/protocol.js';
import type { StatePaths } from '../state/state-dir.js';
import { cookieEntries, newCookie, writeAuthFile } from '../xauth/xauth-file.js';
import { addToUserXauthority, userXauthorityPath } from '../xauth/user-xauthority.js';
import { passwdFilePath } from '../vnc/passwd-file.js';
import { sessionLogPath } from './log-file.js';
import { resolveOptions, serverArgs } from './start-options.js';
import type { ExitInfo, SessionRecord } from './session-record.js';
import { spawnServer } from './spawn-server.js';
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
 * session program once the server is ready. On any failure everything is
 * undone: server, lock, socket file, auth file.
 */
export async function startSession(p: Prepared, paths: StatePaths): Promise<Started> {
  const options = resolveOptions(p.req, p.display, `${p.host}:${p.display} (${p.user})`, p.xstartup);
  const log = sessionLogPath(p.home, p.host, p.display);
  const authFile = `${paths.sessions}/${p.display}.xauth`;
  const xauthority = userXauthorityPath(p.req.env);
  let serverPid: number | null = null;
  await mkdir(`${p.home}/.vnc`, { recursive: true, mode: 0o700 });
  const logFile = await open(log, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_APPEND | constants.O_NOFOLLOW, 0o600);
  try {
    await unlink(authFile).catch(ignoreMissing);
    await writeAuthFile(authFile, cookieEntries(p.host, p.display, newCookie()));
    const merged = addToUserXauthority(xauthority, authFile);
    const server = await spawnServer({
      binary: p.binary,
      args: serverArgs(p.display, options, authFile, passwdFilePath(p.home)),
      display: p.display,
      rfbPort: options.rfbPort,
      logFd: logFile.fd,
      log,
      env: p.req.env,
      cwd: p.home,
      onSpawn: async (id) => {
        serverPid = id.pid;
        await handOverXLock(lockPath(p.display), [process.pid], id.pid);
      },
    });
    await merged;
    const program = options.xstartup === null ? null : await spawnSessionProgram(options.xstartup, {
      env: { ...p.req.env, DISPLAY: `:${p.display}`, XAUTHORITY: xauthority, VNCDESKTOP: options.desktop },
      cwd: p.home,
      logFd: logFile.fd,
    });
    const record: SessionRecord = {
      display: p.display, state: 'running', options,
      server: server.identity, program: program?.identity ?? null,
      log, authFile, xauthority,
      startedAt: new Date().toISOString(), restarts: 0, lastExit: null, reason: null,
    };
    return { record, serverExited: server.exited, programExited: program?.exited ?? null };
  } catch (error) {
    if (serverPid !== null) process.kill(serverPid, 'SIGKILL');
    await releaseDisplay(p.display, serverPid === null ? [process.pid] : [process.pid, serverPid]);
    await unlink(authFile).catch(ignoreMissing);
    throw error;
  } finally {
    await logFile.close();
  }
}
