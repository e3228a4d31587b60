import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sandbox, sandboxUnavailable } from '../helpers/sandbox.js';
import type { SessionSummary } from '../../src/model/session-record.js';

type Owned = SessionSummary & { user: string };

/** Two users with a password each, their desktops in /etc/tsvnc/sessions, and the system daemon serving them. */
const SYSTEM = `private_system
  for u in alice bob; do
    useradd -m -s /bin/bash "$u"
    echo secret12 | as_user "$u" $TSVNC passwd >/dev/null
  done
  printf '# desktops\\n:1=alice\\n:2 = bob\\n' >/etc/tsvnc/sessions
  echo 'xstartup = sleep 1000' >/etc/tsvnc/tsvnc.conf
  $TSVNC daemon --system 2>/tmp/system.log &
  SYSTEM_PID=$!
  running() { [ "$(tsvnc list --all --json 2>/dev/null | grep -o '"state": "running"' | wc -l)" -ge "$1" ]; }
  until running 2 || [ $SECONDS -gt 60 ]; do sleep 0.1; done
  ALICE=$(id -u alice); BOB=$(id -u bob)
  proc_user() { awk '/^(Uid|Gid|Groups):/ {printf "%s %s;", $1, $2}' /proc/"$1"/status; }
  export -f proc_user`;

