/**
 * Where the system daemon lives. Not configurable: users' commands must
 * find it without being told, and root owns every directory on the path.
 */
export const SYSTEM_DIR = '/run/tsvnc';
export const SYSTEM_SOCKET = `${SYSTEM_DIR}/control.sock`;
export const SYSTEM_LOG = '/var/log/tsvnc.log';
export const USERS_DIR = `${SYSTEM_DIR}/users`;

/** A user's daemon under the system daemon: the directory is theirs, its parent root's. */
export function userStateDir(uid: number): string {
  return `${USERS_DIR}/${uid}`;
}
