import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sandbox } from '../helpers/sandbox.js';
import { SLURM_UP, slurmUnavailable } from './slurm-sandbox.js';
import type { SlurmStartResult } from '../../src/slurm/submit.js';
import type { SlurmDesktop } from '../../src/slurm/slurm-list.js';

/** vncsnapshot gives up on the blank screen of a new server without these. */
const SNAPSHOT = 'vncsnapshot -quiet -allowblank -encodings raw';

/**
 * The cluster up, every desktop's session program a recognisable sleep, and
 * `left`: what a desktop could leave behind, one per line, empty when clean.
 */
const SETUP = `${SLURM_UP}
  echo 'xstartup = sleep 1234' >/etc/tsvnc/tsvnc.conf
  desktop_pids() { pgrep -x Xvnc; pgrep -f '^sleep 1234$'; }
  listpids() { scontrol listpids "$1" | awk 'NR > 1 {print $1}'; }
  left() {
    squeue -h -o '%i %u %T'
    desktop_pids
    ls -A "$1"/.vnc/slurm-desktops 2>/dev/null
    ls -A /tmp | grep -v -x -e home -e slurm -e .X11-unix -e step-stderr -e step-stdout
    ls -A /tmp/.X11-unix
    return 0
  }
  export -f desktop_pids listpids left`;

/** One user's whole round: start --slurm, reach it, Slurm counts it in the job, list shows it, kill HOST:N ends it. */
function round(as: string, home: string): string {
  return `
      step start ${as} $TSVNC start --slurm --json
      JOB=$(squeue -h -o %i | head -1)
      step limit squeue -h -o '%l %k'
      step pids desktop_pids
      step listpids listpids "$JOB"
      step snapshot ${as} timeout 20 ${SNAPSHOT} -passwd ${home}/.vnc/passwd localhost:1 ${home}/snap.jpg
      step list ${as} $TSVNC list --json
      step list_text ${as} $TSVNC list
      step files bash -c 'ls -l ${home}/.vnc/slurm-desktops | awk "NR > 1 {print \\$1, \\$3, \\$NF}"'
      step kill ${as} $TSVNC kill "$(hostname -s):1"
      step left left ${home}
      step list_after ${as} $TSVNC list --json`;
}

function checkRound(run: Awaited<ReturnType<typeof sandbox>>, user: string): void {
  assert.equal(run.step('start').code, 0, run.stderr);
  const started = run.json<SlurmStartResult>('start');
  assert.equal(started.display, 1);
  assert.equal(started.rfbPort, 5901);
  assert.match(started.slurm.jobId, /^\d+$/);
  assert.equal(started.slurm.node, started.host.split('.')[0]);
  assert.equal(started.tunnel, `ssh -J ${started.host} -L 5901:localhost:5901 ${started.slurm.node}`);
  assert.match(run.stderr, new RegExp(`submitted Slurm job ${started.slurm.jobId}`), 'progress is shown');
  const [server, program] = run.step('pids').out.trim().split('\n');
  assert.equal(Number(server), started.pid, 'the server runs as Xvnc');
  assert.ok(program, 'the session program runs');
  const tracked = run.step('listpids').out.split('\n');
  assert.ok(tracked.includes(String(server)) && tracked.includes(String(program)), `Slurm counts the server ${server} and the session program ${program} among job ${started.slurm.jobId}'s processes: ${tracked.join(' ')}`);
  assert.equal(run.step('snapshot').code, 0, 'a VNC client reaches the desktop');
  const listed = run.json<SlurmDesktop[]>('list').filter((d) => 'slurm' in d);
  assert.deepEqual(listed.map((d) => [d.slurm.jobId, d.state, d.display, d.slurm.node, d.pid]), [[started.slurm.jobId, 'running', 1, started.slurm.node, started.pid]]);
  assert.match(run.step('list_text').out, new RegExp(`^${started.slurm.jobId} +${started.slurm.node} +${started.slurm.node}:1 +running +(UNLIMITED|19:5\\d)$`, 'm'));
  assert.deepEqual(run.step('files').out.trim().split('\n').map((l) => l.replace(/\d+\./, 'N.')),
    [`-rw------- ${user} N.job`, `-rw------- ${user} N.json`, `-rw-r--r-- ${user} N.out`]);
  assert.equal(run.step('kill').code, 0, run.stderr);
  assert.equal(run.step('kill').out.trim(), `killed Slurm job ${started.slurm.jobId} (${started.slurm.node}:1)`);
  assert.equal(run.step('left').out, '', 'the job, its processes, its files, its X lock and socket are gone');
  assert.deepEqual(run.json('list_after'), []);
}

