#!/usr/bin/env bash
# Sets tsvnc up from a source checkout on Debian, as root: the system
# packages it runs and tests against, its npm dependencies, the build the
# tests use, and tsvnc installed under /usr/local as the Debian package
# installs it (scripts/install.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  tigervnc-standalone-server  # Xtigervnc, and tigervncserver to compare with
  tigervnc-tools              # vncpasswd
  icewm xterm                 # a small desktop for the default session (/etc/X11/Xsession); any desktop works
  x11-utils                   # xdpyinfo, used by the tests to talk to a display
  vncsnapshot                 # a real VNC client for the tests
  chromium x11-xserver-utils openssl  # the web gateway's tests: a real browser, xsetroot to paint a desktop a known colour, s_client
  tigervnc-viewer x11-apps    # a real TLS viewer (xtigervncviewer -X509CA) for the X509 tests, and xwd to screenshot its display
  iproute2 util-linux procps  # ip, unshare, ps: the test sandboxes
  openssh-client              # provides /etc/ssh, where the tests mount a private sshd_config
  mandoc                      # man page lint
  lintian                     # checks the Debian package (scripts/build-deb.sh)
  slurmctld                   # the test cluster's controller (test/helpers/slurm-cluster.sh)
  slurmd                      # the test cluster's compute node, which runs the jobs' desktops
  slurm-client                # sbatch, squeue, scancel, scontrol: what start --slurm, list and kill run
  munge                       # the test cluster's authentication (munged, with a key of its own)
  websockify                  # the WebSocket bridge a portal puts in front of a desktop, for the portal tests
  ca-certificates
)
command -v python3 >/dev/null || packages+=(python3)                # the tests' NOTIFY_SOCKET receiver
command -v systemd-notify >/dev/null || packages+=(systemd)         # sd_notify under Type=notify units
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing Debian packages: ${missing[*]}; run this script as root (or install them with apt-get)" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<20 || (a===20 && b<19)) { console.error(`setup: tsvnc needs Node.js >= 20.19, this is ${process.version}`); process.exit(1) }'

npm ci --no-audit --no-fund --loglevel=error
npm run build --silent

if [ "$(id -u)" -eq 0 ]; then
  bash scripts/install.sh
fi
