import { lstatSync, realpathSync, type Stats } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { resolve } from 'node:path';

/** Why a path is not the caller's and root's alone: the first component at fault, and how to fix it if that is ours to do. */
export interface PathProblem {
  component: string;
  why: string;
  fix?: string;
}

function octal(mode: number): string {
  return `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;
}

/** What is wrong with one component as lstat sees it, or null. */
function componentProblem(component: string, uid: number): PathProblem | null {
  const stat = lstatSync(component);
  if (stat.uid !== 0 && stat.uid !== uid) {
    return { component, why: `belongs to uid ${stat.uid}, not to you (uid ${uid}) or root` };
  }
  // A symlink's own mode means nothing: who may replace it is its directory's question.
  if (stat.isSymbolicLink()) return null;
  const othersWrite = (stat.mode & 0o022) !== 0;
  const sticky = stat.isDirectory() && (stat.mode & 0o1000) !== 0;
  if (othersWrite && !sticky) return { component, why: `can be written by other users (mode ${octal(stat.mode)})`, fix: `chmod go-w ${component}` };
  return null;
}

function firstProblem(path: string, uid: number): PathProblem | null {
  const parts = path.split('/').filter(Boolean);
  for (let i = 0; i <= parts.length; i++) {
    const problem = componentProblem(`/${parts.slice(0, i).join('/')}`, uid);
    if (problem !== null) return problem;
  }
  return null;
}

/**
 * Judges `path` twice: as written, so that a symlink on the way (a link in
 * /tmp that another user made and may swap at any moment) is judged by its
 * owner, and as the kernel resolves it today. Every component must belong
 * to root or to `uid`, and one that others may write to must be sticky
 * (/tmp), where they can add names but not move ours. Anyone else who owns
 * or may rename a component could swap what lies below it, so checking the
 * last component alone proves nothing. `path` must exist; the resolved
 * path is returned with the verdict.
 */
export function checkTrustedPath(path: string, uid: number): { real: string; problem: PathProblem | null } {
  const real = realpathSync(path);
  return { real, problem: firstProblem(resolve(path), uid) ?? firstProblem(real, uid) };
}

/** Null unless `path` itself (not a symlink's target) is there. */
async function lstatOrNull(path: string): Promise<Stats | null> {
  return lstat(path).catch(() => null);
}

/** A directory only root can change: root's, not a symlink, writable by nobody else. */
export function isRootDir(stat: Stats | null): boolean {
  return stat !== null && stat.isDirectory() && stat.uid === 0 && (stat.mode & 0o022) === 0;
}

/**
 * True when every directory from / down to `dir` is one only root can
 * change: then nobody else can swap anything on the path (a symlink, a
 * socket of their own) between our check and our use.
 */
async function isRootPath(dir: string): Promise<boolean> {
  const parts = dir.split('/').filter((p) => p !== '');
  for (let i = 0; i <= parts.length; i++) {
    if (!isRootDir(await lstatOrNull(`/${parts.slice(0, i).join('/')}`))) return false;
  }
  return true;
}

/** A socket (not a symlink) owned by `uid` in a directory only root can change. */
export async function isSocketOf(socket: string, uid: number): Promise<boolean> {
  const dir = socket.slice(0, socket.lastIndexOf('/'));
  if (!(await isRootPath(dir))) return false;
  const stat = await lstatOrNull(socket);
  return stat !== null && stat.isSocket() && stat.uid === uid;
}
