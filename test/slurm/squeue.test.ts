import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isUnknownJobError, parseSbatchId, parseSqueue, phaseOf, sbatchRefusal } from '../../src/slurm/squeue.js';
import { SBATCH_BAD_PARTITION, SBATCH_BAD_TIME, SQUEUE_ENDED, SQUEUE_ENDING, SQUEUE_QUEUED, SQUEUE_TIMEOUT, SQUEUE_UNKNOWN_STDERR } from './fixtures.js';

describe('squeue and sbatch output', () => {
  it('reads queued and running jobs: state, why a job waits, its node, its time left', () => {
    assert.deepEqual(parseSqueue(SQUEUE_QUEUED).map((j) => [j.jobId, j.phase, j.reason, j.node, j.timeLeft]), [
      ['2', 'pending', 'Resources', null, 'UNLIMITED'],
      ['4', 'pending', 'BeginTime', null, '1:00'],
      ['3', 'pending', 'JobHeldUser', null, 'UNLIMITED'],
      ['1', 'running', null, 'vm', 'UNLIMITED'],
    ]);
  });

  it('tells ended jobs, however they ended, from running ones, and a completing job from both', () => {
    assert.deepEqual(parseSqueue(SQUEUE_ENDED).map((j) => [j.jobId, j.state, j.phase, j.reason]), [
      ['1', 'CANCELLED', 'ended', null],
      ['2', 'RUNNING', 'running', null],
      ['6', 'FAILED', 'ended', 'NonZeroExitCode'],
      ['7', 'RUNNING', 'running', null],
      ['1', 'COMPLETED', 'ended', null],
    ]);
    assert.deepEqual(parseSqueue(SQUEUE_ENDING).map((j) => [j.phase, j.timeLeft, j.reason]), [
      ['ending', '1-23:59:59', null], ['ending', '1:00', null], ['pending', 'UNLIMITED', 'PartitionDown'],
    ]);
    for (const state of ['TIMEOUT', 'NODE_FAIL', 'PREEMPTED', 'OUT_OF_MEMORY', 'BOOT_FAIL', 'DEADLINE']) assert.equal(phaseOf(state), 'ended', state);
    for (const state of ['CONFIGURING', 'SUSPENDED']) assert.equal(phaseOf(state), 'running', state);
    assert.equal(phaseOf('REQUEUED'), 'pending');
  });

  it('follows a job to its time limit: no time left past it, then TIMEOUT, which is an end', () => {
    assert.deepEqual(parseSqueue(SQUEUE_TIMEOUT).map((j) => [j.phase, j.reason, j.node, j.timeLeft]), [
      ['pending', null, null, '1:00'], ['running', null, 'vm', '0:01'], ['running', null, 'vm', null], ['ended', 'TimeLimit', 'vm', null],
    ]);
  });

  it('skips lines of any other shape: a header, warnings, a field too many', () => {
    assert.deepEqual(parseSqueue('JOBID|STATE|REASON|NODELIST|TIME_LEFT\nsqueue: warning: x\n5|RUNNING|None|vm|1:00|extra\n\n'), []);
  });

  it('knows the error of ids the controller forgot', () => {
    assert.ok(isUnknownJobError(SQUEUE_UNKNOWN_STDERR));
    assert.ok(!isUnknownJobError('squeue: error: Unable to contact slurm controller (connect failure)\n'));
  });

  it("reads sbatch --parsable's job id, also on a federation", () => {
    assert.equal(parseSbatchId('12\n'), '12');
    assert.equal(parseSbatchId('12;cluster2\n'), '12');
    assert.equal(parseSbatchId('Submitted batch job 12\n'), null);
    assert.equal(parseSbatchId(''), null);
  });

  it("says why sbatch refused in its own specific words, else its verdict", () => {
    assert.equal(sbatchRefusal(SBATCH_BAD_PARTITION), 'invalid partition specified: nope');
    assert.equal(sbatchRefusal(SBATCH_BAD_TIME), 'Invalid --time specification');
    assert.equal(sbatchRefusal('sbatch: error: Batch job submission failed: Invalid account or account/partition combination specified\n'),
      'Invalid account or account/partition combination specified');
    assert.equal(sbatchRefusal('something odd\n'), 'something odd');
  });
});
