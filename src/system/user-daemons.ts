import type { ChildProcess } from 'node:child_process';
import { TsvncError } from '../errors.js';
import { logger } from '../log.js';
import { callDaemon, daemonRunning, type CallOptions } from '../daemon/control-client.js';
import { launchDaemon } from '../daemon/launch-daemon.js';
import type { Op, RequestOf, ResultOf } from '../daemon/protocol.js';
import { asUser, loginEnvironment, type Account } from './user-account.js';
import { userDaemonPaths, userDir, type DaemonPaths } from './system-paths.js';
import { ensureRootDir, ensureUserOwnedDir } from './root-dir.js';
import { bindUserSocket } from './user-socket.js';
import { isSocketOf } from '../state/trusted-path.js';

/** A daemon that dies sooner than this after its start is left to the sweep: no tight relaunch loop. */
const RELAUNCH_AFTER_MS = 10_000;

export interface UserDaemon {
  account: Account;
  paths: DaemonPaths;
  env: Record<string, string>;
  /** Ours when this system daemon started it: its exit is an event. One an earlier system daemon started is pinged by the sweep. */
  child?: ChildProcess;
}

/** /run/tsvnc/users/UID (root's, 0755) with the user's state directory in it. */
async function ensureUserDirs(account: Account): Promise<DaemonPaths> {
  const paths = userDaemonPaths(account.uid);
  await ensureRootDir(userDir(account.uid), true);
  await ensureUserOwnedDir(paths.dir, account);
  return paths;
}

/** The users' daemons the system daemon keeps running: each started as its user, in its login environment. */
export class UserDaemons {
  private readonly daemons = new Map<number, UserDaemon>();
  private readonly starting = new Map<number, Promise<UserDaemon>>();

  /** The user's daemon, started if it does not answer (it takes over the sessions a dead one left). */
  async ensure(account: Account): Promise<UserDaemon> {
    const pending = this.starting.get(account.uid);
    if (pending) return pending;
    const work = this.start(account).finally(() => this.starting.delete(account.uid));
    this.starting.set(account.uid, work);
    return work;
  }

  private async start(account: Account): Promise<UserDaemon> {
    const paths = await ensureUserDirs(account);
    const before = this.daemons.get(account.uid);
    const env = before?.env ?? await loginEnvironment(account);
    const live = (await isSocketOf(paths.socket, account.uid)) && (await daemonRunning(paths));
    const child = live ? before?.child : await this.launch(account, paths, env);
    const daemon: UserDaemon = { account, paths, env, child };
    this.daemons.set(account.uid, daemon);
    return daemon;
  }

  private async launch(account: Account, paths: DaemonPaths, env: Record<string, string>): Promise<ChildProcess> {
    logger.info(`starting ${account.name}'s daemon in ${paths.dir}`);
    const bound = await bindUserSocket(account, paths.socket);
    let child: ChildProcess;
    try {
      child = await launchDaemon(paths, { prefix: asUser(account), env, listenFd: bound.fd });
    } catch (error) {
      await bound.abandon();
      throw error;
    }
    await bound.handOver();
    const since = Date.now();
    child.once('exit', (code, signal) => {
      if (this.daemons.get(account.uid)?.child !== child) return;
      logger.warn(`${account.name}'s daemon (pid ${child.pid}) ended (${signal ?? `exit ${code}`})${Date.now() - since < RELAUNCH_AFTER_MS ? '' : '; starting it again'}`);
      if (Date.now() - since >= RELAUNCH_AFTER_MS) void this.ensure(account).catch((error: Error) => logger.error(`cannot restart ${account.name}'s daemon: ${error.message}`));
    });
    return child;
  }

  /**
   * A request to one user's daemon, bounded like any client's, on the
   * socket root bound for that user and only while it still is that
   * user's; a daemon that died is started again first.
   */
  async call<K extends Op>(account: Account, request: RequestOf<K>, options: CallOptions = {}): Promise<ResultOf<K>> {
    let daemon = this.daemons.get(account.uid) ?? await this.ensure(account);
    if (!(await daemonRunning(daemon.paths))) daemon = await this.ensure(account);
    if (!(await isSocketOf(daemon.paths.socket, account.uid))) {
      throw new TsvncError('UNSAFE_PATH', `${daemon.paths.socket} is not ${account.name}'s socket in a directory of root's`, 'systemctl restart tsvnc binds it again');
    }
    try {
      return await callDaemon({ ...daemon.paths, managed: false }, request, { ...options, launch: false });
    } catch (error) {
      if (error instanceof TsvncError && error.code === 'DAEMON_UNAVAILABLE') throw new TsvncError(error.code, `${account.name}'s daemon: ${error.message}`, error.hint);
      throw error;
    }
  }

  /** Brings back any user's daemon that died without our seeing it exit: its sessions keep serving meanwhile, but nothing restarts them. */
  async sweep(): Promise<void> {
    for (const daemon of this.daemons.values()) {
      if (this.starting.has(daemon.account.uid) || (await daemonRunning(daemon.paths))) continue;
      logger.warn(`${daemon.account.name}'s daemon is gone; starting it again`);
      await this.ensure(daemon.account).catch((error: Error) => logger.error(`cannot restart ${daemon.account.name}'s daemon: ${error.message}`));
    }
  }
}