describe('tsvnc start --slurm, list and kill against a real Slurm cluster', { skip: slurmUnavailable, concurrency: true }, () => {
  it('as root: a desktop in a batch job that a VNC client reaches, that Slurm tracks, that list shows and kill NODE:N ends; one scancelled behind its back is listed as ended', async () => {
    const run = await sandbox(`${SETUP}
      set_passwd
      ${round('', '/tmp/home')}
      echo 'slurm-time = 30' >/etc/tsvnc/mandatory.conf
      step again tsvnc start --slurm --time 5 --json
      step again_limit squeue -h -o %l
      scancel "$(squeue -h -o %i)"
      slurm_wait 30 slurm_queue_empty
      step ended tsvnc list --json
      step ended_left left /tmp/home
      step ended_after tsvnc list --json`, { timeoutMs: 120_000 });
    checkRound(run, 'root');
    assert.equal(run.step('again').code, 0, run.stderr);
    const again = run.json<SlurmStartResult>('again');
    assert.equal(run.step('again_limit').out, '30:00', "mandatory.conf's slurm-time over --time");
    assert.match(run.stderr, /tsvnc: warn: --time 5 ignored: \/etc\/tsvnc\/mandatory.conf sets slurm-time = 30/);
    assert.deepEqual(run.json<SlurmDesktop[]>('ended').map((d) => [d.slurm.jobId, d.state, d.slurm.jobState]), [[again.slurm.jobId, 'ended', 'CANCELLED']],
      'a job cancelled behind tsvnc\'s back is listed as ended');
    assert.equal(run.step('ended_left').out, '', 'its desktop went with the job, and list removed its files');
    assert.deepEqual(run.json('ended_after'), []);
  });

  it('as an ordinary user: the same, the job and every process of it the user\'s', async () => {
    const run = await sandbox(`${SETUP}
      useradd -m -s /bin/bash alice
      echo secret12 | as_user alice $TSVNC passwd >/dev/null
      echo 'slurm-time = 20' >>/etc/tsvnc/tsvnc.conf
      mkdir -p /home/alice/.config/tsvnc && echo 'slurm-sbatch-args = --comment=from-alice' >/home/alice/.config/tsvnc/tsvnc.conf
      chown -R alice: /home/alice/.config
      ${round('as_user alice', '/home/alice')}
      step text as_user alice $TSVNC start --slurm
      step owner bash -c 'ps -o user= -p "$(pgrep -x Xvnc)"; squeue -h -o %u'
      step kill_job as_user alice $TSVNC kill --job "$(squeue -h -o %i)" --json
      step left_job left /home/alice`, { timeoutMs: 150_000 });
    checkRound(run, 'alice');
    assert.equal(run.step('limit').out, '20:00 from-alice', "the system file's slurm-time and the user's slurm-sbatch-args reach sbatch");
    assert.equal(run.step('text').code, 0, run.stderr);
    const [first, tunnel, then] = run.step('text').out.trim().split('\n');
    assert.match(first ?? '', /^New desktop (\S+):1 in Slurm job \d+ \(server pid \d+, VNC port 5901\), log \/home\/alice\/\.vnc\/\S+:1\.log$/);
    assert.match(tunnel ?? '', /^Tunnel from your machine: ssh -J \S+ -L 5901:localhost:5901 \S+$/);
    assert.match(then ?? '', /^then connect a VNC viewer to localhost:1; tsvnc kill \S+:1 ends the job$/);
    assert.equal(run.step('owner').out, 'alice\nalice');
    assert.equal(run.step('kill_job').code, 0, run.stderr);
    assert.deepEqual(run.json<{ killed: number[] }>('kill_job').killed, [1]);
    assert.equal(run.step('left_job').out, '');
  });

  it('bad cases, one line each, non-zero, nothing left: no Slurm, no such partition, a job that fails before serving, one still queued, a wait interrupted', async () => {
    const run = await sandbox(`${SETUP}
      set_passwd
      step noslurm env PATH=/nonexistent "$(command -v node)" "$TSVNC_ROOT/dist/src/cli.js" start --slurm
      step noslurm_left left /tmp/home
      step partition tsvnc start --slurm --partition nope
      step partition_left left /tmp/home
      step fails tsvnc start --slurm --xstartup 'echo cannot start the desktop >&2; exit 3'
      step fails_left left /tmp/home
      FILLER=$(sbatch --parsable --exclusive --wrap 'sleep 1000')
      step queued tsvnc start --slurm --queue-wait 2
      step queued_list tsvnc list --json
      QUEUED=$(squeue -h -t PD -o %i)
      step queued_kill tsvnc kill --job "$QUEUED"
      step cancelled tsvnc start --slurm --queue-wait 2 --cancel-pending
      $TSVNC start --slurm --queue-wait 60 2>/tmp/home/interrupted.err &
      WAITING=$!
      slurm_wait 30 bash -c 'grep -q "is queued" /tmp/home/interrupted.err'
      kill -TERM $WAITING
      wait $WAITING
      step interrupted_code echo $?
      step interrupted cat /tmp/home/interrupted.err
      rm /tmp/home/interrupted.err
      scancel "$FILLER"
      slurm_wait 30 slurm_queue_empty
      step cancelled_left left /tmp/home`, { timeoutMs: 150_000 });
    const oneLine = (name: string, code: number, pattern: RegExp) => {
      const step = run.step(name);
      assert.equal(step.code, code, `${name}: ${run.stderr}`);
      assert.equal(step.out, '', `${name}: nothing on stdout`);
      const lines = run.stderr.split('\n').filter((l) => l.startsWith('tsvnc: ') && !l.startsWith('tsvnc: warn: '));
      assert.ok(lines.some((l) => pattern.test(l)), `${name}: ${pattern} in ${lines.join('\n')}`);
    };
    oneLine('noslurm', 3, /^tsvnc: Slurm's sbatch is not installed here \(not on PATH\)/);
    oneLine('partition', 2, /^tsvnc: sbatch refused the desktop's job: invalid partition specified: nope/);
    oneLine('fails', 1, /^tsvnc: Slurm job \d+ ended \(FAILED\) before its desktop served: .*cannot start the desktop/);
    oneLine('queued', 1, /^tsvnc: Slurm job \d+ is still queued \(Resources\), so there is no desktop yet; it stays queued \(tsvnc list shows it.*tsvnc kill --job \d+ cancels it\)$/);
    assert.match(run.stderr, /tsvnc: warn: Slurm job \d+ is queued \(Resources\)/, 'the wait says why it waits');
    const queued = run.json<SlurmDesktop[]>('queued_list');
    assert.deepEqual(queued.map((d) => [d.state, d.display, d.slurm.reason]), [['pending', null, 'Resources']]);
    assert.equal(run.step('queued_kill').code, 0, run.stderr);
    oneLine('cancelled', 1, /^tsvnc: Slurm job \d+ was still queued \(Resources\): cancelled it/);
    assert.equal(run.step('interrupted_code').out, '1');
    assert.match(run.step('interrupted').out, /^tsvnc: interrupted: cancelled Slurm job \d+$/m);
    for (const name of ['noslurm_left', 'partition_left', 'fails_left', 'cancelled_left']) assert.equal(run.step(name).out, '', `${name}: nothing left behind`);
  });
});
