import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { tempDir } from '../helpers/temp-dir.js';
import { ensureJobDir, writeConnectionFile, writeMarker } from '../../src/slurm/connection-file.js';
import { connectionPath, jobDir, outputPath } from '../../src/slurm/job-dir.js';
import { cancelJob } from '../../src/slurm/cancel-job.js';
import { killOnSlurm } from '../../src/slurm/kill-desktop.js';
import type { StartResult } from '../../src/daemon/protocol.js';
import { startResult } from './fixtures.js';
import { fakeSlurm } from './fake-slurm.js';

const RESULT: StartResult = startResult(3, 'node7.cluster');

function fakeClock() {
  let now = 0;
  return { now: () => now, sleep: async (ms: number) => void (now += ms) };
}

/** A home with job 21's desktop on node7:3 and job 22 still queued. */
async function home(t: Parameters<typeof tempDir>[0]): Promise<string> {
  const dir = await tempDir(t, 'slurm-kill');
  const saved = process.env.HOME;
  process.env.HOME = dir;
  t.after(() => void (process.env.HOME = saved));
  const jobs = jobDir();
  await ensureJobDir(jobs);
  await writeMarker(jobs, '21');
  await writeMarker(jobs, '22');
  await writeFile(outputPath(jobs, '21'), 'New desktop node7:3\n');
  await writeConnectionFile(connectionPath(jobs, '21'), RESULT, { SLURM_JOB_ID: '21', SLURMD_NODENAME: 'node7' });
  return jobs;
}

describe('cancelling a Slurm desktop', () => {
  it('scancels and returns once the job ended, its processes gone (COMPLETING is not ended), then removes its files', async (t) => {
    const dir = await tempDir(t, 'slurm-kill');
    await writeMarker(dir, '5');
    const slurm = fakeSlurm('5|RUNNING|None|vm|1:00\n');
    const ended = await cancelJob(dir, '5', { commands: slurm.commands, ...fakeClock() });
    assert.equal(ended?.state, 'CANCELLED');
    assert.deepEqual(slurm.calls, ['squeue 5', 'scancel 5', 'squeue 5', 'squeue 5']);
    assert.deepEqual(await readdir(dir), []);
  });

  it('only cleans up after a job that ended by itself, or that the controller forgot', async (t) => {
    const dir = await tempDir(t, 'slurm-kill');
    await writeMarker(dir, '5');
    await writeMarker(dir, '6');
    const slurm = fakeSlurm('5|TIMEOUT|TimeLimit|vm|UNLIMITED\n');
    assert.equal((await cancelJob(dir, '5', { commands: slurm.commands, ...fakeClock() }))?.state, 'TIMEOUT');
    assert.equal(await cancelJob(dir, '6', { commands: slurm.commands, ...fakeClock() }), null);
    assert.deepEqual(slurm.calls, ['squeue 5', 'squeue 6']);
    assert.deepEqual(await readdir(dir), []);
  });

  it('says so when a job does not end after scancel, and keeps its files', async (t) => {
    const dir = await tempDir(t, 'slurm-kill');
    await writeMarker(dir, '5');
    const slurm = fakeSlurm('5|RUNNING|None|vm|1:00\n');
    slurm.commands.scancel = async () => undefined;
    await assert.rejects(cancelJob(dir, '5', { commands: slurm.commands, ...fakeClock() }), { code: 'JOB_FAILED', message: /still RUNNING 90 s after scancel/ });
    assert.deepEqual(await readdir(dir), ['5.job']);
  });

  it('kill NODE:N finds the job by the node Slurm names or the host the desktop names, and kill --job by its id', async (t) => {
    const jobs = await home(t);
    const slurm = fakeSlurm('21|RUNNING|None|node7|1:00\n22|PENDING|Priority||1:00\n');
    assert.deepEqual(await killOnSlurm('node7.cluster:3', undefined, slurm.commands), { killed: [3], slurm: { jobId: '21', node: 'node7' } });
    assert.deepEqual(await readdir(jobs), ['22.job']);
    assert.deepEqual(await killOnSlurm(undefined, '22', slurm.commands), { killed: [], slurm: { jobId: '22', node: null } });
    assert.deepEqual(await readdir(jobs), []);
  });

  it('leaves :N to the local daemon, and refuses what is no desktop of the caller', async (t) => {
    await home(t);
    const slurm = fakeSlurm('21|RUNNING|None|node7|1:00\n');
    assert.equal(await killOnSlurm(':3', undefined, slurm.commands), null);
    assert.equal(await killOnSlurm(undefined, undefined, slurm.commands), null);
    await assert.rejects(killOnSlurm('node8:3', undefined, slurm.commands), { code: 'NOT_A_SESSION', message: /no desktop of yours on "node8:3"/ });
    await assert.rejects(killOnSlurm('node7:4', undefined, slurm.commands), { code: 'NOT_A_SESSION' });
    await assert.rejects(killOnSlurm(undefined, '99', slurm.commands), { code: 'NOT_A_SESSION', message: /job "99" is not a desktop tsvnc started for you/ });
    await assert.rejects(killOnSlurm(undefined, '../21', slurm.commands), { code: 'NOT_A_SESSION' });
    assert.deepEqual(slurm.calls, [], 'nothing was asked of Slurm, nor cancelled');
  });
});
