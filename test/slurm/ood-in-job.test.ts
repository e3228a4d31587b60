import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { sandbox } from '../helpers/sandbox.js';
import { SLURM_UP, slurmUnavailable } from './slurm-sandbox.js';

const skip = slurmUnavailable || (!existsSync('/usr/bin/websockify') && 'websockify is not installed (apt-get install websockify)');

/**
 * Open OnDemand's batch-connect template (test/helpers/ood-batch-connect.sh)
 * submitted as alice's batch job on a real Slurm cluster, with tsvnc as
 * `vncserver` and the portal's `vncserver-output = turbovnc`: nothing tells
 * tsvnc it is in a job but Slurm's own variables.
 */
const SUBMIT = `useradd -m -s /bin/bash alice
  echo 'vncserver-output = turbovnc' > /etc/tsvnc/tsvnc.conf
  mkdir -m 755 /run/bin && ln -s "$TSVNC_ROOT/dist/src/cli.js" /run/bin/vncserver
  J=/home/alice/job
  as_user alice mkdir $J
  printf '#!/bin/bash\\nexec bash "%s/test/helpers/ood-batch-connect.sh"\\n' "$TSVNC_ROOT" > /run/ood-job.sh && chmod 755 /run/ood-job.sh
  JOB=$(as_user alice env HOME=/home/alice USER=alice PATH=/run/bin:/usr/bin:/bin OOD_WORKDIR=$J OOD_WS_PORT=6080 \\
    sbatch --parsable -D $J -o $J/output.log /run/ood-job.sh)
  step submitted echo $JOB
  step up slurm_wait 60 test -e $J/connection
  source $J/connection
  step listpids bash -c "scontrol listpids $JOB | awk 'NR > 1 {print \\$1}'"
  step daemon pgrep -u alice -f '^[^ ]*node .*daemon --foreground .*--job slurm-'$JOB
  step vnc_pid echo $vnc_pid
  step comm cat /proc/$vnc_pid/comm
  step rfb node --openssl-legacy-provider "$FIXTURES/rfb-client.js" ws://127.0.0.1:6080/ "$password"`;

describe("Open OnDemand's batch-connect template inside a real Slurm job, tsvnc as vncserver", { skip, concurrency: true }, () => {
  it("the desktop is the job's: Slurm counts the server and tsvnc's job daemon among its processes; the template's own clean-up leaves nothing", async () => {
    const run = await sandbox(`${SLURM_UP}
      ${SUBMIT}
      touch $J/done
      step ended slurm_wait 60 slurm_queue_empty
      step cleaned cat $J/cleaned
      step killed cat $J/killed
      step output cat $J/output.log
      step procs pgrep -a -u alice
      step jobs bash -c 'ls -A /home/alice/.vnc/tsvnc-*/jobs'
      step leftovers leftovers`, { timeoutMs: 150_000 });
    assert.match(run.step('submitted').out, /^\d+$/, run.stderr);
    assert.equal(run.step('up').code, 0, `${run.stderr}\n${run.stdout}`);
    const pids = run.step('listpids').out.split('\n');
    const server = run.step('vnc_pid').out;
    assert.ok(pids.includes(server), `Slurm lists the server ${server} among the job's processes: ${pids.join(' ')}`);
    assert.equal(run.step('comm').out, 'Xvnc');
    const daemon = run.step('daemon').out.trim();
    assert.match(daemon, /^\d+$/, "the job's own tsvnc daemon runs");
    assert.ok(pids.includes(daemon), `Slurm lists the job's tsvnc daemon ${daemon} among the job's processes: ${pids.join(' ')}`);
    const said = JSON.parse(run.step('rfb').out) as { width: number; name: string };
    assert.deepEqual([said.width, said.name], [1280, 'OOD desktop'], 'websockify reaches the desktop with the job password');
    assert.equal(run.step('ended').code, 0, 'the job ended');
    assert.equal(run.step('cleaned').out, 'alive', "the template's cleaner kept the live desktop");
    assert.equal(run.step('killed').out, '0', run.step('output').out);
    assert.match(run.step('output').out, /^Desktop 'OOD desktop' started on display \S+:1$/m);
    assert.equal(run.step('procs').out, '', "nothing of alice's is left running");
    assert.equal(run.step('jobs').out, '');
    assert.equal(run.step('leftovers').out, '');
  });

  it('scancel of the running job ends the desktop, its daemon and websockify, and leaves no lock', async () => {
    const run = await sandbox(`${SLURM_UP}
      ${SUBMIT}
      step vnc_in_job bash -c "scontrol listpids $JOB | awk 'NR > 1 {print \\$1}' | grep -qx $vnc_pid"
      scancel $JOB
      step ended slurm_wait 60 slurm_queue_empty
      step procs slurm_wait 20 bash -c '! pgrep -u alice'
      step left pgrep -a -u alice
      step leftovers leftovers
      step lockdead bash -c '[ ! -e /tmp/.X1-lock ] || ! kill -0 "$(tr -d " \\n" < /tmp/.X1-lock)"'
      step again as_user alice env HOME=/home/alice PATH=/run/bin:/usr/bin:/bin TSVNC_SCOPE=user vncserver :1 -noxstartup -rfbauth /home/alice/job/vnc.passwd
      as_user alice env HOME=/home/alice PATH=/run/bin:/usr/bin:/bin TSVNC_SCOPE=user vncserver -kill :1 >/dev/null`, { timeoutMs: 150_000 });
    assert.equal(run.step('up').code, 0, `${run.stderr}\n${run.stdout}`);
    assert.ok(run.step('listpids').out.split('\n').includes(run.step('vnc_pid').out), `Slurm lists the server among the job's processes: ${run.step('listpids').out}`);
    assert.equal(run.step('rfb').code, 0, run.stderr);
    assert.equal(run.step('ended').code, 0);
    assert.equal(run.step('procs').code, 0, `processes survived the job: ${run.step('left').out}`);
    // The job's daemon releases the display at the scheduler's SIGTERM, but Slurm SIGKILLs what is left the moment the job
    // script exits, which under load can come first: then the lock and socket file of a dead server stay, which block nothing.
    const left = run.step('leftovers').out.split('\n').filter(Boolean);
    assert.ok(left.every((f) => f === '.X1-lock' || f === 'X1'), `nothing but, at most, a dead server's lock and socket file is left: ${left.join(' ')}`);
    assert.equal(run.step('lockdead').code, 0, 'a lock left names no live process');
    assert.equal(run.step('again').code, 0, `a new desktop takes :1 again: ${run.stderr.slice(-1500)}`);
  });
});
