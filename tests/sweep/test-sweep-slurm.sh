#!/bin/sh
# SPDX-License-Identifier: MIT
# test-sweep-slurm.sh DEFERSIM - a sweep on a real cluster scheduler: a one-node Slurm cluster
# (slurmctld + slurmd, Debian's slurm-wlm, authenticated by its own munged) started on
# localhost in a scratch directory, the README's three commands run on it (--emit-jobs, one
# `sbatch --array` over the emitted lines, `defersim merge`), and the merged results.jsonl and
# results.csv byte-compared with the same sweep run locally (nothing is excluded: the records
# hold no timings, host names or output paths, and the trace path is the same absolute path).
# The README's variant for sweeps larger than Slurm's MaxArraySize (each task runs every
# K-th line) is run too.
#
# Needs root: it installs slurm-wlm and munge when they are missing (apt-get, as scripts/deps.sh
# does) and runs slurmd, which must be root to start jobs.  Not root: skipped (exit 77), as it
# cannot run at all.  As root, anything else that stops it (the packages cannot be installed,
# munged or the daemons do not start, the node never becomes idle, a job fails) is a FAILURE
# with the reason and the daemons' logs.  The daemons (munged, slurmctld, slurmd) are its own
# children, on free ports and a private munge socket; they are killed by PID on every exit,
# also when the test fails or is interrupted.
set -eu
if [ "$(id -u)" != 0 ]; then
	echo "not root: cannot install slurm-wlm/munge nor run slurmd (which starts the jobs)" >&2
	exit 77
fi
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$here/common.sh"
cd "$tmp"

