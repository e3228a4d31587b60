import { lstatSync, realpathSync } from 'node:fs';

/** Why a path is not the caller's and root's alone: the first component at fault, and how to fix it if that is ours to do. */
export interface PathProblem {
  component: string;
  why: string;
  fix?: string;
}

function octal(mode: number): string {
  return `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;
}

/**
 * Judges `path` as the kernel will resolve it: symlinks resolved, then every
 * component from / down must belong to root or to `uid`, and one that others
 * may write to must be sticky (/tmp), where they can add names but not move
 * ours. Anyone else who owns or may rename a component could swap what lies
 * below it, so checking the last component alone proves nothing. `path`
 * must exist; the resolved path is returned with the verdict.
 */
export function checkTrustedPath(path: string, uid: number): { real: string; problem: PathProblem | null } {
  const real = realpathSync(path);
  const parts = real.split('/').filter(Boolean);
  for (let i = 0; i <= parts.length; i++) {
    const component = `/${parts.slice(0, i).join('/')}`;
    const stat = lstatSync(component);
    if (stat.uid !== 0 && stat.uid !== uid) {
      return { real, problem: { component, why: `belongs to uid ${stat.uid}, not to you (uid ${uid}) or root` } };
    }
    const othersWrite = (stat.mode & 0o022) !== 0;
    const sticky = stat.isDirectory() && (stat.mode & 0o1000) !== 0;
    if (othersWrite && !sticky) {
      return { real, problem: { component, why: `can be written by other users (mode ${octal(stat.mode)})`, fix: `chmod go-w ${component}` } };
    }
  }
  return { real, problem: null };
}
