import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseAccount, parsePartition, parseQueueWait, parseSbatchArgs, parseTimeLimit } from '../../src/model/slurm-options.js';
import { parseConfig } from '../../src/config/parse-config.js';

describe("start --slurm's options and configuration keys", () => {
  it("accepts sbatch's time limit forms and refuses the rest", () => {
    for (const ok of ['30', '30:00', '4:00:00', '2-0', '2-12:00', '1-00:00:00', 'UNLIMITED', 'infinite']) assert.equal(parseTimeLimit(ok), ok);
    for (const bad of ['', 'abc', '1h', '4:00:00:00', '-5', '1-', '4:0a']) assert.throws(() => parseTimeLimit(bad), { code: 'BAD_ARGUMENT' }, bad);
  });

  it('takes partition and account names as Slurm writes them', () => {
    assert.equal(parsePartition('gpu-a100.long_q'), 'gpu-a100.long_q');
    assert.equal(parseAccount('proj_42'), 'proj_42');
    for (const bad of ['', 'a b', '--partition=x', 'x;rm', 'n\u001b']) assert.throws(() => parsePartition(bad), { code: 'BAD_ARGUMENT' }, bad);
  });

  it('passes only options to sbatch: a bare word would become the script', () => {
    assert.deepEqual(parseSbatchArgs(['--mem=8G', '-c', '--gres=gpu:1']), ['--mem=8G', '-c', '--gres=gpu:1']);
    assert.throws(() => parseSbatchArgs(['--mem', '8G']), { code: 'BAD_ARGUMENT', message: /"8G" is not an sbatch option/ });
    assert.throws(() => parseSbatchArgs(['--x=\n']), { code: 'BAD_ARGUMENT' });
  });

  it('bounds the wait to seconds from 1 to a week', () => {
    assert.equal(parseQueueWait('600'), 600);
    for (const bad of ['0', '-1', '1.5', '604801', 'soon']) assert.throws(() => parseQueueWait(bad), { code: 'BAD_ARGUMENT' }, bad);
  });

  it('reads the slurm-* keys of a configuration file, saying which line is wrong', () => {
    const config = parseConfig('slurm-partition = viz\nslurm-time = 8:00:00\nslurm-account = proj_42\nslurm-sbatch-args = --mem=8G  --gres=gpu:1\nslurm-queue-wait = 900\n', 'f');
    assert.deepEqual(config, { slurmPartition: 'viz', slurmTime: '8:00:00', slurmAccount: 'proj_42', slurmSbatchArgs: ['--mem=8G', '--gres=gpu:1'], slurmQueueWait: 900 });
    assert.throws(() => parseConfig('\nslurm-time = soon\n', 'f'), { code: 'BAD_CONFIG', message: /f:2: bad value for slurm-time/ });
    assert.throws(() => parseConfig('slurm-sbatch-args = --mem 8G\n', 'f'), { code: 'BAD_CONFIG', message: /slurm-sbatch-args/ });
  });
});