# --- the daemons: killed on every exit ----------------------------------------------------------
munged_pid=""
ctld_pid=""
slurmd_pid=""
cleanup() {
	status=$?
	set +e
	if [ -n "$ctld_pid" ] && kill -0 "$ctld_pid" 2>/dev/null; then
		scancel --quiet --user=root 2>/dev/null # jobs still running when the test failed
		i=0
		while [ -n "$(squeue -h 2>/dev/null)" ] && [ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
	fi
	for p in $slurmd_pid $ctld_pid $munged_pid; do
		kill "$p" 2>/dev/null
	done
	for p in $slurmd_pid $ctld_pid $munged_pid; do
		i=0
		while kill -0 "$p" 2>/dev/null && [ $i -lt 100 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		kill -9 "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	rm -rf "$tmp"
	exit $status
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# show_logs: the daemons' logs, for a failure's reason
show_logs() {
	for f in "$tmp"/cluster/log/*; do
		[ -f "$f" ] || continue
		echo "--- $f (last 20 lines)" >&2
		tail -n 20 "$f" >&2
	done
}

# --- the packages ---------------------------------------------------------------------------------
missing=""
for p in slurm-wlm munge; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "# installing Debian packages:$missing"
	# shellcheck disable=SC2086
	{ env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update -qq &&
		env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
			--no-install-recommends $missing; } >apt.log 2>&1 ||
		fail "could not install$missing with apt-get: $(tail -n 20 apt.log)"
fi
for c in munged munge unmunge slurmctld slurmd sbatch squeue sinfo scontrol scancel; do
	command -v "$c" >/dev/null || fail "$c is not on PATH after installing slurm-wlm and munge"
done

# Slurm's client variables of a surrounding job or user would change what sbatch does.
for v in $(env | sed -n 's/^\(\(SLURM\|SBATCH\|SQUEUE\|SINFO\|SCONTROL\)_[A-Za-z0-9_]*\)=.*/\1/p'); do
	unset "$v"
done

# --- munge: a private key and socket ----------------------------------------------------------------
c="$tmp/cluster"
mkdir -p "$c/munge" "$c/state" "$c/spool" "$c/log"
chmod 755 "$tmp" "$c" "$c/munge"
dd if=/dev/urandom of="$c/munge/key" bs=128 count=1 status=none
chmod 600 "$c/munge/key"
[ -c /dev/null ] || fail "/dev/null is not a character device (munged needs it)"
munged --foreground --force --socket="$c/munge/sock" --key-file="$c/munge/key" \
	--pid-file="$c/munge/pid" --log-file="$c/log/munged.log" --seed-file="$c/munge/seed" \
	>"$c/log/munged.out" 2>&1 &
munged_pid=$!
i=0
until munge -S "$c/munge/sock" -n 2>/dev/null | unmunge -S "$c/munge/sock" >munge.check 2>&1; do
	kill -0 "$munged_pid" 2>/dev/null || { show_logs; fail "munged exited"; }
	[ $i -lt 100 ] || { show_logs; fail "munge -n | unmunge never succeeded: $(cat munge.check)"; }
	sleep 0.1
	i=$((i + 1))
done
grep -q "STATUS: *Success" munge.check || fail "unmunge: $(cat munge.check)"
ok "munged runs on a private socket: munge -n | unmunge succeeds"

# --- slurm.conf: one node, this host, two CPUs, free ports ----------------------------------------
host=$(hostname -s)
ports=$(python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s:
    x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])')
ctld_port=${ports% *}
slurmd_port=${ports#* }
cat >"$c/slurm.conf" <<EOF
ClusterName=dstest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$c/munge/sock
CryptoType=crypto/munge
MpiDefault=none
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
StateSaveLocation=$c/state
SlurmdSpoolDir=$c/spool
SlurmctldPidFile=$c/slurmctld.pid
SlurmdPidFile=$c/slurmd.pid
SlurmctldLogFile=$c/log/slurmctld.log
SlurmdLogFile=$c/log/slurmd.log
NodeName=$host NodeAddr=127.0.0.1 CPUs=2 RealMemory=1000 State=UNKNOWN
PartitionName=ds Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$c/slurm.conf"
t0=$(date +%s%N)
slurmctld -D >"$c/log/slurmctld.out" 2>&1 &
ctld_pid=$!
slurmd -D >"$c/log/slurmd.out" 2>&1 &
slurmd_pid=$!
i=0
until [ "$(sinfo -h -o %t 2>/dev/null)" = idle ]; do
	kill -0 "$ctld_pid" 2>/dev/null || { show_logs; fail "slurmctld exited"; }
	kill -0 "$slurmd_pid" 2>/dev/null || { show_logs; fail "slurmd exited"; }
	[ $i -lt 300 ] || { show_logs; fail "the node is not idle after 30 s: $(sinfo 2>&1)"; }
	sleep 0.1
	i=$((i + 1))
done
ms=$((($(date +%s%N) - t0) / 1000000))
ok "slurmctld and slurmd run: node $host is idle (after $ms ms)"

# wait_array JOBID TASKS WHAT: the array has left the queue, each of its TASKS tasks COMPLETED
# with exit code 0 (sacct needs accounting; scontrol keeps finished jobs for MinJobAge, 300 s)
wait_array() {
	t0=$(date +%s%N)
	i=0
	while [ -n "$(squeue -h -j "$1" 2>/dev/null)" ]; do
		[ $i -lt 3000 ] || { show_logs; fail "$3: still queued after 300 s: $(squeue 2>&1)"; }
		sleep 0.1
		i=$((i + 1))
	done
	scontrol show job "$1" -o >"job-$1.txt" || fail "$3: scontrol show job $1"
	good=$(grep -c 'JobState=COMPLETED .*ExitCode=0:0' "job-$1.txt" || true)
	if [ "$good" -ne "$2" ]; then
		for f in slurm-"$1"_*.out; do
			[ -s "$f" ] && echo "--- $f" >&2 && cat "$f" >&2
		done
		grep -o 'ArrayTaskId=[0-9]* \|JobState=[A-Z]* \|ExitCode=[0-9:]*' "job-$1.txt" |
			paste - - - | grep -v 'COMPLETED.*0:0' >&2 || true
		fail "$3: $good of $2 array tasks completed with exit code 0"
	fi
	echo "# $3: job $1, $2 tasks finished $((($(date +%s%N) - t0) / 1000000)) ms after sbatch"
}

# --- the local reference: the sweep of test-sweep-cli.sh -------------------------------------------
write_ref_sweep ref.ini
n=$ref_points
"$DS" sweep ref.ini -o ref -j 2 -q
[ "$(wc -l <ref/results.jsonl)" -eq $n ] || fail "local sweep: $(wc -l <ref/results.jsonl) records"

# --- the README's three commands: emit, submit (one array task per line), merge --------------------
"$DS" sweep ref.ini -o slurm --emit-jobs >jobs.txt
[ "$(wc -l <jobs.txt)" -eq $n ] || fail "--emit-jobs printed $(wc -l <jobs.txt) lines"
# shellcheck disable=SC2016
jid=$(sbatch --parsable --array=1-"$(wc -l <jobs.txt)" \
	--wrap 'sed -n "${SLURM_ARRAY_TASK_ID}p" jobs.txt | sh') || fail "sbatch: $jid"
wait_array "$jid" $n "one task per point"
[ "$(find . -maxdepth 1 -name "slurm-${jid}_*.out" | wc -l)" -eq $n ] ||
	fail "expected $n Slurm output files of job $jid"
[ "$(point_files slurm)" -eq $n ] || fail "the array wrote $(point_files slurm) point files, not $n"
[ ! -e slurm/results.jsonl ] || fail "--point should leave results.* to merge"
"$DS" merge slurm -o merged -q
cmp merged/results.jsonl ref/results.jsonl || fail "Slurm array + merge != local sweep (JSON)"
cmp merged/results.csv ref/results.csv || fail "Slurm array + merge != local sweep (CSV)"
ok "sbatch --array over --emit-jobs ($n tasks), merged: results.jsonl and .csv identical to the local sweep"

# --- beyond MaxArraySize: K tasks, task i runs lines i, i+K, ... (here K = 10 for 32 lines) ----------
"$DS" sweep ref.ini -o slurm10 --emit-jobs >jobs10.txt
# shellcheck disable=SC2016
jid=$(sbatch --parsable --array=1-10 \
	--wrap 'sed -n "${SLURM_ARRAY_TASK_ID}~10p" jobs10.txt | sh -e') || fail "sbatch: $jid"
wait_array "$jid" 10 "ten tasks of 3 or 4 points"
[ "$(point_files slurm10)" -eq $n ] || fail "10 tasks wrote $(point_files slurm10) point files"
"$DS" merge slurm10 -o merged10 -q
cmp merged10/results.jsonl ref/results.jsonl || fail "10-task array + merge != local sweep (JSON)"
cmp merged10/results.csv ref/results.csv || fail "10-task array + merge != local sweep (CSV)"
ok "a 10-task array, each task every 10th line: identical to the local sweep"

echo "1..$step"
