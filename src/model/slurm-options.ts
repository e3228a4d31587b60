import { TsvncError } from '../errors.js';
import { firstUnprintable, quote } from '../output/printable.js';

/*
 * What `start --slurm` hands to sbatch, checked before anything is
 * submitted: by the command line and the configuration files alike. Slurm
 * judges the values again (a partition that does not exist); these checks
 * keep out what would be misread as something else, such as an argument
 * sbatch takes for the script's name.
 */

/** Partition and account names: Slurm's own are words, dots and dashes. */
function slurmName(option: string, value: string, what: string): string {
  if (!/^[\w.-]{1,64}$/.test(value)) throw new TsvncError('BAD_ARGUMENT', `${option} ${quote(value)} is not a Slurm ${what} name`, `give a name of letters, digits, '.', '_' or '-', as sinfo or sacctmgr lists them`);
  return value;
}

export const parsePartition = (value: string): string => slurmName('--partition', value, 'partition');
export const parseAccount = (value: string): string => slurmName('--account', value, 'account');

/** sbatch's --time forms: minutes, M:S, H:M:S, D-H, D-H:M, D-H:M:S, or no limit. */
export function parseTimeLimit(value: string): string {
  if (!/^(\d+(:\d{1,2}){0,2}|\d+-\d+(:\d{1,2}){0,2}|UNLIMITED|INFINITE)$/i.test(value)) {
    throw new TsvncError('BAD_ARGUMENT', `--time ${quote(value)} is not a Slurm time limit`, 'give minutes, HH:MM:SS or DAYS-HH:MM:SS, e.g. --time 4:00:00');
  }
  return value;
}

/** Options only: a bare word would be taken by sbatch for the batch script. */
export function parseSbatchArgs(args: readonly string[]): string[] {
  for (const arg of args) {
    const bad = firstUnprintable(arg);
    if (!arg.startsWith('-') || bad !== null || arg.length > 1024) {
      throw new TsvncError('BAD_ARGUMENT', `--sbatch-arg ${quote(arg)} is not an sbatch option`, "give each as one word starting with '-', e.g. --sbatch-arg=--mem=8G");
    }
  }
  return [...args];
}

/** How long `start --slurm` waits for a queued job to serve. */
export function parseQueueWait(value: string): number {
  const seconds = Number(value);
  if (!/^\d{1,6}$/.test(value) || seconds < 1 || seconds > 604_800) {
    throw new TsvncError('BAD_ARGUMENT', `--queue-wait ${quote(value)} is not a number of seconds`, 'give seconds from 1 to 604800 (a week)');
  }
  return seconds;
}