describe('tsvnc daemon --system: several users on one system daemon', { skip: sandboxUnavailable, concurrency: true }, () => {
  it('runs each listed desktop as its user; each user sees and kills only their own; root sees and kills all', async () => {
    const run = await sandbox(`${SYSTEM}
      step all tsvnc list --all --json
      step alice as_user alice $TSVNC list --json
      step bob as_user bob $TSVNC list --json
      step alice_kills_bob as_user alice $TSVNC kill :2
      step bob_kills_alice as_user bob $TSVNC kill :1
      step bob_all as_user bob $TSVNC list --all
      step alice_bob_socket as_user alice env TSVNC_STATE_DIR=/run/tsvnc/users/$BOB $TSVNC list
      step still tsvnc list --all --json
      step lock1 stat -c %U /tmp/.X1-lock
      step server1 bash -c 'proc_user $(cat /tmp/.X1-lock)'
      step umask1 bash -c 'grep ^Umask: /proc/$(( $(cat /tmp/.X1-lock) ))/status'
      step program1 bash -c 'tr "\\0" "\\n" </proc/$(as_user alice $TSVNC status :1 --json | node -pe "JSON.parse(require(\\"fs\\").readFileSync(0)).programPid")/environ | grep -E "^(HOME|USER)="'
      step x_alice as_user alice timeout 5 xdpyinfo -display :1
      step alice_kill as_user alice $TSVNC kill :1
      step bob_auto as_user bob $TSVNC start --json --log-level info
      step bob_kill3 as_user bob $TSVNC kill :3
      step root_kill tsvnc kill :2
      step after tsvnc list --all --json
      step root_start tsvnc start :1 --json
      step after_start as_user alice $TSVNC list --json
      step lock_gone bash -c 'ls /tmp/.X2-lock 2>&1'
      kill $SYSTEM_PID; wait $SYSTEM_PID
      step system_exit echo $?
      step survives as_user alice timeout 5 xdpyinfo -display :1
      step system_log cat /tmp/system.log`, { timeoutMs: 180_000 });
    assert.equal(run.step('all').code, 0, run.stderr);
    const all = run.json<Owned[]>('all');
    assert.deepEqual(all.map((s) => [s.user, s.display, s.state]), [['alice', 1, 'running'], ['bob', 2, 'running']], run.step('system_log').out);
    assert.deepEqual(run.json<SessionSummary[]>('alice').map((s) => s.display), [1]);
    assert.deepEqual(run.json<SessionSummary[]>('bob').map((s) => s.display), [2]);
    assert.equal(run.step('alice_kills_bob').code, 1);
    assert.equal(run.step('bob_kills_alice').code, 1);
    assert.equal(run.step('bob_all').code, 2);
    assert.notEqual(run.step('alice_bob_socket').code, 0, "alice cannot reach bob's daemon");
    assert.match(run.step('umask1').out, /^Umask:\s+0022$/, "a desktop started from /etc/tsvnc/sessions has a login's umask, not the daemon's 077");
    assert.deepEqual(run.json<Owned[]>('still').map((s) => [s.user, s.display, s.state]), [['alice', 1, 'running'], ['bob', 2, 'running']]);
    assert.equal(run.step('lock1').out.trim(), 'alice', "the lock of alice's display is alice's");
    const [uid, gid] = run.step('server1').out.split(';');
    assert.match(uid ?? '', /^Uid: \d+/);
    assert.doesNotMatch(uid ?? '', /^Uid: 0\b/, 'the server does not run as root');
    assert.doesNotMatch(gid ?? '', /^Gid: 0\b/);
    assert.deepEqual(run.step('program1').out.split('\n').sort(), ['HOME=/home/alice', 'USER=alice']);
    assert.equal(run.step('x_alice').code, 0, "alice's X clients reach her display with her ~/.Xauthority");
    assert.equal(run.step('alice_kill').code, 0);
    assert.equal(run.step('bob_auto').code, 0, run.stderr);
    assert.equal(run.json<SessionSummary>('bob_auto').display, 3, "alice's listed display is passed over while her desktop is down");
    assert.match(run.stderr, /skipped :1: \/etc\/tsvnc\/sessions gives it to alice/);
    assert.equal(run.step('bob_kill3').code, 0);
    assert.equal(run.step('root_kill').code, 0, 'root kills any user\'s session');
    assert.deepEqual(run.json('after'), []);
    assert.equal(run.step('root_start').code, 0, run.stderr);
    assert.equal(run.json<Owned>('root_start').user, 'alice', 'a listed display starts as its user');
    assert.deepEqual(run.json<SessionSummary[]>('after_start').map((s) => [s.display, s.state]), [[1, 'running']]);
    assert.match(run.step('lock_gone').out, /No such file/);
    assert.equal(run.step('system_exit').out.trim(), '0');
    assert.equal(run.step('survives').code, 0, 'desktops outlive the system daemon');
  });

  it("one-time passwords on a system daemon's desktops: each user's own daemon owns their VNC port and issues them; root's request goes to the owner's; another user gets none", async () => {
    const run = await sandbox(`${SYSTEM.replace("echo 'xstartup = sleep 1000' >/etc/tsvnc/tsvnc.conf", "printf 'xstartup = sleep 1000\\notp = yes\\n' >/etc/tsvnc/tsvnc.conf")}
      CLIENT="node --openssl-legacy-provider $FIXTURES/rfb-client.js"
      step alice bash -c "as_user alice $TSVNC otp :1 > /tmp/alice.otp"
      step alice_login bash -c "$CLIENT tcp://127.0.0.1:5901 \\$(cat /tmp/alice.otp)"
      step root bash -c "tsvnc otp :1 --json"
      step root_login bash -c "$CLIENT tcp://127.0.0.1:5901 \\$(tsvnc otp :1)"
      step bob as_user bob $TSVNC otp :1
      step listener bash -c 'ss -Hltnp "sport = :5901" | grep -o "pid=[0-9]*" | head -1 | cut -d= -f2 | xargs -I{} stat -c %U /proc/{}'
      step socket stat -c '%U %a' /run/tsvnc/users/$ALICE/state/rfb-1.sock
      kill $SYSTEM_PID; wait $SYSTEM_PID`, { timeoutMs: 120_000 });
    assert.equal(run.step('alice').code, 0, run.stderr);
    assert.equal(run.step('alice_login').code, 0, run.stderr);
    assert.equal(run.step('root').code, 0, run.stderr);
    assert.equal(run.json<{ display: number }>('root').display, 1);
    assert.equal(run.step('root_login').code, 0, "root's one-time password is one of alice's daemon's");
    assert.equal(run.step('bob').code, 1, 'bob gets no password for her desktop');
    assert.equal(run.step('listener').out, 'alice', "alice's own daemon holds her VNC port, not root");
    assert.equal(run.step('socket').out, 'alice 600');
  });

  it("brings a user's daemon back when it dies, and that daemon still restarts a killed server", async () => {
    const run = await sandbox(`${SYSTEM}
      user_daemon() { pgrep -u alice -f '^[^ ]*node (--[^ ]+ )*[^ ]*cli[.]js daemon --foreground'; }
      first=$(user_daemon)
      kill -9 $first
      until d=$(user_daemon); [ -n "$d" ] && [ "$d" != "$first" ] || [ $SECONDS -gt 90 ]; do sleep 0.1; done
      step new_daemon bash -c "[ -n '$d' ] && [ '$d' != '$first' ] && echo back"
      server=$(cat /tmp/.X1-lock)
      kill -9 $server
      until s=$(cat /tmp/.X1-lock 2>/dev/null | tr -d ' '); [ -n "$s" ] && [ "$s" != "$server" ] && as_user alice timeout 1 xdpyinfo -display :1 >/dev/null 2>&1 || [ $SECONDS -gt 120 ]; do sleep 0.1; done
      step restarted as_user alice $TSVNC list --json
      step daemon_log bash -c "cat /run/tsvnc/users/$ALICE/daemon.log; cat /tmp/system.log"`, { timeoutMs: 180_000 });
    assert.equal(run.step('new_daemon').out.trim(), 'back', run.stderr);
    const [session] = run.json<SessionSummary[]>('restarted');
    assert.equal(session?.state, 'running', run.step('daemon_log').out);
    assert.equal(session?.restarts, 1);
  });

  it('tsvnc@:N.service\'s command as root attaches to the listed desktop, and its stop ends that desktop only', async () => {
    const run = await sandbox(`${SYSTEM}
      $TSVNC start --fg --useold :1 >/tmp/fg.out 2>&1 &
      FG=$!
      until grep -q Reusing /tmp/fg.out || [ $SECONDS -gt 90 ]; do sleep 0.1; done
      step reused cat /tmp/fg.out
      kill -TERM $FG; wait $FG
      step fg_exit echo $?
      step after tsvnc list --all --json`, { timeoutMs: 180_000 });
    assert.match(run.step('reused').out, /Reusing desktop .*:1/, run.stderr);
    assert.equal(run.step('fg_exit').out.trim(), '0');
    assert.deepEqual(run.json<Owned[]>('after').map((s) => [s.user, s.display]), [['bob', 2]]);
  });

  it('refuses to run as an ordinary user, and a malformed sessions file names its line', async () => {
    const run = await sandbox(`private_system
      useradd -m carol
      step as_user as_user carol $TSVNC daemon --system
      printf ':1=alice\\nthree=carol\\n' >/etc/tsvnc/sessions
      step bad_line tsvnc daemon --system
      step leftovers bash -c 'ls -A /run/tsvnc 2>/dev/null; daemon_pid'`);
    assert.equal(run.step('as_user').code, 2);
    assert.match(run.step('as_user').out + run.stderr, /must run as root/);
    assert.equal(run.step('bad_line').code, 2);
    assert.match(run.stderr, /\/etc\/tsvnc\/sessions:2: cannot read "three=carol".*:N=user/);
    assert.equal(run.step('leftovers').out, '');
  });

  it("says why a user's daemon cannot start when root's copy of tsvnc lies where the user cannot read it", async () => {
    // The bundle in a 0700 directory, as a checkout under /root is.
    const run = await sandbox(`private_system
      useradd -m -s /bin/bash alice
      echo secret12 | as_user alice $TSVNC passwd >/dev/null
      echo ':1=alice' >/etc/tsvnc/sessions
      mkdir -m 700 /tmp/private
      node "$TSVNC_ROOT/scripts/bundle.mjs" /tmp/private
      node /tmp/private/tsvnc.mjs daemon --system 2>/tmp/system.log &
      SYSTEM_PID=$!
      step said wait_until grep -q "alice's desktops" /tmp/system.log
      kill $SYSTEM_PID; wait $SYSTEM_PID
      step log cat /tmp/system.log`, { timeoutMs: 60_000 });
    assert.equal(run.step('said').code, 0, run.stderr);
    assert.match(run.step('log').out, /alice's desktops \(:1\) not started: the tsvnc daemon did not start: cannot read its own program \/tmp\/private\/tsvnc\.mjs as alice: install tsvnc where every user can read it/);
  });

  it("a login profile that leaves a process on its output, or prints without end, holds up no one (issue 12, item 3)", async () => {
    const run = await sandbox(`private_system
      for u in alice bob carol; do
        useradd -m -s /bin/bash "$u"
        echo secret12 | as_user "$u" $TSVNC passwd >/dev/null
      done
      echo 'sleep 1000 &' >>/home/bob/.profile
      echo 'head -c 30000000 /dev/zero | tr "\\0" A' >>/home/carol/.profile
      printf ':1=alice\\n:2=bob\\n:3=carol\\n' >/etc/tsvnc/sessions
      echo 'xstartup = sleep 1000' >/etc/tsvnc/tsvnc.conf
      $TSVNC daemon --system 2>/tmp/system.log &
      running() { [ "$(tsvnc list --all --json 2>/dev/null | grep -o '"state": "running"' | wc -l)" -ge "$1" ]; }
      step two wait_until running 2
      step all tsvnc list --all --json
      step log cat /tmp/system.log`, { timeoutMs: 120_000 });
    assert.equal(run.step('two').code, 0, run.step('log').out);
    assert.equal(run.step('all').code, 0);
    assert.deepEqual(run.json<Owned[]>('all').map((s) => [s.user, s.display, s.state]), [['alice', 1, 'running'], ['bob', 2, 'running']]);
    assert.match(run.step('log').out, /carol's desktops \(:3\) not started: carol's login shell \/bin\/bash did not give its environment \(it printed more than 16 MiB without its environment\)/);
  });
});
