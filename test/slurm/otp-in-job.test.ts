import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sandbox } from '../helpers/sandbox.js';
import { SLURM_UP, slurmUnavailable } from './slurm-sandbox.js';
import type { SlurmStartResult } from '../../src/slurm/submit.js';

describe('one-time passwords for a desktop in a Slurm job', { skip: slurmUnavailable }, () => {
  it("start --slurm --otp prints the first; more come from the job's own daemon, through srun on the node; each lets one viewer in once", async () => {
    const run = await sandbox(`${SLURM_UP}
      echo 'xstartup = sleep 1234' >/etc/tsvnc/tsvnc.conf
      set_passwd
      CLIENT="node --openssl-legacy-provider $FIXTURES/rfb-client.js"
      step start $TSVNC start --slurm --otp --json
      first=$(node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.parse(s).otp))' < /tmp/step-stdout)
      JOB=$(squeue -h -o %i | head -1)
      step once $CLIENT tcp://127.0.0.1:5901 "$first"
      step twice $CLIENT tcp://127.0.0.1:5901 "$first"
      step more srun --jobid "$JOB" --overlap $TSVNC otp :1
      more=$(cat /tmp/step-stdout)
      step login $CLIENT tcp://127.0.0.1:5901 "$more"
      step kill $TSVNC kill "$(hostname -s):1"`, { timeoutMs: 150_000 });
    assert.equal(run.step('start').code, 0, run.stderr);
    const started = run.json<SlurmStartResult>('start');
    assert.match(started.otp ?? '', /^[2-9a-zA-Z]{8}$/, 'the first one-time password comes back from the job');
    assert.equal(run.step('once').code, 0, run.stderr);
    assert.equal(run.step('twice').code, 1);
    assert.equal(run.step('more').code, 0, `srun reaches the job's daemon: ${run.stderr}`);
    assert.match(run.step('more').out, /^[2-9a-zA-Z]{8}$/);
    assert.equal(run.step('login').code, 0);
    assert.equal(run.step('kill').code, 0);
  });
});
