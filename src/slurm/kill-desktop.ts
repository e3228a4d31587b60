import { setTimeout as sleep } from 'node:timers/promises';
import { TsvncError } from '../errors.js';
import { quote } from '../output/printable.js';
import { readConnection } from './connection-file.js';
import { hostDisplay, jobDir, submittedJobs } from './job-dir.js';
import { cancelJob } from './cancel-job.js';
import { slurmCommands, type SlurmCommands } from './slurm-commands.js';

export interface SlurmKillResult {
  killed: number[];
  slurm: { jobId: string; node: string | null };
}

/**
 * `kill HOST:N` or `kill --job ID` of a desktop that start --slurm
 * submitted: scancel, then back once the job ended and its files are gone.
 * Null when the target is a local display (:N), which the local daemon kills.
 */
export async function killOnSlurm(target: string | undefined, jobId: string | undefined, commands: SlurmCommands = slurmCommands): Promise<SlurmKillResult | null> {
  const dir = jobDir();
  if (jobId !== undefined) {
    if (!/^\d+$/.test(jobId) || !(await submittedJobs(dir)).includes(jobId)) {
      throw new TsvncError('NOT_A_SESSION', `Slurm job ${quote(jobId)} is not a desktop tsvnc started for you`, 'tsvnc list shows your Slurm desktops and their jobs');
    }
    const connection = await readConnection(dir, jobId);
    const ended = await cancelJob(dir, jobId, { commands, now: () => Date.now(), sleep: (ms) => sleep(ms) });
    return { killed: connection ? [connection.result.display] : [], slurm: { jobId, node: connection?.node ?? ended?.node ?? null } };
  }
  const wanted = target === undefined ? null : hostDisplay(target);
  if (!wanted) return null;
  for (const id of await submittedJobs(dir)) {
    const connection = await readConnection(dir, id);
    if (connection && connection.result.display === wanted.display && (connection.node === wanted.host || connection.result.host === wanted.host)) {
      await cancelJob(dir, id, { commands, now: () => Date.now(), sleep: (ms) => sleep(ms) });
      return { killed: [wanted.display], slurm: { jobId: id, node: connection.node } };
    }
  }
  throw new TsvncError('NOT_A_SESSION', `no desktop of yours on ${quote(target ?? '')}`, 'tsvnc list shows your desktops, local and on Slurm');
}
