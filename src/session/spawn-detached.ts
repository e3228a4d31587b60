import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { ExitInfo } from '../model/session-record.js';
import { identifyChild, type ProcessIdentity } from '../proc/process-identity.js';
import { TsvncError } from '../errors.js';
import { ownSessions } from './process-scope.js';

export interface Detached {
  identity: ProcessIdentity | null;
  exited: Promise<ExitInfo>;
  readyFd: Readable | null;
  kill(signal: NodeJS.Signals): void;
}

/**
 * A process in its own session (except in a job: see process-scope.ts)
 * whose output goes to `logFd` itself, not through a pipe to us, so it
 * outlives the daemon. node:child_process rather
 * than execa: execa's types do not take an arbitrary log descriptor in
 * `stdio`, and none of its buffering or cleanup is wanted here.
 */
export function spawnDetached(file: string, args: readonly string[], spec: { logFd: number; env: Record<string, string>; cwd: string; umask?: number | undefined; readyPipe: boolean }): Detached {
  // spawn() has no umask option, but forks before it returns: the child keeps
  // the umask of that moment, and the daemon's own 077 is back right after
  // (what its thread pool creates meanwhile has owner-only modes or lies in
  // the 0700 state directory).
  const daemons = spec.umask === undefined ? undefined : process.umask(spec.umask);
  let child;
  try {
    child = spawn(file, args, {
      stdio: spec.readyPipe ? ['ignore', spec.logFd, spec.logFd, 'pipe'] : ['ignore', spec.logFd, spec.logFd],
      detached: ownSessions(),
      env: spec.env,
      cwd: spec.cwd,
    });
  } finally {
    if (daemons !== undefined) process.umask(daemons);
  }
  const exited = new Promise<ExitInfo>((resolve) => {
    const at = () => new Date().toISOString();
    child.once('exit', (code, signal) => resolve({ code, signal, at: at() }));
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (child.pid === undefined) resolve({ code: 127, signal: null, at: at(), error: error.code ?? error.message });
    });
  });
  const fd = spec.readyPipe ? (child.stdio[3] as Readable) : null;
  const identity = child.pid === undefined ? null : identifyChild(child.pid);
  return { identity, exited, readyFd: fd, kill: (signal) => child.kill(signal) };
}

/** A umask from a start request: file permission bits only. */
export function checkUmask(umask: unknown): void {
  if (!Number.isInteger(umask) || (umask as number) < 0 || (umask as number) > 0o777) {
    throw new TsvncError('BAD_ARGUMENT', `the umask ${JSON.stringify(umask)} of the start request is not one of 0 to 0777`, 'use the tsvnc command line');
  }
}
