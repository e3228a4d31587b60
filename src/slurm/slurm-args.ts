import { TsvncError } from '../errors.js';

/** `start --slurm`'s own options as the command line gave them; the submission checks them and puts them over the configured defaults. */
export interface SlurmStartOptions {
  partition?: string | undefined;
  time?: string | undefined;
  account?: string | undefined;
  sbatchArgs: readonly string[];
  queueWait?: string | undefined;
  cancelPending: boolean;
}

/** `start`'s arguments as far as they concern Slurm. */
interface SlurmArgs {
  slurm: boolean;
  partition?: string | undefined;
  time?: string | undefined;
  account?: string | undefined;
  sbatchArg?: string[] | undefined;
  queueWait?: string | undefined;
  cancelPending: boolean;
  dryRun: boolean;
}

/** The options of `start --slurm`, or null for a local start; one of them without --slurm is a mistake, not something to ignore. */
export function slurmOptions(args: SlurmArgs): SlurmStartOptions | null {
  const given = { partition: args.partition, time: args.time, account: args.account, 'sbatch-arg': args.sbatchArg, 'queue-wait': args.queueWait, 'cancel-pending': args.cancelPending || undefined };
  if (!args.slurm) {
    const stray = Object.entries(given).find(([, value]) => value !== undefined);
    if (stray) throw new TsvncError('BAD_ARGUMENT', `--${stray[0]} is an option of start --slurm`, 'add --slurm, or leave it out');
    return null;
  }
  if (args.dryRun) throw new TsvncError('BAD_ARGUMENT', '--dry-run does not apply to start --slurm', 'leave out one of them');
  return { partition: args.partition, time: args.time, account: args.account, sbatchArgs: args.sbatchArg ?? [], queueWait: args.queueWait, cancelPending: args.cancelPending };
}
