import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { ExitInfo } from './session-record.js';
import { identifyChild, type ProcessIdentity } from '../proc/process-identity.js';

export interface Detached {
  identity: ProcessIdentity | null;
  exited: Promise<ExitInfo>;
  readyFd: Readable | null;
  kill(signal: NodeJS.Signals): void;
}

/**
 * A process in its own session whose output goes to `logFd` itself, not
 * through a pipe to us, so it outlives the daemon. node:child_process rather
 * than execa: execa's types do not take an arbitrary log descriptor in
 * `stdio`, and none of its buffering or cleanup is wanted here.
 */
export function spawnDetached(file: string, args: readonly string[], spec: { logFd: number; env: Record<string, string>; cwd: string; readyPipe: boolean }): Detached {
  const child = spawn(file, args, {
    stdio: spec.readyPipe ? ['ignore', spec.logFd, spec.logFd, 'pipe'] : ['ignore', spec.logFd, spec.logFd],
    detached: true,
    env: spec.env,
    cwd: spec.cwd,
  });
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
