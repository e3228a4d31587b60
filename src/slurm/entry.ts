import { hostDisplay, jobDir, submittedJobs } from './job-dir.js';
import type { SlurmDesktop } from './slurm-list.js';
import type { SlurmKillResult } from './kill-desktop.js';

/*
 * The doors of list and kill to the desktops of start --slurm: cheap, so
 * that the commands' quick path loads the rest of slurm/ only for a user
 * who has such desktops, or names one.
 */

/** list's Slurm desktops: none, without asking Slurm, unless tsvnc submitted some. */
export async function listSlurmDesktops(): Promise<SlurmDesktop[]> {
  const dir = jobDir();
  if ((await submittedJobs(dir)).length === 0) return [];
  return (await import('./slurm-list.js')).slurmDesktops(dir);
}

/** kill of NODE:N or --job ID; null for a local display, which the local daemon kills. */
export async function killSlurmDesktop(target: string | undefined, jobId: string | undefined): Promise<SlurmKillResult | null> {
  if (jobId === undefined && (target === undefined || hostDisplay(target) === null)) return null;
  return (await import('./kill-desktop.js')).killOnSlurm(target, jobId);
}
