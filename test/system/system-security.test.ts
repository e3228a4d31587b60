import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sandbox, sandboxUnavailable } from '../helpers/sandbox.js';
import type { SessionSummary } from '../../src/model/session-record.js';

type Owned = SessionSummary & { user: string; conflict?: string };

/** Users with a password each, their desktops in /etc/tsvnc/sessions (`:N=user` lines), and the system daemon serving them; PREP runs before it starts. */
function system(users: string[], sessions: string[], prep = ''): string {
  return `private_system
  for u in ${users.join(' ')}; do
    useradd -m -s /bin/bash "$u"
    echo secret12 | as_user "$u" $TSVNC passwd >/dev/null
  done
  ${prep}
  printf '${sessions.join('\\n')}\\n' >/etc/tsvnc/sessions
  echo 'xstartup = sleep 1000' >/etc/tsvnc/tsvnc.conf
  $TSVNC daemon --system 2>/tmp/system.log &
  SYSTEM_PID=$!
  running() { [ "$(tsvnc list --all --json 2>/dev/null | grep -o '"state": "running"' | wc -l)" -ge "$1" ]; }
  until running ${sessions.length} || [ $SECONDS -gt 60 ]; do sleep 0.1; done
  user_daemon() { pgrep -u "$1" -f '^[^ ]*node (--[^ ]+ )*[^ ]*cli[.]js daemon --foreground'; }`;
}

