import { lockPath, MAX_WEB_DISPLAY, rfbPort as defaultRfbPort, tempLockPath, webPort, x11Port as defaultX11Port } from '../display/display-number.js';
import { inspectLock } from '../lock/inspect-lock.js';
import { inspectSocketFile, abstractListeners } from '../sockets/x11-sockets.js';
import { displayRisks } from '../risks/display-risks.js';
import type { ProbeContext } from './probe-context.js';
import type { ProbeOptions, ProbeResult, Reason, Stale } from '../model/probe-result.js';
import { probePorts } from './probe-ports.js';
import { inspectTempLock } from './temp-lock.js';

async function processesOf(inodes: number[], ctx: ProbeContext) {
  if (inodes.length === 0) return [];
  const owners = await ctx.owners();
  return inodes.flatMap((inode) => owners.get(inode) ?? []);
}

async function lockFindings(display: number): Promise<{ reasons: Reason[]; stale: Stale[] }> {
  const path = lockPath(display);
  const lock = await inspectLock(path);
  switch (lock.state) {
    case 'absent':
      return { reasons: [], stale: [] };
    case 'live':
      return {
        reasons: [{
          kind: 'lock', blocking: true, path, pid: lock.pid, command: lock.command, uid: lock.uid,
          detail: `${path} names pid ${lock.pid}, which is running${lock.command ? `: ${lock.command}` : ''}`,
        }],
        stale: [],
      };
    case 'suspect':
      return {
        reasons: [{ kind: 'lock', blocking: true, path, pid: null, command: null, uid: lock.fileUid, detail: lock.why }],
        stale: [],
      };
    case 'stale':
      return { reasons: [], stale: [{ kind: 'lock', path, why: lock.why, removable: true, uid: lock.fileUid, ino: lock.ino }] };
  }
}

async function socketFindings(display: number, ctx: ProbeContext): Promise<{ reasons: Reason[]; stale: Stale[] }> {
  const table = await ctx.unixTable();
  const reasons: Reason[] = [];
  const stale: Stale[] = [];
  const file = await inspectSocketFile(display, table);
  if (file.state === 'listening') {
    reasons.push({
      kind: 'unix-socket', blocking: true, path: file.path, holders: await processesOf(file.inodes, ctx),
      detail: `${file.path} accepts connections`,
    });
  } else if (file.state === 'refused') {
    stale.push({ kind: 'unix-socket', path: file.path, why: 'nothing accepts connections on it', removable: true, uid: file.uid, ino: file.ino });
  } else if (file.state === 'not-socket') {
    stale.push({
      kind: 'unix-socket', path: file.path, removable: false, uid: file.uid,
      why: `it is a ${file.type}, not a socket; the X server replaces it, but ask its owner (uid ${file.uid}) why it is there`,
    });
  } else if (file.state === 'unknown') {
    reasons.push({
      kind: 'unix-socket', blocking: true, path: file.path, holders: [],
      detail: `tsvnc cannot tell whether ${file.path} is in use (${file.error})`,
    });
  } else if (file.state === 'unsafe-dir') {
    reasons.push({
      kind: 'unix-socket', blocking: true, path: file.path, holders: [],
      detail: `${file.path} is a ${file.type}, not a directory; tsvnc will not follow it (as root: rm ${file.path})`,
    });
  }
  const abstract = abstractListeners(display, table);
  if (abstract.length > 0) {
    const path = `@/tmp/.X11-unix/X${display}`;
    reasons.push({
      kind: 'abstract-socket', blocking: true, path, holders: await processesOf(abstract, ctx),
      detail: `the abstract socket ${path} is bound`,
    });
  }
  return { reasons, stale };
}

/**
 * In sticky /tmp only the owner (or root) can remove a leftover, and the
 * server must remove it to start: someone else's stale file blocks us, as
 * does one nobody can remove as a file (uid null).
 */
function blockingIfNotOurs(stale: Stale): Reason | null {
  const uid = process.getuid?.() ?? 0;
  if (stale.uid !== null && (uid === 0 || stale.uid === uid)) return null;
  const owner = stale.uid === null ? '' : `, but it belongs to uid ${stale.uid}: only they or root can remove it, and the X server must`;
  const detail = `${stale.path} is stale (${stale.why})${owner}`;
  return stale.kind === 'unix-socket'
    ? { kind: 'unix-socket', blocking: true, path: stale.path, holders: [], detail }
    : { kind: 'lock', blocking: true, path: stale.path, pid: null, command: null, uid: stale.uid, detail };
}

/** A display above 99 has no default web port: its start fails on that, not here. */
function webPortOf(display: number, options: ProbeOptions): number | undefined {
  if (options.web === undefined) return undefined;
  return options.web.port ?? (display <= MAX_WEB_DISPLAY ? webPort(display) : undefined);
}

/** Everything that holds display :n now, what is left over but harmless, and why it may be a bad choice. */
export async function probeDisplay(display: number, options: ProbeOptions, ctx: ProbeContext): Promise<ProbeResult> {
  const rfb = options.rfbPort ?? defaultRfbPort(display);
  const x11 = defaultX11Port(display);
  const [lock, sockets, ports, temp] = await Promise.all([
    lockFindings(display),
    socketFindings(display, ctx),
    probePorts({ rfb, x11, web: webPortOf(display, options) }, options, ctx),
    inspectTempLock(tempLockPath(display)),
  ]);
  const leftovers = [...lock.stale, ...sockets.stale, ...(temp ? [temp] : [])];
  const notOurs = leftovers.map(blockingIfNotOurs);
  const reasons = [...lock.reasons, ...ports.reasons, ...sockets.reasons, ...notOurs.filter((r): r is Reason => r !== null)];
  return {
    display,
    free: reasons.every((reason) => !reason.blocking),
    rfbPort: rfb,
    x11Port: x11,
    reasons,
    stale: leftovers.filter((_, i) => notOurs[i] === null),
    risks: displayRisks({ display, rfb, x11, listenTcp: options.listenTcp }, ctx.risks),
    notes: ports.notes,
  };
}
