import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { tempDir } from '../helpers/temp-dir.js';
import { writeConnectionFile, writeMarker } from '../../src/slurm/connection-file.js';
import { connectionPath } from '../../src/slurm/job-dir.js';
import { slurmDesktops } from '../../src/slurm/slurm-list.js';
import { slurmListText } from '../../src/slurm/slurm-text.js';
import { startResult } from './fixtures.js';
import { fakeSlurm } from './fake-slurm.js';

const result = (display: number) => startResult(display);

describe('list: the Slurm desktops beside the local ones', () => {
  it('shows each submitted job: queued and why, starting, serving on its node with its display and time left, or ended (then its files go)', async (t) => {
    const dir = await tempDir(t, 'slurm-list');
    const slurm = fakeSlurm('2|PENDING|Resources||UNLIMITED\n3|RUNNING|None|vm|0:56\n4|RUNNING|None|vm|1-23:59:59\n6|FAILED|NonZeroExitCode|vm|UNLIMITED\n');
    for (const id of ['2', '3', '4', '6', '9']) await writeMarker(dir, id);
    await writeConnectionFile(connectionPath(dir, '4'), result(1), { SLURM_JOB_ID: '4', SLURMD_NODENAME: 'vm' });
    await writeConnectionFile(connectionPath(dir, '9'), result(2), { SLURM_JOB_ID: '9', SLURMD_NODENAME: 'vm' });
    const desktops = await slurmDesktops(dir, slurm.commands);
    assert.deepEqual(slurm.calls, ['squeue 2,3,4,6,9'], 'one squeue for all of them');
    assert.deepEqual(desktops.map((d) => [d.slurm.jobId, d.state, d.display, d.slurm.node, d.slurm.timeLeft, d.slurm.reason]), [
      ['2', 'pending', null, null, 'UNLIMITED', 'Resources'],
      ['3', 'starting', null, 'vm', '0:56', null],
      ['4', 'running', 1, 'vm', '1-23:59:59', null],
      ['6', 'ended', null, 'vm', null, 'NonZeroExitCode'],
      ['9', 'ended', null, 'vm', null, null],
    ]);
    assert.deepEqual(slurmListText(desktops), [
      'SLURM JOB  NODE  DESKTOP  STATE     TIME LEFT   NOTE',
      '2          -     -        pending   UNLIMITED   Resources',
      '3          vm    -        starting  0:56',
      '4          vm    vm:1     running   1-23:59:59',
      '6          vm    -        ended     -           NonZeroExitCode',
      '9          vm    -        ended     -',
    ]);
    assert.deepEqual((await readdir(dir)).sort(), ['2.job', '3.job', '4.job', '4.json'], 'the ended jobs are said once, then gone');
    assert.deepEqual((await slurmDesktops(dir, slurm.commands)).map((d) => d.slurm.jobId), ['2', '3', '4']);
  });

  it('asks Slurm nothing when tsvnc submitted nothing', async (t) => {
    const slurm = fakeSlurm('');
    assert.deepEqual(await slurmDesktops(await tempDir(t, 'slurm-list'), slurm.commands), []);
    assert.deepEqual(slurm.calls, []);
    assert.deepEqual(slurmListText([]), []);
  });

  it('leaves the files alone when the controller does not answer', async (t) => {
    const dir = await tempDir(t, 'slurm-list');
    await writeMarker(dir, '2');
    const slurm = fakeSlurm('');
    slurm.controllerDown();
    assert.deepEqual(await slurmDesktops(dir, slurm.commands), []);
    assert.deepEqual(await readdir(dir), ['2.job']);
  });
});
