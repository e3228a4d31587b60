#!/bin/bash
# Open OnDemand's VNC batch-connect sequence, step by step as its template
# runs it in a job on the compute node, with `vncserver` whatever is first
# on PATH: a password file from vncpasswd -f, the stale-session cleaner
# (`-list`'s second field is a pid), the --help probe for -nohttpd, the start
# line (output parsed for the `Desktop` line), the server found by
# `pgrep -s 0 Xvnc`, websockify in front of the RFB port, the desktop script
# under DISPLAY=:N, and the clean-up: the cleaner again, then -kill :N.
#
# Runs in OOD_WORKDIR (the job's directory), websockify on OOD_WS_PORT.
# Leaves ./connection (display, port, websocket, password, vnc_pid) once the
# desktop is up (rewritten with each new password, each rotation's log line in ./rotations), and waits for ./done before cleaning up; ./cleaned says
# whether the desktop was alive after the last cleaner, ./killed the -kill's status.
cd "${OOD_WORKDIR:?}" || exit 1
clean_stale() { vncserver -list | awk '/^:/{system("kill -0 "$2" 2>/dev/null || vncserver -kill "$1)}'; }
create_passwd() { tr -cd 'a-zA-Z0-9' < /dev/urandom 2>/dev/null | head -c "$1"; }

password=$(create_passwd 8)
spassword=$(create_passwd 8)
( umask 077; echo -ne "${password}\n${spassword}" | vncpasswd -f > vnc.passwd )

for i in $(seq 1 10); do
  clean_stale
  if timeout 2 vncserver --help 2>&1 | grep 'nohttpd' >/dev/null 2>&1; then HTTPD_OPT='-nohttpd'; fi
  VNC_OUT=$(vncserver -log vnc.log -rfbauth vnc.passwd $HTTPD_OPT -noxstartup -name "OOD desktop" -geometry 1280x720 -idletimeout 3600 2>&1)
  VNC_PID=$(pgrep -s 0 Xvnc)
  echo "${VNC_OUT}"
  kill -0 ${VNC_PID} 2>/dev/null && [[ "${VNC_OUT}" =~ "Fatal server error" ]] && kill -TERM ${VNC_PID}
  kill -0 ${VNC_PID} 2>/dev/null || sleep 0.$((RANDOM % 9 + 1))s
  kill -0 ${VNC_PID} 2>/dev/null && break
done
kill -0 ${VNC_PID} 2>/dev/null || { echo "ood: no VNC server after 10 tries" >&2; exit 1; }

display=$(echo "${VNC_OUT}" | awk -F':' '/^Desktop/{print $NF}')
port=$((5900+display))

websockify "${OOD_WS_PORT:?}" --heartbeat=30 "localhost:${port}" &> websockify.log &
ws_pid=$!
for i in $(seq 100); do grep -q -i "proxying from :${OOD_WS_PORT}" websockify.log && break; kill -0 $ws_pid || exit 1; sleep 0.1; done

write_connection() {
  printf 'display=%s\nport=%s\nwebsocket=%s\npassword=%s\nvnc_pid=%s\n' "$display" "$port" "$OOD_WS_PORT" "$password" "$VNC_PID" > connection.tmp
  mv connection.tmp connection
}

# OOD's password rotation: a new password after each login the log reports in
# TurboVNC's words (Xtigervnc never writes them; tsvnc does with one-time passwords).
while read -r line; do
  if [[ ${line} =~ "Full-control authentication enabled for" ]]; then
    password=$(create_passwd 8)
    ( umask 077; echo -ne "${password}\n${spassword}" | vncpasswd -f > vnc.passwd )
    write_connection
    echo "$line" >> rotations
  fi
done < <(tail -f --pid=$$ vnc.log) &

write_connection

# The desktop script: what OOD runs as DISPLAY=:N ./script.sh.
DISPLAY=:${display} bash -c 'xdpyinfo > desktop.out 2>&1; while [ ! -e done ]; do sleep 0.1; done'

clean_stale
kill -0 ${VNC_PID} 2>/dev/null && echo alive > cleaned || echo gone > cleaned
vncserver -kill :${display} > kill.out 2>&1
echo $? > killed
kill $ws_pid
