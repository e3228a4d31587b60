import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { waitForDesktop, type WaitDeps } from '../../src/slurm/wait-for-desktop.js';
import { parseSqueue, type SlurmJob } from '../../src/slurm/squeue.js';
import type { Connection } from '../../src/slurm/connection-file.js';
import type { StartResult } from '../../src/daemon/protocol.js';

const job = (line: string): SlurmJob => parseSqueue(line)[0] as SlurmJob;
const PENDING = job('7|PENDING|Priority||1:00:00');
const RESOURCES = job('7|PENDING|Resources||1:00:00');
const RUNNING = job('7|RUNNING|None|node3|59:58');
const FAILED = job('7|FAILED|NonZeroExitCode|node3|59:58');

const CONNECTION: Connection = {
  jobId: '7',
  node: 'node3',
  result: { display: 1, rfbPort: 5901, host: 'node3', localhost: true, pid: 99 } as StartResult,
};

/**
 * A fake world on a fake clock: `timeline` says, from which millisecond on,
 * what squeue answers and whether the connection file is there.
 */
function world(timeline: [atMs: number, job: SlurmJob | null, serving?: boolean][], interruptAt = Infinity) {
  let now = 0;
  const said: string[] = [];
  let squeues = 0;
  const at = () => [...timeline].reverse().find(([t]) => t <= now) ?? timeline[0];
  const deps: WaitDeps = {
    job: async () => {
      squeues++;
      return at()?.[1] ?? null;
    },
    connection: async () => (at()?.[2] ? CONNECTION : null),
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
    progress: (message) => said.push(`${now} ${message}`),
    interrupted: () => now >= interruptAt,
  };
  return { deps, said, squeues: () => squeues, now: () => now };
}

const BOUNDS = { queueMs: 60_000, startMs: 30_000 };

describe('waiting for a Slurm desktop to serve', () => {
  it('says each change (queued and why, started on which node) once, and returns the connection once the job serves', async () => {
    const w = world([[0, PENDING], [3000, RESOURCES], [8000, RUNNING], [9500, RUNNING, true]]);
    const outcome = await waitForDesktop(w.deps, BOUNDS);
    assert.deepEqual(outcome, { kind: 'serving', connection: CONNECTION });
    assert.deepEqual(w.said.map((s) => s.replace(/^\d+ /, '')), [
      'Slurm job 7 is queued (Priority)',
      'Slurm job 7 is queued (Resources)',
      'Slurm job 7 runs on node3; waiting for its desktop',
    ]);
    assert.ok(w.now() >= 9500 && w.now() < 10_000, `found within a poll of serving, at ${w.now()}`);
  });

  it('asks squeue less often the longer a job stays queued', async () => {
    const w = world([[0, PENDING]]);
    const outcome = await waitForDesktop(w.deps, BOUNDS);
    assert.equal(outcome.kind, 'queued-too-long');
    assert.ok(w.squeues() <= 20, `${w.squeues()} squeues in 60 s`);
    assert.equal(w.now(), 60_000);
  });

  it('gives up on a job still queued at the bound, and says how it stands', async () => {
    const outcome = await waitForDesktop(world([[0, RESOURCES]]).deps, BOUNDS);
    assert.deepEqual(outcome, { kind: 'queued-too-long', job: RESOURCES });
  });

  it('reports a job that ends before its desktop serves, and one the controller forgot', async () => {
    assert.deepEqual(await waitForDesktop(world([[0, PENDING], [2000, RUNNING], [4000, FAILED]]).deps, BOUNDS), { kind: 'ended', job: FAILED });
    assert.deepEqual(await waitForDesktop(world([[0, RUNNING], [1000, null]]).deps, BOUNDS), { kind: 'ended', job: null });
    const quick = world([[0, RUNNING], [4000, FAILED]]);
    await waitForDesktop(quick.deps, BOUNDS);
    assert.ok(quick.now() <= 5000, `a failure soon after the start is seen soon, at ${quick.now()}`);
  });

  it('gives a running job its own bound to serve, counted from when it started running', async () => {
    const w = world([[0, PENDING], [50_000, RUNNING]]);
    const outcome = await waitForDesktop(w.deps, BOUNDS);
    assert.deepEqual(outcome, { kind: 'start-too-long', job: RUNNING });
    assert.ok(w.now() >= 80_000 && w.now() < 90_000, `at ${w.now()}`);
  });

  it('stops waiting when interrupted, with the job as it last stood', async () => {
    assert.deepEqual(await waitForDesktop(world([[0, PENDING]], 5000).deps, BOUNDS), { kind: 'interrupted', job: PENDING });
  });
});
