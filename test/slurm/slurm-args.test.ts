import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { slurmOptions } from '../../src/slurm/slurm-args.js';

const LOCAL = { slurm: false, cancelPending: false, dryRun: false };

describe("start's Slurm options", () => {
  it('are none for a local start, and taken as given for --slurm', () => {
    assert.equal(slurmOptions(LOCAL), null);
    assert.deepEqual(slurmOptions({ ...LOCAL, slurm: true, partition: 'viz', sbatchArg: ['--mem=8G'], queueWait: '60' }),
      { partition: 'viz', time: undefined, account: undefined, sbatchArgs: ['--mem=8G'], queueWait: '60', cancelPending: false });
  });

  it('refuse one of them without --slurm, and --dry-run with it, rather than ignore them', () => {
    assert.throws(() => slurmOptions({ ...LOCAL, time: '1:00:00' }), { code: 'BAD_ARGUMENT', message: '--time is an option of start --slurm' });
    assert.throws(() => slurmOptions({ ...LOCAL, cancelPending: true }), { code: 'BAD_ARGUMENT', message: '--cancel-pending is an option of start --slurm' });
    assert.throws(() => slurmOptions({ ...LOCAL, slurm: true, dryRun: true }), { code: 'BAD_ARGUMENT', message: /--dry-run does not apply/ });
  });
});
