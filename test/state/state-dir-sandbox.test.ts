import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sandbox, sandboxUnavailable } from '../helpers/sandbox.js';
import type { SessionSummary } from '../../src/model/session-record.js';

/** alice and bob, alice with a password and a login's runtime directory, as logind makes it. */
const USERS = `private_system
  for u in alice bob; do useradd -m -s /bin/bash "$u"; done
  A=$(id -u alice)
  mkdir -p -m 755 /run/user && mkdir -m 700 /run/user/$A && chown alice: /run/user/$A
  echo secret12 | as_user alice $TSVNC passwd >/dev/null`;

describe('where the state and the cookie live', { skip: sandboxUnavailable, concurrency: true }, () => {
  it('outlive the login: with XDG_RUNTIME_DIR removed at logout, list still shows the desktop, whose cookie still keeps others out', async () => {
    const run = await sandbox(`${USERS}
      alice() { as_user alice env XDG_RUNTIME_DIR=/run/user/$A "$@"; }
      step start alice $TSVNC start --xstartup 'sleep 1000' --json
      step runtime ls -A /run/user/$A
      rm -rf /run/user/$A
      step list alice $TSVNC list --json
      step cookie bash -c 'ls /home/alice/.vnc/tsvnc-*/sessions/'
      step stranger as_user bob env XAUTHORITY=/dev/null timeout 5 xdpyinfo -display :1
      step owner as_user alice timeout 5 xdpyinfo -display :1
      step kill alice $TSVNC kill :1`);
    assert.equal(run.step('start').code, 0, run.stderr);
    assert.deepEqual(run.json<SessionSummary[]>('list').map((s) => [s.display, s.state]), [[1, 'running']]);
    assert.equal(run.step('runtime').out, '', 'nothing of tsvnc in the runtime directory');
    assert.match(run.step('cookie').out, /^1\.json\n1\.xauth$/m);
    assert.notEqual(run.step('stranger').code, 0, 'a client without the cookie is refused');
    assert.equal(run.step('owner').code, 0, run.stderr);
    assert.equal(run.step('kill').code, 0, run.stderr);
  });

  it("root after su, keeping alice's HOME, XDG dirs and XAUTHORITY, writes nothing of alice's and reads none of her configuration", async () => {
    const run = await sandbox(`${USERS}
      mount -t tmpfs -o mode=700 tmpfs /root
      echo secret12 | HOME=/root tsvnc passwd >/dev/null
      mkdir -p /root/.config/tsvnc && echo 'xstartup = touch "$HOME/program-ran"; sleep 1000' >/root/.config/tsvnc/tsvnc.conf
      as_user alice bash -c 'mkdir -p ~/.config/tsvnc && echo "xstartup = id >/tmp/rootexec; sleep 1000" >~/.config/tsvnc/tsvnc.conf && touch ~/.Xauthority && chmod 600 ~/.Xauthority'
      su_kept() { env HOME=/home/alice XDG_RUNTIME_DIR=/run/user/$A XDG_CONFIG_HOME=/home/alice/.config XAUTHORITY=/home/alice/.Xauthority "$@"; }
      step start su_kept $TSVNC start --json
      step program wait_until test -e /root/program-ran
      step rootexec test -e /tmp/rootexec
      step root_owned find /home/alice /run/user/$A -uid 0
      step alice_xauthority stat -c '%U %a %s' /home/alice/.Xauthority
      step root_state bash -c 'ls /root/.vnc/tsvnc-*/sessions/'
      step root_cookie xauth -f /root/.Xauthority list
      step x su_kept env XAUTHORITY=/root/.Xauthority timeout 5 xdpyinfo -display :1
      step kill su_kept $TSVNC kill :1`);
    assert.equal(run.step('start').code, 0, run.stderr);
    assert.equal(run.step('program').code, 0, "root's session program is root's own configuration's, run with root's HOME");
    assert.notEqual(run.step('rootexec').code, 0, "alice's configuration is not root's");
    assert.equal(run.step('root_owned').out, '', "nothing of root's under alice's directories");
    assert.equal(run.step('alice_xauthority').out, 'alice 600 0', "alice's ~/.Xauthority is left alone");
    assert.match(run.step('root_state').out, /^1\.json$/m);
    assert.match(run.step('root_cookie').out, /\/unix:1 +MIT-MAGIC-COOKIE-1/);
    assert.equal(run.step('x').code, 0, run.stderr);
    assert.equal(run.step('kill').code, 0, run.stderr);
  });
});
