import { readdir, readFile } from 'node:fs/promises';
import { identify, sameProcess, type ProcessIdentity } from '../proc/process-identity.js';
import { processUid } from '../proc/process-info.js';

/**
 * Set in the environment of everything a desktop starts: `<host>:<N>:<random>`.
 * Processes leave the session program's session (ssh-agent, dbus-daemon,
 * gpg-agent daemonize with setsid), but their environment at exec keeps the
 * tag, so `kill` finds them and a successor daemon finds what its
 * predecessor started without recording it.
 */
export const TAG_VARIABLE = 'TSVNC_DESKTOP';

/** True when a NUL-separated environ block carries exactly `TSVNC_DESKTOP=tag`. */
export function carriesTag(environ: Buffer, tag: string): boolean {
  const wanted = Buffer.from(`${TAG_VARIABLE}=${tag}`);
  for (let at = 0; at < environ.length;) {
    const end = environ.indexOf(0, at);
    const stop = end === -1 ? environ.length : end;
    if (stop - at === wanted.length && environ.subarray(at, stop).equals(wanted)) return true;
    at = stop + 1;
  }
  return false;
}

/** The tag in an environ block, or ''. */
export function tagIn(environ: Buffer): string {
  const prefix = `${TAG_VARIABLE}=`;
  return environ.toString('utf8').split('\0').find((entry) => entry.startsWith(prefix))?.slice(prefix.length) ?? '';
}

/**
 * This user's processes carrying the tag, each identified (pid + start
 * time, read before and after the environment so a pid reused meanwhile is
 * left alone). Never this daemon, whose own environment may carry a tag
 * when it was launched from inside a desktop. Root's daemon reads every
 * process's environment: the uid check keeps it to its own.
 */
export async function taggedProcesses(tag: string): Promise<ProcessIdentity[]> {
  if (tag === '') return [];
  const uid = process.getuid?.();
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number).filter((pid) => pid !== process.pid);
  const found = await Promise.all(pids.map(async (pid) => {
    const before = await identify(pid);
    if (before === null || (await processUid(pid)) !== uid) return null;
    const environ = await readFile(`/proc/${pid}/environ`).catch(() => null);
    if (environ === null || !carriesTag(environ, tag)) return null;
    return sameProcess(before, await identify(pid)) ? before : null;
  }));
  return found.filter((id) => id !== null);
}
