import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TsvncError } from '../../src/errors.js';
import { jobScope } from '../../src/state/job-scope.js';

const session = () => 4242;

describe('jobScope', () => {
  it("is the batch job's, from Slurm's, PBS's or LSF's variable", () => {
    assert.equal(jobScope({ SLURM_JOB_ID: '123' }, session), 'slurm-123');
    assert.equal(jobScope({ PBS_JOBID: '77.head.example' }, session), 'pbs-77.head.example');
    assert.equal(jobScope({ LSB_JOBID: '9' }, session), 'lsf-9');
    assert.equal(jobScope({ SLURM_JOB_ID: '5', PBS_JOBID: '6' }, session), 'slurm-5', 'Slurm first');
  });

  it("is the user's outside a job, and when TSVNC_SCOPE=user asks for it inside one", () => {
    assert.equal(jobScope({}, session), null);
    assert.equal(jobScope({ SLURM_JOB_ID: '' }, session), null);
    assert.equal(jobScope({ SLURM_JOB_ID: '123', TSVNC_SCOPE: 'user' }, session), null);
  });

  it("outside a job, TSVNC_SCOPE=job keys it to the caller's login session", () => {
    assert.equal(jobScope({ TSVNC_SCOPE: 'job' }, session), 'session-4242');
    assert.equal(jobScope({ TSVNC_SCOPE: 'job', LSB_JOBID: '3' }, session), 'lsf-3');
  });

  it('makes any job id a single directory name', () => {
    for (const id of ['../../etc', '..', '.', 'a/b', 'x'.repeat(200), 'a\nb']) {
      const key = jobScope({ SLURM_JOB_ID: id }, session) ?? '';
      assert.match(key, /^slurm-[A-Za-z0-9_.-]{1,64}$/, JSON.stringify(id));
      assert.doesNotMatch(key, /\/|^slurm-\.+$/, JSON.stringify(id));
    }
  });

  it('refuses a scope it does not know, with the ones it does', () => {
    assert.throws(() => jobScope({ TSVNC_SCOPE: 'cluster' }, session), (error: unknown) =>
      error instanceof TsvncError && error.code === 'BAD_ARGUMENT' && /TSVNC_SCOPE="cluster" is not a scope/.test(error.message) && /job or user/.test(error.hint ?? ''));
  });
});
