import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { sandbox, sandboxUnavailable } from '../helpers/sandbox.js';

const skip = sandboxUnavailable || (!existsSync('/usr/bin/websockify') && 'websockify is not installed (apt-get install websockify)');

/**
 * Open OnDemand's template as a portal runs it, as an ordinary user, with
 * tsvnc as `vncserver` and the admin's `vncserver-output = turbovnc`; plain
 * here (TSVNC_SCOPE=job, as the app's environment sets it without a
 * scheduler), inside a real Slurm job in test/slurm/.
 */
/** Alice's job running the template in the background (OOD is its pid, J its directory), up to its connection file, sourced. */
function oodJob(conf = ''): string {
  return `private_system
      useradd -m -s /bin/bash alice
      printf 'vncserver-output = turbovnc\\n${conf}' > /etc/tsvnc/tsvnc.conf
      mkdir -m 755 /run/bin && ln -s "$TSVNC_ROOT/dist/src/cli.js" /run/bin/vncserver
      as_user alice mkdir /home/alice/job
      J=/home/alice/job
      as_user alice env HOME=/home/alice USER=alice PATH=/run/bin:/usr/bin:/bin TSVNC_SCOPE=job OOD_WORKDIR=$J OOD_WS_PORT=6080 \\
        bash "$TSVNC_ROOT/test/helpers/ood-batch-connect.sh" >/run/ood.out 2>&1 & OOD=$!
      step up wait_until test -e $J/connection
      source $J/connection`;
}

describe("Open OnDemand's batch-connect template on TigerVNC, tsvnc as vncserver", { skip }, () => {
  it('starts a desktop it finds with pgrep -s 0 Xvnc, serves it through websockify with the job password, keeps it from its own cleaner, and -kill leaves nothing', async () => {
    const run = await sandbox(`${oodJob()}
      step session bash -c "echo \\$(ps -o sid= -p $vnc_pid) \\$(ps -o sid= -p $OOD)"
      step comm cat /proc/$vnc_pid/comm
      step owner stat -c %U /proc/$vnc_pid
      step passwd stat -c %a $J/vnc.passwd
      step rfb node --openssl-legacy-provider "$FIXTURES/rfb-client.js" ws://127.0.0.1:6080/ "$password"
      step wrong node --openssl-legacy-provider "$FIXTURES/rfb-client.js" ws://127.0.0.1:6080/ not-it
      step log grep -c 'Listening for VNC connections' $J/vnc.log
      step desktop grep dimensions $J/desktop.out
      touch $J/done; wait $OOD
      step cleaned cat $J/cleaned
      step killed cat $J/killed $J/kill.out
      step out cat /run/ood.out
      step daemons wait_until bash -c '! pgrep -u alice -x node'
      step jobs bash -c 'ls -A /home/alice/.vnc/tsvnc-*/jobs'
      step leftovers leftovers`, { timeoutMs: 90_000 });
    assert.equal(run.step('up').code, 0, `${run.stderr}\n${run.stdout}`);
    const [server, script] = run.step('session').out.trim().split(/\s+/);
    assert.equal(server, script, 'the server runs in the job script\'s session');
    assert.equal(run.step('comm').out, 'Xvnc');
    assert.equal(run.step('owner').out, 'alice');
    assert.equal(run.step('passwd').out, '600');
    const said = JSON.parse(run.step('rfb').out) as { width: number; height: number; name: string };
    assert.deepEqual([said.width, said.height, said.name], [1280, 720, 'OOD desktop'], 'the browser path reaches the desktop with the job password');
    assert.equal(run.step('wrong').code, 1, 'a wrong password is refused');
    assert.equal(run.step('log').out, '1', '-log FILE has the server log');
    assert.match(run.step('desktop').out, /1280x720 pixels/, 'the desktop script runs on the display');
    assert.equal(run.step('cleaned').out, 'alive', "OOD's stale cleaner keeps the live desktop");
    assert.match(run.step('killed').out, /^0\nKilling Xvnc process ID \d+$/);
    assert.match(run.step('out').out, /^Desktop 'OOD desktop' started on display [^:\s]+:1$/m);
    assert.equal(run.step('out').out.split('\n').filter((l) => l.startsWith('Desktop')).length, 1, 'one Desktop line');
    assert.equal(run.step('daemons').code, 0, "the job's daemon ended with its desktop");
    assert.equal(run.step('jobs').out, '', "and took the job's state with it");
    assert.equal(run.step('leftovers').out, '');
  });

  it("with otp = yes on the node, the template's password rotation works as on TurboVNC: a login is logged in TurboVNC's words, the old password stops working, the new one works", async () => {
    const run = await sandbox(`${oodJob('otp = yes\\n')}
      old=$password
      step first node --openssl-legacy-provider "$FIXTURES/rfb-client.js" ws://127.0.0.1:6080/ "$old"
      step rotated wait_until test -s $J/rotations
      step line cat $J/rotations
      source $J/connection
      step oldagain node --openssl-legacy-provider "$FIXTURES/rfb-client.js" ws://127.0.0.1:6080/ "$old"
      step new node --openssl-legacy-provider "$FIXTURES/rfb-client.js" ws://127.0.0.1:6080/ "$password"
      touch $J/done; wait $OOD
      step killed cat $J/killed $J/kill.out
      step daemons wait_until bash -c '! pgrep -u alice -x node'
      step leftovers leftovers`, { timeoutMs: 90_000 });
    assert.equal(run.step('up').code, 0, `${run.stderr}\n${run.stdout}`);
    assert.equal(run.step('first').code, 0, run.stderr);
    assert.equal(run.step('rotated').code, 0, 'the template saw the login in the log');
    assert.match(run.step('line').out, /^\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d Full-control authentication enabled for 127\.0\.0\.1$/);
    assert.equal(run.step('oldagain').code, 1, 'the password of the first login no longer works');
    assert.equal(run.step('new').code, 0, 'the rotated one does');
    assert.match(run.step('killed').out, /^0\nKilling Xvnc process ID \d+$/);
    assert.equal(run.step('daemons').code, 0);
    assert.equal(run.step('leftovers').out, '');
  });
});
