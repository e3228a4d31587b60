# Sourced inside the sandbox after sandbox-prelude.sh, as root: a real
# single-node Slurm cluster (Debian's munged, slurmctld and slurmd) whose
# keys, sockets, state and logs live in the sandbox's private /tmp/slurm.
# Process tracking is proctrack/pgid, so `scontrol listpids JOB` lists every
# process of the job's process group and scancel kills them all, while a
# process that left the group (setsid) is missing: what the tests check.
#
#   slurm_up [PARTITION]   brings it up and waits until the node is idle
#   slurm_down             scancels everything, waits for squeue to empty,
#                          then stops slurmd, slurmctld and munged by pid
#   slurm_logs             the daemons' logs, for a failing test's message
#
# SLURM_NODE is the node's name (the machine's short host name, as on a real
# cluster, so `hostname` in a job and squeue's node list agree).

SLURM_DIR=/tmp/slurm
SLURM_NODE=$(hostname -s)
SLURM_PIDS=()

# slurm_wait SECONDS CMD...: poll every 0.1 s until CMD succeeds.
slurm_wait() {
  local limit=$1 i; shift
  for ((i = 0; i < limit * 10; i++)); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  return 1
}

slurm_node_idle() { [ "$(sinfo -h -N -o %t 2>/dev/null)" = idle ]; }
slurm_queue_empty() { [ -z "$(squeue -h -o %i 2>/dev/null)" ]; }

slurm_up() {
  local partition=${1:-debug}
  # Slurm resolves names IPv4-only with a flag that makes glibc reject every
  # name while 127.0.0.1 is the only IPv4 address: a second one fixes that.
  ip addr add 127.0.0.2/8 dev lo 2>/dev/null
  mkdir -p "$SLURM_DIR"/{etc,state,spool,munge}
  chmod 755 "$SLURM_DIR" "$SLURM_DIR"/etc "$SLURM_DIR"/munge
  chown munge:munge "$SLURM_DIR"/munge
  # A private key: the host's /etc/munge is never read.
  head -c 1024 /dev/urandom >"$SLURM_DIR"/munge/munge.key
  chown munge:munge "$SLURM_DIR"/munge/munge.key
  chmod 400 "$SLURM_DIR"/munge/munge.key
  local m=$SLURM_DIR/munge
  setpriv --reuid=munge --regid=munge --clear-groups \
    munged --key-file=$m/munge.key --socket=$m/munge.socket --pid-file=$m/munged.pid \
      --log-file=$m/munged.log --seed-file=$m/munged.seed || { echo "slurm_up: munged did not start" >&2; return 1; }
  slurm_wait 10 test -S $m/munge.socket || { echo "slurm_up: no munge socket" >&2; return 1; }

  local cpus; cpus=$(nproc)
  cat >"$SLURM_DIR"/etc/slurm.conf <<EOF
ClusterName=sandbox
SlurmctldHost=localhost
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$m/munge.socket
CredType=cred/munge
ProctrackType=proctrack/pgid
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/builtin
SchedulerParameters=batch_sched_delay=0
ReturnToService=2
SlurmdParameters=config_overrides
KillWait=10
MpiDefault=none
StateSaveLocation=$SLURM_DIR/state
SlurmdSpoolDir=$SLURM_DIR/spool
SlurmctldPidFile=$SLURM_DIR/slurmctld.pid
SlurmdPidFile=$SLURM_DIR/slurmd.pid
SlurmctldLogFile=$SLURM_DIR/slurmctld.log
SlurmdLogFile=$SLURM_DIR/slurmd.log
NodeName=$SLURM_NODE NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=$partition Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
  # The default autodetection fails without /sys/fs/cgroup.
  echo 'CgroupPlugin=cgroup/v1' >"$SLURM_DIR"/etc/cgroup.conf
  : >"$SLURM_DIR"/etc/plugstack.conf
  chmod 644 "$SLURM_DIR"/etc/*
  # Plain sbatch, squeue and scancel, of every user, find it there.
  mkdir -p /etc/slurm
  mount --bind "$SLURM_DIR"/etc /etc/slurm

  slurmctld -D -i -f /etc/slurm/slurm.conf >>"$SLURM_DIR"/slurmctld.out 2>&1 &
  SLURM_PIDS+=($!)
  slurmd -D -N "$SLURM_NODE" -f /etc/slurm/slurm.conf >>"$SLURM_DIR"/slurmd.out 2>&1 &
  SLURM_PIDS+=($!)
  slurm_wait 30 slurm_node_idle || { echo "slurm_up: the node never became idle: $(sinfo -h -N -o '%t %E' 2>&1)" >&2; slurm_logs >&2; return 1; }
}

slurm_logs() {
  local f
  for f in "$SLURM_DIR"/slurmctld.log "$SLURM_DIR"/slurmd.log "$SLURM_DIR"/munge/munged.log; do
    [ -f "$f" ] && { echo "== $f"; tail -n 30 "$f"; }
  done
}

# A daemon stopped before the jobs end leaves them running (slurmd even hangs
# ~10 s), so: the jobs first, then the daemons that ran them, munge last.
slurm_down() {
  scancel --full $(squeue -h -o %i 2>/dev/null) 2>/dev/null
  slurm_wait 30 slurm_queue_empty || echo "slurm_down: jobs still queued: $(squeue -h 2>&1)" >&2
  local i pid
  for ((i = ${#SLURM_PIDS[@]} - 1; i >= 0; i--)); do
    pid=${SLURM_PIDS[i]}
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  done
  SLURM_PIDS=()
  pid=$(cat "$SLURM_DIR"/munge/munged.pid 2>/dev/null)
  # munged is no child of ours: its pid file names it, checked by name first.
  [ -n "$pid" ] && [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = munged ] && kill "$pid" && slurm_wait 10 test ! -d /proc/"$pid"
  umount /etc/slurm 2>/dev/null
  return 0
}
