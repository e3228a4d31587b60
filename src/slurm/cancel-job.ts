import { TsvncError } from '../errors.js';
import type { SlurmCommands } from './slurm-commands.js';
import type { SlurmJob } from './squeue.js';
import { removeJobFiles } from './connection-file.js';

export interface CancelDeps {
  commands: SlurmCommands;
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** Slurm sends SIGTERM, then SIGKILL after its KillWait (30 s by default); the job is COMPLETING until its processes are gone. */
const END_BOUND_MS = 90_000;
const POLL_MS = 200;

/**
 * Cancels the job and returns once Slurm says it ended (its processes are
 * gone), then removes its files; a job that had ended already is only
 * cleaned up. Returns how the job last stood.
 */
export async function cancelJob(dir: string, jobId: string, deps: CancelDeps): Promise<SlurmJob | null> {
  let [job] = await deps.commands.squeue([jobId]);
  if (job && job.phase !== 'ended') await deps.commands.scancel(jobId);
  const deadline = deps.now() + END_BOUND_MS;
  while (job && job.phase !== 'ended') {
    if (deps.now() >= deadline) {
      throw new TsvncError('JOB_FAILED', `Slurm job ${jobId} is still ${job.state} ${END_BOUND_MS / 1000} s after scancel`, `scontrol show job ${jobId} says why; tsvnc kill --job ${jobId} tries again`);
    }
    await deps.sleep(POLL_MS);
    [job] = await deps.commands.squeue([jobId]);
  }
  await removeJobFiles(dir, jobId);
  return job ?? null;
}