describe('the system daemon against its users', { skip: sandboxUnavailable, concurrency: true }, () => {
  it("runs nothing as root that a user's login environment picks (PATH, LD_PRELOAD in ~/.profile)", async () => {
    // Every program root might run by name, faked in ~/bin; the preload library marks every process it enters with its euid.
    const prep = `mkdir -m 1777 /tmp/evidence
      M=/home/mallory
      gcc -shared -fPIC -o $M/evidence.so "$TSVNC_ROOT/test/system/fixtures/evidence.c"
      mkdir $M/bin
      for p in setpriv getent systemd-notify bash node env; do
        printf '#!/bin/sh\\n: >/tmp/evidence/fake-%s-euid-$(/usr/bin/id -u)-$$\\nexec /usr/bin/%s "$@"\\n' $p $p >$M/bin/$p
        chmod +x $M/bin/$p
      done
      printf 'export PATH=$HOME/bin:$PATH\\nexport LD_PRELOAD=$HOME/evidence.so\\n' >>$M/.profile
      chown -R mallory: $M`;
    const run = await sandbox(`${system(['mallory'], [':1=mallory'], prep)}
      step list tsvnc list --all --json
      step evidence ls /tmp/evidence
      step cmdline bash -c 'tr "\\0" " " </proc/$(user_daemon mallory)/cmdline'`, { timeoutMs: 120_000 });
    const evidence = run.step('evidence').out.split('\n').filter((l) => l !== '');
    assert.deepEqual(evidence.filter((e) => /-euid-0-/.test(e)), [], 'nothing the login environment chose ran as uid 0');
    assert.deepEqual(run.json<Owned[]>('list').map((s) => [s.user, s.display, s.state]), [['mallory', 1, 'running']], run.stderr);
    assert.ok(evidence.some((e) => /^preload-euid-[1-9]\d*-/.test(e)), `the login environment still reaches mallory's own processes: ${evidence.join(' ')}`);
    assert.doesNotMatch(run.step('cmdline').out, /LD_PRELOAD|evidence/, 'the environment is not on a command line');
  });

  it("root never follows a user's path: a control socket swapped for a symlink to root's daemon gets nothing run as root", async () => {
    const run = await sandbox(`${system(['mallory'], [':1=mallory'])}
      M=$(id -u mallory)
      tsvnc list >/dev/null
      step layout stat -c '%n %U %a %F' /run/tsvnc/users/$M /run/tsvnc/users/$M/control.sock /run/tsvnc/users/$M/state
      step own_list as_user mallory $TSVNC list --json
      as_user mallory $TSVNC kill :1
      mkdir -p /home/mallory/.config/tsvnc
      printf 'xstartup = id >/tmp/rootexec; exec sleep 1000\nsecurity-types = None\n' >/home/mallory/.config/tsvnc/tsvnc.conf
      chown -R mallory: /home/mallory/.config
      step swap as_user mallory bash -c "ln -s /run/tsvnc/users/0/control.sock /run/tsvnc/users/$M/.evil && mv -T /run/tsvnc/users/$M/.evil /run/tsvnc/users/$M/control.sock"
      pkill -9 -u mallory -f 'cli[.]js daemon --foreground'
      step root_start tsvnc start :1 --json
      for i in $(seq 100); do [ -s /tmp/rootexec ] && break; sleep 0.1; done
      step rootexec cat /tmp/rootexec
      step lock stat -c %U /tmp/.X1-lock`, { timeoutMs: 120_000 });
    assert.doesNotMatch(run.step('rootexec').out, /uid=0\b/, 'her session program did not run as root');
    assert.deepEqual(run.step('layout').out.trim().split('\n').map((l) => l.replace(/^\S+ /, '')), [
      'root 755 directory', 'mallory 600 socket', 'mallory 700 directory',
    ], 'root owns the directory it connects through; the socket and the state directory are hers');
    assert.deepEqual(run.json<SessionSummary[]>('own_list').map((s) => s.display), [1], 'her own commands find her daemon');
    assert.notEqual(run.step('swap').code, 0, 'she cannot replace her socket');
    assert.equal(run.step('root_start').code, 0, run.stderr);
    assert.match(run.step('rootexec').out, /uid=\d+\(mallory\)/);
    assert.equal(run.step('lock').out.trim(), 'mallory');
  });

  it("believes the kernel, not a user's daemon, about whose display is whose, and one stuck daemon blocks no one else", async () => {
    // Bob takes his daemon's listening socket (pidfd_getfd works on one's own processes), stops the daemon and answers in its place.
    const run = await sandbox(`${system(['bob', 'carol'], [':2=bob', ':9=carol'])}
      B=$(id -u bob)
      gcc -o /tmp/steal-fd "$TSVNC_ROOT/test/system/fixtures/steal-fd.c"
      BOBD=$(user_daemon bob)
      inode=$(awk -v p=/run/tsvnc/users/$B/control.sock '$8 == p && $4 == "00010000" { print $7 }' /proc/net/unix)
      fd=$(for f in /proc/$BOBD/fd/*; do [ "$(readlink $f)" = "socket:[$inode]" ] && basename $f; done | head -1)
      CAROL_X=$(tr -d ' ' </tmp/.X9-lock); BOB_X=$(tr -d ' ' </tmp/.X2-lock)
      echo "BOBD=$BOBD CAROL_X=$CAROL_X"
      as_user bob /tmp/steal-fd $BOBD $fd node "$TSVNC_ROOT/dist/test/system/fixtures/fake-daemon.js" 9 $CAROL_X >/tmp/fake.out &
      wait_until grep -q ready /tmp/fake.out
      kill -STOP $BOBD
      step all tsvnc list --all --json
      step all_text tsvnc list --all
      step status9 tsvnc status :9 --json
      step kill2 tsvnc kill :2
      step bob_x kill -0 $BOB_X
      step status2 tsvnc status :2
      step start2 tsvnc start :2
      pkill -9 -f 'fake-daemon[.]js'
      step wedged_all timeout 60 $TSVNC list --all --json
      step wedged_status9 timeout 60 $TSVNC status :9 --json
      step wedged_kill2 timeout 60 $TSVNC kill :2
      step bob_list as_user bob timeout 60 $TSVNC list
      step bob_start as_user bob timeout 60 $TSVNC start :5
      step kill9 timeout 60 $TSVNC kill :9
      step carol_x bash -c "kill -0 $CAROL_X 2>/dev/null && echo running || echo gone"`, { timeoutMs: 240_000 });
    const ids = /BOBD=(\d+) CAROL_X=(\d+)/.exec(run.stdout);
    assert.ok(ids, run.stderr);
    const [, bobDaemon, carolServer] = ids;
    const all = run.json<Owned[]>('all');
    assert.deepEqual(all.filter((s) => s.display === 9).map((s) => [s.user, s.conflict === undefined]), [['bob', false], ['carol', true]], JSON.stringify(all));
    assert.match(all.find((s) => s.user === 'bob')?.conflict ?? '', /:9's X lock is carol's/);
    assert.match(run.step('all_text').out, /bob +:9 .*CONFLICT/);
    const status = run.json<SessionSummary & { lastLog: string[] }>('status9');
    assert.equal(status.pid, Number(carolServer), "status :9 is carol's daemon's");
    assert.doesNotMatch(status.lastLog.join('\n'), /invented/);
    assert.notEqual(run.step('kill2').code, 0, "a kill is believed only once the server is gone");
    assert.match(run.stderr, /bob's daemon says it ended :2, but pid \d+, which holds :2, still runs/);
    assert.equal(run.step('bob_x').code, 0);
    assert.equal(run.step('status2').code, 3, 'an error code no tsvnc has is nonsense, never a success');
    assert.match(run.stderr, /answered nonsense/);
    assert.notEqual(run.step('start2').code, 0, 'a start is believed only once the kernel shows it');
    assert.match(run.stderr, /bob's daemon says it started a desktop, but it reports :9, not the :2 asked for/);

    assert.equal(run.step('wedged_all').code, 0, 'one stuck daemon does not block the others');
    assert.deepEqual(run.json<Owned[]>('wedged_all').map((s) => [s.user, s.display]), [['carol', 9]]);
    assert.match(run.stderr, new RegExp(`cannot list bob's sessions: bob's daemon: the tsvnc daemon \\(pid ${bobDaemon}, stopped\\) did not take the list request`));
    assert.equal(run.step('wedged_status9').code, 0);
    assert.equal(run.step('wedged_kill2').code, 3, 'a stuck daemon is an error, never a hang');
    for (const name of ['bob_list', 'bob_start']) {
      assert.equal(run.step(name).code, 3, `${name}: ${run.stderr}`);
    }
    assert.match(run.stderr, new RegExp(`tsvnc: the tsvnc daemon \\(pid ${bobDaemon}, stopped\\) did not take the start request within 3 s.*kill -CONT ${bobDaemon}`));
    assert.equal(run.step('kill9').code, 0, run.stderr);
    assert.equal(run.step('carol_x').out.trim(), 'gone', "root's kill :9 reached carol's daemon");
  });
});

describe('a stopped daemon', { skip: sandboxUnavailable }, () => {
  it('costs every command a few seconds and one line, and what it missed is finished (kill) or undone (start) when it resumes', async () => {
    const run = await sandbox(`export TSVNC_STATE_DIR=/tmp/state
      set_passwd
      step start1 tsvnc start :1 --xstartup 'sleep 1000'
      D=$(daemon_pid)
      kill -STOP $D
      step list timeout 60 $TSVNC list
      step status timeout 60 $TSVNC status :1
      step start2 timeout 60 $TSVNC start :2 --xstartup 'sleep 1000'
      step kill timeout 60 $TSVNC kill :1
      kill -CONT $D
      until grep -q 'went away before the answer' /tmp/state/daemon.log && ! pgrep -x Xtigervnc >/dev/null || [ $SECONDS -gt 60 ]; do sleep 0.1; done
      step after tsvnc list --json
      step log cat /tmp/state/daemon.log
      echo "DAEMON=$D"`, { timeoutMs: 180_000 });
    assert.equal(run.step('start1').code, 0, run.stderr);
    const pid = /DAEMON=(\d+)/.exec(run.stdout)?.[1];
    for (const [name, op] of [['list', 'list'], ['status', 'status'], ['start2', 'start'], ['kill', 'kill']]) {
      assert.equal(run.step(name!).code, 3, `${name}: ${run.stderr}`);
      assert.match(run.stderr, new RegExp(`tsvnc: the tsvnc daemon \\(pid ${pid}, stopped\\) did not take the ${op} request within 3 s.*kill -CONT ${pid}`));
    }
    assert.match(run.step('log').out, /the client of the start of :2 went away before the answer; ending :2 again/);
    assert.deepEqual(run.json('after'), [], 'the start nobody heard finish was undone, the kill was carried out');
  });
});
