import { existsSync } from 'node:fs';
import { sandboxUnavailable } from '../helpers/sandbox.js';

const PROGRAMS = ['/usr/sbin/slurmctld', '/usr/sbin/slurmd', '/usr/sbin/munged', '/usr/bin/sbatch'];

/** Why the tests against a real Slurm cluster cannot run here, or false. */
export const slurmUnavailable: string | false = sandboxUnavailable
  || (PROGRAMS.some((p) => !existsSync(p)) ? 'Slurm is not installed (apt-get install slurmd slurmctld slurm-client munge)' : false);

/**
 * The start of a sandbox script with a cluster up: a copy-on-write /etc for
 * useradd, the cluster's helpers, and the cluster torn down when the script ends.
 */
export const SLURM_UP = `private_system
  source "$TSVNC_ROOT/test/helpers/slurm-cluster.sh"
  trap slurm_down EXIT
  slurm_up || exit 1`;
