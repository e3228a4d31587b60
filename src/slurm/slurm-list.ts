import { TsvncError } from '../errors.js';
import { logger } from '../log.js';
import { readConnection, removeJobFiles, type Connection } from './connection-file.js';
import { jobDir, submittedJobs } from './job-dir.js';
import { slurmCommands, type SlurmCommands } from './slurm-commands.js';
import type { SlurmJob } from './squeue.js';

/** A desktop submitted with `start --slurm`, as `list` shows it beside the local sessions. */
export interface SlurmDesktop {
  /** Null until the job's desktop serves. */
  display: number | null;
  /** starting: the job runs, its desktop does not serve yet; ended: said once, then its files are gone. */
  state: 'pending' | 'starting' | 'running' | 'ended';
  host: string | null;
  rfbPort: number | null;
  pid: number | null;
  slurm: { jobId: string; node: string | null; jobState: string | null; timeLeft: string | null; reason: string | null };
}

function desktopOf(jobId: string, job: SlurmJob | null, connection: Connection | null): SlurmDesktop {
  const phase = job?.phase ?? 'ended';
  const state = phase === 'pending' ? 'pending' : phase === 'running' ? (connection ? 'running' : 'starting') : 'ended';
  const serving = state === 'running' ? connection?.result : undefined;
  return {
    display: serving?.display ?? null,
    state,
    host: serving?.host ?? null,
    rfbPort: serving?.rfbPort ?? null,
    pid: serving?.pid ?? null,
    slurm: { jobId, node: job?.node ?? connection?.node ?? null, jobState: job?.state ?? null, timeLeft: state === 'ended' ? null : job?.timeLeft ?? null, reason: job?.reason ?? null },
  };
}

/**
 * The user's Slurm desktops: the jobs tsvnc submitted (their files) as
 * squeue sees them. A job that ended, by itself or not, is listed as ended
 * once and its files are removed. Slurm is asked only when there are such
 * files, so `list` costs nothing more where Slurm is not used; a controller
 * that does not answer is said and leaves the local list alone.
 */
export async function slurmDesktops(dir = jobDir(), commands: SlurmCommands = slurmCommands): Promise<SlurmDesktop[]> {
  const ids = await submittedJobs(dir);
  if (ids.length === 0) return [];
  let jobs: SlurmJob[];
  try {
    jobs = await commands.squeue(ids);
  } catch (error) {
    if (!(error instanceof TsvncError)) throw error;
    logger.warn(`cannot list your Slurm desktops: ${error.message}`);
    return [];
  }
  return Promise.all(ids.map(async (jobId) => {
    const desktop = desktopOf(jobId, jobs.find((j) => j.jobId === jobId) ?? null, await readConnection(dir, jobId));
    if (desktop.state === 'ended') await removeJobFiles(dir, jobId);
    return desktop;
  }));
}
