# Sourced inside the sandbox's namespaces, as root. Sets up a private world
# and the helpers integration scripts use.
set -uo pipefail
# Other users' processes (setpriv, the system daemon's user daemons) run the
# build too, and a checkout under /tmp would vanish under the private /tmp.
# So the build is reached through /mnt/repo: a bind mount when only the
# checkout's ancestors shut others out (a clone under /root, mode 0700), else
# a readable copy of what runs (a clone made with umask 077).
readable_by_others() { setpriv --reuid=65534 --regid=65534 --clear-groups test -r "$1/dist/src/cli.js" -a -x "$1/node_modules"; }
if [[ "$TSVNC_ROOT" == /tmp/* ]] || ! readable_by_others "$TSVNC_ROOT"; then
  mount -t tmpfs -o mode=755 tmpfs /mnt && mkdir /mnt/repo && mount --bind "$TSVNC_ROOT" /mnt/repo
  if ! readable_by_others /mnt/repo; then
    umount /mnt/repo
    (cd "$TSVNC_ROOT" && cp -a --parents package.json dist test/helpers scripts man packaging $(ls -d node_modules/* node_modules/.[!.]* | grep -v -x node_modules/typescript) /mnt/repo/)
    chmod -R a+rX /mnt/repo
    readable_by_others /mnt/repo || { echo "sandbox: cannot give other users a readable copy of $TSVNC_ROOT" >&2; exit 97; }
  fi
  TSVNC_ROOT=/mnt/repo
fi
# Not the checkout: another user's commands cannot start in a directory closed to them.
cd /
TSVNC="${SANDBOX_CLI:-node $TSVNC_ROOT/dist/src/cli.js}"
FIXTURES="$TSVNC_ROOT/dist/test/fixtures"
mount -t tmpfs -o mode=1777 tmpfs /tmp
mkdir -m 1777 /tmp/.X11-unix
ip link set lo up
[ -n "$SANDBOX_PORT_RANGE" ] && echo "$SANDBOX_PORT_RANGE" > /proc/sys/net/ipv4/ip_local_port_range
[ -n "$SANDBOX_RESERVED_PORTS" ] && echo "$SANDBOX_RESERVED_PORTS" > /proc/sys/net/ipv4/ip_local_reserved_ports
if [ -n "$SANDBOX_SSHD" ]; then
  mkdir -p /etc/ssh && mount -t tmpfs -o mode=755 tmpfs /etc/ssh
  node -e 'const fs=require("fs"),p=require("path");for(const[f,c]of Object.entries(JSON.parse(process.env.SANDBOX_SSHD))){const t=p.join("/etc/ssh",f);fs.mkdirSync(p.dirname(t),{recursive:true});fs.writeFileSync(t,c)}'
fi
export HOME=/tmp/home XDG_CONFIG_HOME=/tmp/home/.config
mkdir -p "$HOME"

# step NAME cmd...: run cmd, record its exit code and stdout for the test.
step() {
  local name=$1; shift
  local out code
  out=$("$@" 2>/tmp/step-stderr); code=$?
  printf '%s' "$out" > /tmp/step-stdout
  cat /tmp/step-stderr >&2
  printf '@@%s %d %s\n' "$name" "$code" "$(printf '%s' "$out" | base64 -w0)"
}

# AS="setpriv ..." runs tsvnc and x_verdict's server as another user.
tsvnc() { ${AS:-} $TSVNC "$@"; }
export TSVNC TSVNC_ROOT; export -f tsvnc

# wait_until CMD...: poll every 50 ms, up to 10 s (the whole suite on 2 cores
# makes a few seconds' work take several times as long).
wait_until() {
  local i
  for i in $(seq 200); do "$@" >/dev/null 2>&1 && return 0; sleep 0.05; done
  return 1
}

# A real X server as an ordinary start would run it (it takes the X lock):
# prints "ready" once it listens for VNC (that comes after the lock and the X
# sockets), else "refused" and its fatal error. Up to 10 s: a leftover
# temporary lock costs the server 6 s.
x_verdict() {
  local n=$1; shift
  ${AS:-} Xtigervnc ":$n" -localhost -SecurityTypes None "$@" >/tmp/xverdict.log 2>&1 &
  local pid=$! i
  for i in $(seq 200); do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "refused: $(grep -E '^\(EE\) .+' /tmp/xverdict.log | grep -v -E 'Fatal server error|^\(EE\) *$' | head -1)"
      wait "$pid"; return 0
    fi
    if grep -q 'Listening for VNC connections' /tmp/xverdict.log; then
      sleep 0.2
      if kill -0 "$pid" 2>/dev/null; then echo ready; kill "$pid"; wait "$pid"; return 0; fi
    fi
    sleep 0.05
  done
  echo "timeout"; kill -9 "$pid"; wait "$pid"
}

# start_x N: a running server in the background, waits until it serves; its pid in XPID.
start_x() {
  local n=$1; shift
  Xtigervnc ":$n" -localhost -SecurityTypes None "$@" >"/tmp/x$n.log" 2>&1 &
  XPID=$!
  wait_until timeout 2 xdpyinfo -display ":$n"
}

# x509_viewer PASSWD_FILE: xtigervncviewer on :5 (start_x 5 first) logs in to localhost:1 with
# X509Vnc, verifying the user's certificate; steps "connected" and "shot" (the share of its
# screen in the desktop's magenta, as the session program paints it).
x509_viewer() {
  DISPLAY=:5 xtigervncviewer -SecurityTypes X509Vnc -X509CA /tmp/home/.config/tsvnc/tls/cert.pem -passwd "$1" localhost:1 >/tmp/home/viewer.log 2>&1 &
  local viewer=$!
  step connected wait_until grep -q 'Using pixel format' /tmp/home/viewer.log
  sleep 1
  xwd -root -display :5 -silent > /tmp/home/shot.xwd
  step shot node "$FIXTURES/xwd-colour.js" /tmp/home/shot.xwd ff00ff
  kill $viewer
}

# fixture NAME args...: a node fixture in the background, waits for its "ready" line; pid in FPID.
fixture() {
  local name=$1; shift
  local out=/tmp/fixture-$name-$RANDOM
  node "$FIXTURES/$name.js" "$@" >"$out" &
  FPID=$!
  wait_until grep -q ready "$out"
  FOUT=$out
}

# leftovers: anything a session can leave behind, one per line; empty when clean.
leftovers() {
  ls -A /tmp | grep -v -x -e home -e .X11-unix -e step-stderr -e step-stdout -e 'fixture-.*' -e xverdict.log -e slurm
  ls -A /tmp/.X11-unix
  ls -A "$HOME"/.vnc/tsvnc-*/sessions 2>/dev/null
  pgrep -a -x 'Xtigervnc|Xvnc'
  pgrep -a -x sleep
  return 0
}

# set_passwd: the VNC password the tests' clients use (secret12).
set_passwd() { echo secret12 | tsvnc passwd >/dev/null; }

# daemon_pid: the tsvnc daemons running. Anchored, because the sandbox's own
# shell has the same words in its command line.
daemon_pid() { pgrep -f '^[^ ]*node (--[^ ]+ )*[^ ]*cli[.]js daemon --foreground'; }
export -f set_passwd daemon_pid

# private_system: a copy-on-write /etc (useradd, /etc/tsvnc), and private
# /home and /run, so a test can add users and run the system daemon.
private_system() {
  mount -t tmpfs -o mode=755 tmpfs /run
  mkdir -p /run/.etc-upper /run/.etc-work
  mount -t overlay overlay -o lowerdir=/etc,upperdir=/run/.etc-upper,workdir=/run/.etc-work /etc
  mount -t tmpfs -o mode=755 tmpfs /home
  mkdir -p /etc/tsvnc
  unset XDG_RUNTIME_DIR
}

# as_user NAME cmd...: cmd as that user, with its groups and a login's basic environment.
as_user() { local u=$1; shift; setpriv --reuid="$u" --regid="$u" --init-groups --reset-env "$@"; }
export -f as_user
