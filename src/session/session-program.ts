import { access, constants, readdir, readFile, stat } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { TsvncError } from '../errors.js';
import { shellWord } from '../output/shell-word.js';
import type { ProcessIdentity } from '../proc/process-identity.js';
import type { ExitInfo } from '../model/session-record.js';
import { spawnDetached } from './spawn-detached.js';
import { exitText } from './failure-summary.js';
import { linesSince } from './log-file.js';

/** Debian's own default for vncserver, then the generic X session script. */
const SYSTEM_SESSIONS = ['/etc/X11/Xtigervnc-session', '/etc/X11/Xsession'];
const XSESSIONS = '/usr/share/xsessions';

async function executable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(() => true, () => false);
}

/**
 * The session program as vncserver chooses it: the one asked for, else
 * ~/.vnc/xstartup (run by sh when it is not executable, as vncserver does),
 * else the system's default session. Null when none is wanted.
 */
export async function chooseSessionProgram(req: { xstartup?: string; session?: string; noXstartup: boolean }, home: string): Promise<string | null> {
  if (req.noXstartup) return null;
  if (req.session !== undefined) return desktopSession(req.session);
  if (req.xstartup !== undefined) {
    if (req.xstartup.trim() === '') throw new TsvncError('BAD_ARGUMENT', '--xstartup is empty', 'give a command, or use --no-xstartup');
    return req.xstartup;
  }
  const user = `${home}/.vnc/xstartup`;
  const info = await stat(user).catch(() => null);
  if (info?.isFile()) return (await executable(user)) ? shellWord(user) : `/bin/sh ${shellWord(user)}`;
  for (const path of SYSTEM_SESSIONS) if (await executable(path)) return shellWord(path);
  throw new TsvncError(
    'NO_SESSION_PROGRAM',
    `no session program: no ${user} and no system default session (${SYSTEM_SESSIONS.join(', ')})`,
    'write ~/.vnc/xstartup, pass --xstartup CMD, or --no-xstartup for an empty desktop',
  );
}

/** TigerVNC's `session=NAME`: the Exec line of /usr/share/xsessions/NAME.desktop. */
async function desktopSession(name: string): Promise<string> {
  const text = await readFile(`${XSESSIONS}/${name}.desktop`, 'utf8').catch(() => '');
  const exec = /^Exec\s*=\s*(.+)$/m.exec(text)?.[1]?.trim();
  if (exec) return exec;
  const installed = (await readdir(XSESSIONS).catch(() => [])).filter((f) => f.endsWith('.desktop')).map((f) => f.slice(0, -8));
  throw new TsvncError(
    'NO_SESSION_PROGRAM',
    `no desktop session "${name}" in ${XSESSIONS}`,
    installed.length > 0 ? `installed sessions: ${installed.join(', ')}` : 'install a desktop (e.g. apt-get install icewm), or set xstartup instead of session',
  );
}

export interface SessionProgram {
  identity: ProcessIdentity;
  exited: Promise<ExitInfo>;
}

/**
 * Runs the session program with sh in a new session (setsid), so it and
 * everything it starts form one process group that `kill` can end together.
 */
export async function spawnSessionProgram(command: string, spec: { env: Record<string, string>; cwd: string; logFd: number; umask?: number | undefined }): Promise<SessionProgram> {
  const child = spawnDetached('/bin/sh', ['-c', command], { ...spec, readyPipe: false });
  const { identity } = child;
  if (identity === null) {
    const info = await child.exited;
    throw new TsvncError('SERVER_FAILED', `the session program did not start (${info.error ?? exitText(info)})`, 'check --xstartup');
  }
  return { identity, exited: child.exited };
}

/**
 * How long a fresh start watches its session program before answering. A
 * program that cannot run ends within milliseconds of sh starting
 * (measured on a 2-core VM, 15 runs each of `/nonexistent/prog` and
 * `exit 3`: at load 5 medians 1.3-1.8 ms, max 8 ms; with six busy loops
 * competing, medians 12 ms, max 20 ms), a real desktop runs for hours.
 * Nothing start does after the spawn lasts long enough to hide the wait in
 * (the record's save takes a few ms), so every start with a session
 * program pays it in full (a warm start measured 200 ms without it): 100 ms
 * is five times the slowest failure seen under load. A program that fails
 * later still ends the session by autokill, with its reason in the log.
 */
const PROGRAM_GRACE_MS = 100;

/**
 * A session program that ended within the grace, with a failure status or
 * taking the session with it (autokill), is a failed start: the caller
 * gets its status and its last words instead of "New desktop" for a desktop
 * about to vanish.
 */
export async function failIfEndedAtOnce(exited: Promise<ExitInfo>, autokill: boolean, log: string, from: number): Promise<void> {
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
