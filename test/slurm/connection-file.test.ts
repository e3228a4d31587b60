import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, readdir, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '../helpers/temp-dir.js';
import { ensureJobDir, lastOutputLines, readConnection, removeJobFiles, writeConnectionFile, writeMarker } from '../../src/slurm/connection-file.js';
import { connectionPath, outputPath, submittedJobs } from '../../src/slurm/job-dir.js';
import type { StartResult } from '../../src/daemon/protocol.js';
import { startResult } from './fixtures.js';

const RESULT: StartResult = startResult(2, 'node3.cluster');
const JOB_ENV = { SLURM_JOB_ID: '31', SLURMD_NODENAME: 'node3' };

describe("a Slurm desktop's files in the home", () => {
  it('creates the directory owner-only, and tightens one open to others', async (t) => {
    const home = await tempDir(t, 'slurm-files');
    const dir = join(home, '.vnc', 'slurm-desktops');
    await ensureJobDir(dir);
    assert.equal((await stat(dir)).mode & 0o777, 0o700);
    assert.equal((await stat(join(home, '.vnc'))).mode & 0o777, 0o700);
    await chmod(dir, 0o755);
    await ensureJobDir(dir);
    assert.equal((await stat(dir)).mode & 0o777, 0o700);
  });

  it('refuses a directory that is a symlink', async (t) => {
    const home = await tempDir(t, 'slurm-files');
    await mkdir(join(home, '.vnc'));
    await mkdir(join(home, 'elsewhere'));
    await symlink(join(home, 'elsewhere'), join(home, '.vnc', 'slurm-desktops'));
    await assert.rejects(ensureJobDir(join(home, '.vnc', 'slurm-desktops')), { code: 'UNSAFE_PATH', message: /is not a directory/ });
  });

  it("the job writes where its desktop serves, owner-only and whole; the submitter reads it back, with Slurm's name of the node", async (t) => {
    const dir = await tempDir(t, 'slurm-files');
    await writeConnectionFile(connectionPath(dir, '31'), RESULT, JOB_ENV);
    assert.equal((await stat(connectionPath(dir, '31'))).mode & 0o777, 0o600);
    assert.deepEqual(await readdir(dir), ['31.json'], 'no temporary file is left');
    assert.deepEqual(await readConnection(dir, '31'), { jobId: '31', node: 'node3', result: RESULT });
    assert.equal(await readConnection(dir, '32'), null, 'no file yet');
  });

  it('the connection file is written only inside a job, to an absolute path', async (t) => {
    const dir = await tempDir(t, 'slurm-files');
    await assert.rejects(writeConnectionFile(connectionPath(dir, '31'), RESULT, {}), { code: 'BAD_ARGUMENT' });
    await assert.rejects(writeConnectionFile('31.json', RESULT, JOB_ENV), { code: 'BAD_ARGUMENT' });
  });

  it('treats a damaged file, or one naming another job, as no connection', async (t) => {
    const dir = await tempDir(t, 'slurm-files');
    await writeFile(connectionPath(dir, '5'), '{"jobId":"5","node":"n1","result":');
    assert.equal(await readConnection(dir, '5'), null);
    await writeFile(connectionPath(dir, '6'), JSON.stringify({ jobId: '7', node: 'n1', result: RESULT }));
    assert.equal(await readConnection(dir, '6'), null);
    await writeFile(connectionPath(dir, '8'), JSON.stringify({ jobId: '8', node: 'n1', result: { ...RESULT, pid: 'x' } }));
    assert.equal(await readConnection(dir, '8'), null);
    await symlink(connectionPath(dir, '9-target'), connectionPath(dir, '9'));
    await writeFile(connectionPath(dir, '9-target'), JSON.stringify({ jobId: '9', node: 'n1', result: RESULT }));
    assert.equal(await readConnection(dir, '9'), null, 'a symlink is not followed');
  });

  it("lists the submitted jobs by their markers, tails a job's output and removes all of a job's files", async (t) => {
    const dir = await tempDir(t, 'slurm-files');
    for (const id of ['12', '3', '100']) await writeMarker(dir, id);
    await writeFile(join(dir, 'notes.txt'), '');
    assert.deepEqual(await submittedJobs(dir), ['3', '12', '100']);
    await writeFile(outputPath(dir, '12'), `${'x'.repeat(20_000)}\nstarting\n\ntsvnc: Xtigervnc is not installed\nlast words\n`);
    assert.deepEqual(await lastOutputLines(dir, '12'), ['starting', 'tsvnc: Xtigervnc is not installed', 'last words']);
    await writeConnectionFile(connectionPath(dir, '12'), RESULT, { ...JOB_ENV, SLURM_JOB_ID: '12' });
    await removeJobFiles(dir, '12');
    assert.deepEqual((await readdir(dir)).sort(), ['100.job', '3.job', 'notes.txt']);
    assert.deepEqual(await lastOutputLines(dir, '12'), []);
  });
});
