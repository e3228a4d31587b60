import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sandbox, sandboxUnavailable } from '../helpers/sandbox.js';
import type { ListedSession } from '../../src/daemon/protocol.js';

/** pid, process group, session and name of every process but the sandbox's own shell and ps. */
const PROCS = `ps -e -o pid=,pgid=,sid=,comm= | awk '$4 != "ps" && $1 != 1'`;

describe('desktops in a batch job stay in the job, and end with it', { skip: sandboxUnavailable, concurrency: true }, () => {
  it("a job's desktop runs in the job's session and process group, apart from the user's daemon, which neither lists nor adopts it; kill ends the job's daemon and its state", async () => {
    const run = await sandbox(`set_passwd
      printf '#!/bin/sh\\nexec sleep 1000\\n' > /tmp/home/xs && chmod +x /tmp/home/xs
      job() { SLURM_JOB_ID=4711 tsvnc "$@"; }; export -f job
      step mine tsvnc start :1 --no-xstartup
      # The batch script: its own session and process group, as slurmstepd gives it.
      setsid bash -c 'echo $$ > /tmp/home/job.pid; SLURM_JOB_ID=4711 tsvnc start :2 --xstartup /tmp/home/xs --json > /tmp/home/job.json; exec sleep 1000' &
      step up wait_until test -s /tmp/home/job.json
      JOB=$(cat /tmp/home/job.pid)
      wait_until bash -c "grep -qx sleep /proc/$JOB/comm"
      step procs ${PROCS}
      step job echo $JOB
      step ids bash -c "echo \$(tr -d ' \\n' < /tmp/.X2-lock) \$(SLURM_JOB_ID=4711 tsvnc status :2 --json | grep -o '\"programPid\": [0-9]*' | grep -o '[0-9]*') \$(pgrep -f '^[^ ]*node .*daemon --foreground .*--job slurm-4711')"
      step joblist job list --json
      step mylist tsvnc list --json
      step dir bash -c 'ls -A /tmp/home/.vnc/tsvnc-*/jobs'
      # The user's daemon dies and a new one takes over what it had: never the job's desktop.
      kill -9 $(daemon_pid | head -1)
      step after tsvnc list --json
      SERVER=$(tr -d ' \\n' < /tmp/.X2-lock)
      kill -9 $SERVER
      step restarted wait_until bash -c "job list | grep -q '^:2 *running *[0-9]* .* 1 *$'"
      step procs2 ${PROCS}
      step kill job kill :2
      step dirgone bash -c '! ls -A /tmp/home/.vnc/tsvnc-*/jobs | grep -q .'
      step gone wait_until bash -c "! pgrep -g $JOB -x node"
      step procs3 ${PROCS}
      tsvnc kill :1 >/dev/null
      kill $JOB
      step leftovers leftovers`);
    assert.equal(run.step('mine').code, 0, run.stderr);
    assert.equal(run.step('up').code, 0, run.stderr);
    const job = run.step('job').out;
    const procs = run.step('procs').out.split('\n').map((l) => l.trim().split(/\s+/));
    const [server, program, daemon] = run.step('ids').out.split(' ');
    for (const [what, pid, comm] of [['server', server, 'Xvnc'], ['session program', program, 'sh'], ['daemon', daemon, 'node']] as const) {
      const row = procs.find(([p]) => p === pid);
      assert.deepEqual(row?.slice(1), [job, job, comm], `the job's ${what} (${pid}) runs in its session and process group, as ${comm}:\n${run.step('procs').out}`);
    }
    assert.equal(procs.filter(([, , , comm]) => comm === 'Xtigervnc').length, 1, "the user's own desktop keeps its server name");
    assert.deepEqual(run.json<ListedSession[]>('joblist').map((s) => s.display), [2]);
    assert.deepEqual(run.json<ListedSession[]>('mylist').map((s) => s.display), [1]);
    assert.equal(run.step('dir').out, 'slurm-4711');
    assert.deepEqual(run.json<ListedSession[]>('after').map((s) => s.display), [1], "a new user daemon takes over its own desktop only");
    assert.equal(run.step('restarted').code, 0, `the job's daemon restarts its server:\n${run.stderr}`);
    const again = run.step('procs2').out.split('\n').map((l) => l.trim().split(/\s+/)).filter(([, , , comm]) => comm === 'Xvnc');
    assert.deepEqual(again.map(([, pgid]) => pgid), [job], 'the new server is in the job too');
    assert.equal(run.step('kill').code, 0);
    assert.equal(run.step('dirgone').code, 0, "the job's daemon removed its state before it answered the kill of its last desktop");
    assert.equal(run.step('gone').code, 0, 'and then ended');
    const rest = run.step('procs3').out.split('\n').map((l) => l.trim().split(/\s+/)).filter(([, pgid]) => pgid === job).map(([, , , comm]) => comm);
    assert.deepEqual(rest, ['sleep'], `only the job script's own sleep is left in the job:\n${run.step('procs3').out}`);
    assert.equal(run.step('leftovers').out, '');
  });

  it("the job's end (SIGTERM to all its processes, as the scheduler sends) stops its desktops and leaves nothing; SIGKILL to all of them leaves no process", async () => {
    const run = await sandbox(`set_passwd
      printf '#!/bin/sh\\nexec sleep 1000\\n' > /tmp/home/xs && chmod +x /tmp/home/xs
      setsid bash -c 'echo $$ > /tmp/home/job.pid; TSVNC_SCOPE=job tsvnc start :3 --xstartup /tmp/home/xs > /tmp/home/out; exec sleep 1000' &
      step up wait_until test -s /tmp/home/out
      JOB=$(cat /tmp/home/job.pid)
      kill -TERM -- -$JOB
      step ended wait_until bash -c '! pgrep -g '$JOB
      step leftovers leftovers
      step state bash -c 'ls -A /tmp/home/.vnc/tsvnc-*/jobs'
      setsid bash -c 'echo $$ > /tmp/home/job2.pid; TSVNC_SCOPE=job tsvnc start :4 --xstartup /tmp/home/xs > /tmp/home/out2; exec sleep 1000' &
      step up2 wait_until test -s /tmp/home/out2
      JOB2=$(cat /tmp/home/job2.pid)
      kill -KILL -- -$JOB2
      step killed wait_until bash -c '! pgrep -g '$JOB2
      step procs pgrep -a -x 'Xvnc|sleep|node'
      step list tsvnc list --json`);
    assert.equal(run.step('up').code, 0, run.stderr);
    assert.equal(run.step('ended').code, 0, 'every process of the job ended');
    assert.equal(run.step('leftovers').out, '', 'the desktop was stopped: no lock, no socket file');
    assert.equal(run.step('state').out, '', "and the job's state is gone");
    assert.equal(run.step('up2').code, 0, run.stderr);
    assert.equal(run.step('killed').code, 0);
    assert.equal(run.step('procs').out, '', 'nothing of a SIGKILLed job runs on');
    assert.deepEqual(run.json('list'), [], "the user's daemon does not take the job's desktop over");
  });
});
