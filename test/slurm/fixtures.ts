import type { StartResult } from '../../src/daemon/protocol.js';
/**
 * Output of Slurm 22.05.8 (Debian 12's slurm-client), captured from the
 * tests' single-node cluster (test/helpers/slurm-cluster.sh), with
 * `squeue -h -t all -o '%i|%T|%r|%N|%L' -j ...` as tsvnc asks.
 */

/** A job on both CPUs, one waiting for them, one held, one with a start time in the future. */
export const SQUEUE_QUEUED = `2|PENDING|Resources||UNLIMITED
4|PENDING|BeginTime||1:00
3|PENDING|JobHeldUser||UNLIMITED
1|RUNNING|None|vm|UNLIMITED
`;

/** scancel of job 1 (job 2 got its CPUs); a job that exited 3, one of --time 0:02 running, one that completed. */
export const SQUEUE_ENDED = `1|CANCELLED|None|vm|UNLIMITED
2|RUNNING|None|vm|UNLIMITED
6|FAILED|NonZeroExitCode|vm|UNLIMITED
7|RUNNING|None|vm|0:56
1|COMPLETED|None|vm|UNLIMITED
`;

/** A job of --time 2-00:00:00 and a TERM-ignoring one of --time 1, just after scancel; the partition set DOWN. */
export const SQUEUE_ENDING = `2|COMPLETING|None|vm|1-23:59:59
3|COMPLETING|None|vm|1:00
4|PENDING|PartitionDown||UNLIMITED
`;

/** squeue -j with ids none of which the controller remembers: exit 1, and this on stderr. */
export const SQUEUE_UNKNOWN_STDERR = 'slurm_load_jobs error: Invalid job id specified\n';

/** sbatch --parsable -p nope: exit 1. */
export const SBATCH_BAD_PARTITION = `sbatch: error: invalid partition specified: nope
sbatch: error: Batch job submission failed: Invalid partition name specified
`;

/** sbatch --parsable -t abc: exit 255. */
export const SBATCH_BAD_TIME = 'sbatch: error: Invalid --time specification\n';

/** A job of --time 1 (a sleep 200) as it went: just submitted, a second before its limit, past it, timed out. */
export const SQUEUE_TIMEOUT = `1|PENDING|None||1:00
1|RUNNING|None|vm|0:01
1|RUNNING|None|vm|INVALID
1|TIMEOUT|TimeLimit|vm|INVALID
`;

/** What a job's `tsvnc start` answered, as its connection file carries it. */
export function startResult(display: number, host = 'vm'): StartResult {
  return {
    display, state: 'running', pid: 400 + display, rfbPort: 5900 + display, startedAt: '2026-01-01T00:00:00.000Z', uptimeSeconds: 0, restarts: 0,
    lastExit: null, reason: null, log: `/home/ann/.vnc/${host}:${display}.log`, host, localhost: true,
    options: {
      geometry: '1920x1080', depth: 24, desktop: `${host}:${display} (ann)`, localhost: true, securityTypes: ['VncAuth'], rfbPort: 5900 + display,
      xstartup: null, autokill: true, extraArgs: [], restart: { mode: 'on-failure', limit: 5, windowSeconds: 60 },
    },
  };
}
