import type { StatePaths } from '../state/state-dir.js';

/**
 * Where the system daemon lives. Not configurable: users' commands must
 * find it without being told, and root owns every directory on the path.
 */
export const SYSTEM_DIR = '/run/tsvnc';
export const SYSTEM_SOCKET = `${SYSTEM_DIR}/control.sock`;
export const USERS_DIR = `${SYSTEM_DIR}/users`;

/** A daemon whose socket the system daemon binds and which it (re)starts: nobody else launches it. */
export type DaemonPaths = StatePaths & { managed?: boolean };

/**
 * A user's daemon under the system daemon. `users/UID` is root's (0755):
 * root binds the user's control socket there (the user's, 0600) and hands
 * the listening descriptor to the user's daemon, so nothing on the path root
 * connects through is the user's to change. `users/UID/state` is the user's
 * own (0700), for their sessions and log; root never opens anything in it.
 */
export function userDir(uid: number): string {
  return `${USERS_DIR}/${uid}`;
}

export function userDaemonPaths(uid: number): DaemonPaths {
  const dir = `${userDir(uid)}/state`;
  return { dir, socket: `${userDir(uid)}/control.sock`, sessions: `${dir}/sessions`, daemonLog: `${dir}/daemon.log`, managed: true };
}
