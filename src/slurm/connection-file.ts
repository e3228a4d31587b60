import { chmod, lstat, mkdir, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { TsvncError } from '../errors.js';
import { logger } from '../log.js';
import { isCode, openRegularNoFollow, readRegularNoFollow } from '../tmp/safe-tmp.js';
import { replaceFile } from '../vnc/passwd-file.js';
import { checkResult } from '../daemon/check-result.js';
import type { StartResult } from '../daemon/protocol.js';
import { connectionPath, markerPath, outputPath } from './job-dir.js';

/*
 * A Slurm desktop's files (job-dir.ts names them), in a directory of the
 * user's home, which the login node and the compute nodes share. The
 * connection file is written by the job itself and read by the submitting
 * command, `list` and `kill`. Owner-only, as the home's other VNC files.
 */

/** What the job writes once its desktop serves. */
export interface Connection {
  jobId: string;
  /** The node as Slurm names it: what the login node reaches. */
  node: string;
  result: StartResult;
}

function unsafe(path: string, why: string): TsvncError {
  return new TsvncError('UNSAFE_PATH', `${path} ${why}`, `remove ${path}, then start again`);
}

/** Creates ~/.vnc and the job directory owner-only, or accepts them as the caller's own real directories, tightened. */
export async function ensureJobDir(dir: string): Promise<void> {
  for (const path of [dirname(dir), dir]) {
    try {
      await mkdir(path, { mode: 0o700 });
    } catch (error) {
      if (!isCode(error, 'EEXIST')) throw new TsvncError('UNSAFE_PATH', `cannot create ${path}: ${(error as Error).message}`, 'check the permissions of your home directory');
    }
    const stat = await lstat(path);
    if (!stat.isDirectory()) throw unsafe(path, 'is not a directory');
    if (stat.uid !== process.getuid?.()) throw unsafe(path, 'is not yours');
  }
  if (((await lstat(dir)).mode & 0o077) !== 0) await chmod(dir, 0o700);
}

export async function writeMarker(dir: string, jobId: string): Promise<void> {
  await replaceFile(markerPath(dir, jobId), Buffer.from(`${JSON.stringify({ jobId, submittedAt: new Date().toISOString() })}\n`));
}

/**
 * The job's side: where its desktop serves, replacing the file in one
 * rename, so the submitter never reads half of it.
 */
export async function writeConnectionFile(path: string, result: StartResult, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const jobId = env.SLURM_JOB_ID ?? '';
  if (!path.startsWith('/') || !/^\d+$/.test(jobId)) {
    throw new TsvncError('BAD_ARGUMENT', '--connection-file is for the batch job of start --slurm', 'give an absolute path, inside a Slurm job');
  }
  const connection: Connection = { jobId, node: env.SLURMD_NODENAME ?? hostname(), result };
  try {
    await replaceFile(path, Buffer.from(`${JSON.stringify(connection)}\n`));
  } catch (error) {
    throw new TsvncError('STATE_WRITE_FAILED', `cannot write ${path}: ${(error as Error).message}`, 'check that your home directory is writable from the compute node');
  }
}

const MAX_FILE = 64 * 1024;

/** The job's connection file, checked; null while there is none. A damaged one is said once and treated as absent. */
export async function readConnection(dir: string, jobId: string): Promise<Connection | null> {
  const path = connectionPath(dir, jobId);
  const read = await readRegularNoFollow(path, MAX_FILE);
  if (read.kind === 'missing') return null;
  try {
    if (read.kind !== 'file') throw new Error(read.kind === 'unreadable' ? read.error : `it is a ${read.type}`);
    const value = JSON.parse(read.content.toString('utf8')) as Partial<Connection>;
    if (value.jobId !== jobId || typeof value.node !== 'string') throw new Error('it names another job, or no node');
    return { jobId, node: value.node, result: checkResult('start', value.result) };
  } catch (error) {
    logger.warn(`ignoring ${path}: ${(error as Error).message}`);
    return null;
  }
}

export async function removeJobFiles(dir: string, jobId: string): Promise<void> {
  await Promise.all([markerPath, connectionPath, outputPath].map((path) => rm(path(dir, jobId), { force: true })));
}

/** The last lines of the job's output: why it failed. */
export async function lastOutputLines(dir: string, jobId: string, count = 3): Promise<string[]> {
  const opened = await openRegularNoFollow(outputPath(dir, jobId));
  if (opened.kind !== 'file') return [];
  try {
    const size = Math.min(opened.stat.size, 8192);
    const buffer = Buffer.alloc(size);
    await opened.handle.read(buffer, 0, size, opened.stat.size - size);
    return buffer.toString('utf8').split('\n').map((l) => l.trim()).filter(Boolean).slice(-count);
  } finally {
    await opened.handle.close();
  }
}
