import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sandbox } from '../helpers/sandbox.js';
import { SLURM_UP, slurmUnavailable } from './slurm-sandbox.js';

/**
 * A job script that starts a sleep in the job's process group, names its pid
 * and stays: what `scontrol listpids` must list while the job runs.
 */
const JOB = `cat >/tmp/job.sh <<'J'
#!/bin/bash
sleep 1000 &
echo "sleep $!"
wait
J
  chmod 755 /tmp/job.sh
  running() { [ "$(squeue -h -j "$1" -o %T)" = RUNNING ] && grep -q '^sleep ' "$2"; }
  sleep_pid() { sed -n 's/^sleep //p' "$1"; }
  export -f running sleep_pid`;

describe('the test Slurm cluster (test/helpers/slurm-cluster.sh)', { skip: slurmUnavailable, concurrency: true }, () => {
  it('runs a job as root and one as an ordinary user; Slurm lists the sleep each started; tear-down ends them and the daemons', async () => {
    const run = await sandbox(`${SLURM_UP}
      ${JOB}
      useradd -m -s /bin/bash alice
      step node sinfo -h -N -o '%N %t %P'
      step proctrack bash -c "scontrol show config | grep ^ProctrackType"
      ROOT_JOB=$(sbatch --parsable -o /tmp/root-%j.out /tmp/job.sh)
      ALICE_JOB=$(as_user alice sbatch --parsable -D /home/alice -o /home/alice/job-%j.out /tmp/job.sh)
      step jobs echo "$ROOT_JOB $ALICE_JOB"
      slurm_wait 30 running "$ROOT_JOB" /tmp/root-$ROOT_JOB.out
      slurm_wait 30 running "$ALICE_JOB" /home/alice/job-$ALICE_JOB.out
      step queue squeue -h -o '%i %u %T %N'
      step root_sleep sleep_pid /tmp/root-$ROOT_JOB.out
      step alice_sleep sleep_pid /home/alice/job-$ALICE_JOB.out
      step root_pids bash -c "scontrol listpids $ROOT_JOB | awk 'NR > 1 {print \\$1}'"
      step alice_pids bash -c "scontrol listpids $ALICE_JOB | awk 'NR > 1 {print \\$1}'"
      step alice_sleep_user ps -o user= -p "$(sleep_pid /home/alice/job-$ALICE_JOB.out)"
      step alice_cancels_root as_user alice scancel "$ROOT_JOB"
      slurm_down
      trap - EXIT
      step queue_after bash -c 'squeue -h 2>&1; true'
      step left pgrep -a -x -e 'sleep|slurmctld|slurmd|munged'`, { timeoutMs: 120_000 });
    assert.equal(run.step('node').code, 0, run.stderr);
    assert.match(run.step('node').out, /^\S+ idle debug\*?\n?$/);
    assert.match(run.step('proctrack').out, /proctrack\/pgid/);
    assert.match(run.step('jobs').out, /^\d+ \d+\n?$/, run.stderr);
    const queue = run.step('queue').out.trim().split('\n').map((l) => l.split(' ').slice(1, 3));
    assert.deepEqual(queue.sort(), [['alice', 'RUNNING'], ['root', 'RUNNING']], run.stderr);
    for (const who of ['root', 'alice']) {
      const sleep = run.step(`${who}_sleep`).out.trim();
      assert.match(sleep, /^\d+$/, `${who}'s job named its sleep`);
      assert.ok(run.step(`${who}_pids`).out.split('\n').includes(sleep), `scontrol listpids of ${who}'s job lists its sleep ${sleep}: ${run.step(`${who}_pids`).out}`);
    }
    assert.equal(run.step('alice_sleep_user').out.trim(), 'alice', "alice's job runs as alice");
    assert.notEqual(run.step('alice_cancels_root').code, 0, "alice cannot cancel root's job");
    assert.equal(run.step('left').out, '', 'tear-down leaves no job process and no daemon');
  });
});
