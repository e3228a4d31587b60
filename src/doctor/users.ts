import { readFileSync } from 'node:fs';
import type { NameOf } from './finding.js';

/** uid to login name from /etc/passwd; good enough to name the owner of a process in a sentence. */
export function passwdNames(path = '/etc/passwd'): NameOf {
  const names = new Map<number, string>();
  try {
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      const [name, , uid] = line.split(':');
      if (name && uid && /^\d+$/.test(uid) && !names.has(Number(uid))) names.set(Number(uid), name);
    }
  } catch {
    // Without a passwd file the numeric uid is still shown.
  }
  return (uid) => (uid === null || uid === undefined ? null : names.get(uid) ?? String(uid));
}
