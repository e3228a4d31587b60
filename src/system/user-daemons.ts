import { chown, lstat, mkdir } from 'node:fs/promises';
import { TsvncError } from '../errors.js';
import { logger } from '../log.js';
import { statePaths, type StatePaths } from '../state/state-dir.js';
import { callDaemon, daemonRunning } from '../daemon/control-client.js';
import { launchDaemon } from '../daemon/launch-daemon.js';
import type { Request } from '../daemon/protocol.js';
import { asUser, loginEnvironment, type Account } from './user-account.js';
import { userStateDir } from './system-paths.js';

export interface UserDaemon {
  account: Account;
  paths: StatePaths;
  env: Record<string, string>;
}

/**
 * /run/tsvnc/users/UID, owned by the user and 0700 in a root-owned parent:
 * the user's daemon, running as the user, keeps its socket and state there,
 * and only that user (and root) can connect to it. The kernel's permission
 * check is the peer identity check: node cannot read SO_PEERCRED.
 */
async function ensureUserDir(account: Account): Promise<StatePaths> {
  const paths = statePaths(userStateDir(account.uid));
  await mkdir(paths.dir, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  const stat = await lstat(paths.dir);
  if (!stat.isDirectory()) throw new TsvncError('UNSAFE_PATH', `${paths.dir} is not a directory`, 'remove it; the system daemon recreates it');
  // Created by us a moment ago (owned by root), or the user's from an earlier run: never anyone else's.
  if (stat.uid === 0 && account.uid !== 0) await chown(paths.dir, account.uid, account.gid);
  else if (stat.uid !== account.uid) throw new TsvncError('UNSAFE_PATH', `${paths.dir} belongs to uid ${stat.uid}, not ${account.name}`, 'remove it; the system daemon recreates it');
  return paths;
}

/** The users' daemons the system daemon keeps running: each started as its user, in its login environment. */
export class UserDaemons {
  private readonly daemons = new Map<number, UserDaemon>();
  private readonly starting = new Map<number, Promise<UserDaemon>>();

  known(): UserDaemon[] {
    return [...this.daemons.values()];
  }

  /** The user's daemon, started if it does not answer (it takes over the sessions a dead one left). */
  async ensure(account: Account): Promise<UserDaemon> {
    const pending = this.starting.get(account.uid);
    if (pending) return pending;
    const work = this.start(account).finally(() => this.starting.delete(account.uid));
    this.starting.set(account.uid, work);
    return work;
  }

  private async start(account: Account): Promise<UserDaemon> {
    const paths = await ensureUserDir(account);
    const env = this.daemons.get(account.uid)?.env ?? await loginEnvironment(account);
    if (!(await daemonRunning(paths))) {
      logger.info(`starting ${account.name}'s daemon in ${paths.dir}`);
      await launchDaemon(paths, { prefix: asUser(account), env });
    }
    const daemon = { account, paths, env };
    this.daemons.set(account.uid, daemon);
    return daemon;
  }

  /** A request to one user's daemon, restarting it first if it died. */
  async call(account: Account, request: Request, onLog?: (level: 'error' | 'warn' | 'info' | 'debug', message: string) => void): Promise<unknown> {
    const daemon = this.daemons.get(account.uid) ?? await this.ensure(account);
    // Never launched from here as root: a daemon that died a moment ago comes back as its user.
    return callDaemon(daemon.paths, request, { launch: { prefix: asUser(account), env: daemon.env }, ...(onLog ? { onLog } : {}) });
  }

  /** Brings back any user's daemon that died: its sessions keep serving meanwhile, but nothing restarts them. */
  async sweep(): Promise<void> {
    for (const daemon of this.daemons.values()) {
      if (await daemonRunning(daemon.paths)) continue;
      logger.warn(`${daemon.account.name}'s daemon is gone; starting it again`);
      await this.ensure(daemon.account).catch((error: Error) => logger.error(`cannot restart ${daemon.account.name}'s daemon: ${error.message}`));
    }
  }
}
