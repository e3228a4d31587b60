import { parseSqueue, type SlurmJob } from '../../src/slurm/squeue.js';
import type { SlurmCommands } from '../../src/slurm/slurm-commands.js';
import { TsvncError } from '../../src/errors.js';

/**
 * Slurm's commands for the unit tests: squeue answers from a table of
 * squeue lines (as captured in fixtures.ts), scancel moves a job through
 * COMPLETING to CANCELLED over two squeues, as the real controller does.
 */
export function fakeSlurm(lines: string) {
  const jobs = new Map<string, SlurmJob>(parseSqueue(lines).map((j) => [j.jobId, j]));
  const calls: string[] = [];
  let down = false;
  const set = (id: string, state: string) => {
    const job = jobs.get(id);
    if (job) jobs.set(id, parseSqueue(`${id}|${state}|None|${job.node ?? ''}|${job.timeLeft ?? ''}`)[0] as SlurmJob);
  };
  const ending = new Map<string, number>();
  const commands: SlurmCommands = {
    async sbatch() {
      throw new Error('not in these tests');
    },
    async squeue(ids) {
      calls.push(`squeue ${ids.join(',')}`);
      if (down) throw new TsvncError('DAEMON_UNAVAILABLE', 'squeue did not answer within 20 s');
      for (const [id, left] of ending) {
        if (left === 0) {
          set(id, 'CANCELLED');
          ending.delete(id);
        } else ending.set(id, left - 1);
      }
      return ids.flatMap((id) => jobs.get(id) ?? []);
    },
    async scancel(id) {
      calls.push(`scancel ${id}`);
      const job = jobs.get(id);
      if (job && job.phase !== 'ended') {
        set(id, job.phase === 'pending' ? 'CANCELLED' : 'COMPLETING');
        if (job.phase !== 'pending') ending.set(id, 1);
      }
    },
  };
  return { commands, calls, jobs, forget: (id: string) => jobs.delete(id), controllerDown: () => (down = true) };
}
