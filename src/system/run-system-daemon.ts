import { readFile } from 'node:fs/promises';
import { TsvncError } from '../errors.js';
import { logger, logToFile } from '../log.js';
import { isCode } from '../tmp/safe-tmp.js';
import { notifySystemdReady } from '../daemon/notify-systemd.js';
import { logCrashes, stopOnSignals, takeOverSocket } from '../daemon/socket-takeover.js';
import { parseSessionsFile, SESSIONS_FILE, type SessionEntry } from './sessions-file.js';
import { SystemManager } from './system-manager.js';
import { SYSTEM_DIR, SYSTEM_SOCKET, USERS_DIR } from './system-paths.js';
import { ensureRootDir } from './root-dir.js';

const SWEEP_MS = 2000;

async function readSessionsFile(): Promise<SessionEntry[]> {
  const text = await readFile(SESSIONS_FILE, 'utf8').catch((error: unknown) => {
    if (isCode(error, 'ENOENT')) return '';
    throw new TsvncError('BAD_CONFIG', `cannot read ${SESSIONS_FILE}: ${(error as Error).message}`, 'fix its permissions');
  });
  return parseSessionsFile(text);
}

/**
 * `tsvnc daemon --system`: as root, starts the desktops of
 * /etc/tsvnc/sessions, each in a daemon of its own user, keeps those
 * daemons running, and answers root's commands for every user's sessions.
 * SIGHUP reads the sessions file again and starts what it adds.
 */
export async function runSystemDaemon(): Promise<void> {
  if (process.getuid?.() !== 0) throw new TsvncError('BAD_ARGUMENT', 'tsvnc daemon --system must run as root', 'run it from tsvnc.service, or leave out --system for your own daemon');
  process.umask(0o022);
  const entries = await readSessionsFile();
  await ensureRootDir(SYSTEM_DIR);
  await ensureRootDir(USERS_DIR);
  logToFile(`${SYSTEM_DIR}/daemon.log`);
  const manager = new SystemManager();
  const serving = await takeOverSocket(SYSTEM_SOCKET, (request, log) => manager.handle(request, log), () => undefined);
  if (serving === null) throw new TsvncError('DAEMON_UNAVAILABLE', 'another tsvnc system daemon is running', 'systemctl status tsvnc shows it');
  logger.info(`tsvnc system daemon ${process.pid} serving ${SYSTEM_SOCKET}; ${entries.length} desktop(s) in ${SESSIONS_FILE}`);
  await manager.startListed(entries);
  await notifySystemdReady();
  const sweep = setInterval(() => void manager.daemons.sweep(), SWEEP_MS);
  logCrashes();
  stopOnSignals(SYSTEM_SOCKET, serving, () => clearInterval(sweep));
  process.removeAllListeners('SIGHUP');
  process.on('SIGHUP', () => {
    logger.info(`reading ${SESSIONS_FILE} again`);
    readSessionsFile().then((next) => manager.startListed(next), (error: Error) => logger.error(`${error.message}; keeping the sessions as they are`));
  });
}
