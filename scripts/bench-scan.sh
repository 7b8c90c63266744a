#!/usr/bin/env bash
# Scan benchmark (issue 12), Segue against gonic (the baseline) in one run on one
# generated library of TRACKS tracks (default 10000):
#  - full scan: tracks/s and peak RSS (VmHWM, reset just before the scan)
#  - rescan of the unchanged library: seconds
#  - idle RSS with the library loaded (smaps_rollup: anonymous vs file pages)
#    (the servers take turns for ROUNDS rounds, default 2, each on a fresh instance)
#  - search3 for a common word hammered by CLIENTS clients while a full scan runs:
#    requests answered, lost (any error), p50/p99/max latency
# Every scan is started through Subsonic startScan on a running server: each
# server starts on an empty music folder, the generated library is moved into it
# (a rename: no copy, the same warm page cache for both) and startScan follows.
# Segue's end of scan is its getScanStatus; gonic's is its "finished scan" log
# line. The library comes from our own generator (segue-bench gen-library).
#
#   GONIC_SRC=/path/to/gonic-v0.16.4 scripts/bench-scan.sh
set -euo pipefail
cd "$(dirname "$0")/.."
tracks=${TRACKS:-10000}
clients=${CLIENTS:-4}
word=${WORD:-night}
# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh
build
gen_library "$tmp/lib/music" "$tracks" "${SEED:-1}"

place() { # place DIR: moves the generated library to DIR/music
	mkdir -p "$1"
	mv "$lib" "$1/music"
	lib=$1/music
}
lib=$tmp/lib/music
reset_peak() { echo 5 >"/proc/$1/clear_refs"; }
segue_startup_scan() { # waits for the scan Segue runs at start (of its empty folder)
	for _ in $(seq 1500); do
		grep -q 'library: scan finished' "$tmp/segue-${surl##*:}.log" && return
		kill -0 "$spid" 2>/dev/null || die "segue exited"
		sleep 0.02
	done
	die "segue's start-up scan did not finish in 30 s"
}

# load_start URL: hammers URL with http-load in the background (pid in lpid)
load_start() {
	"$tmp/bench" http-load -url "$1" -conns "$clients" -duration 900s >"$tmp/load.out" 2>&1 &
	lpid=$!
	started+=("$lpid")
	sleep 0.5
}
load_stop() { # prints the load tool's summary
	kill -INT "$lpid" 2>/dev/null || true
	for _ in $(seq 300); do kill -0 "$lpid" 2>/dev/null || break; sleep 0.1; done
	stop_pid "$lpid"
	cat "$tmp/load.out"
}

# gonic_round N: a fresh gonic scans the library (startScan), rescans it; one line
gonic_round() {
	local own count full rescan peak
	place "$tmp/g$1"
	start_gonic "$tmp/g$1" $((18480 + $1))
	reset_peak "$gpid"
	t0=$(now)
	own=$(gonic_scan)
	full=$(since "$t0")
	peak=$(kib "$gpid" VmHWM)
	count=$(wait_scan "$gurl" "$gauth" "$gpid" 1)
	t0=$(now)
	gonic_scan >/dev/null
	rescan=$(since "$t0")
	sleep 5
	gidle=$(kib "$gpid" VmRSS)
	gtps+=("$(awk -v n="$count" -v s="$full" 'BEGIN{printf "%.0f", n/s}')")
	gpeak=$peak grescan=$rescan
	echo "gonic round $1: full scan ${full} s (its own: $own; $count tracks) = ${gtps[-1]} tracks/s, peak RSS $(mib "$peak") MiB, unchanged rescan ${rescan} s, idle $(rollup "$gpid")"
	stop_pid "$gpid"
}

# segue_round N: a fresh Segue on an empty folder; the library moves in, startScan
# scans it, a second startScan rescans it; one line
segue_round() {
	local count full rescan peak
	mkdir -p "$tmp/s$1"
	start_segue "$tmp/s$1" $((18495 + $1))
	segue_startup_scan
	place "$tmp/s$1"
	sleep 3 # /setup's argon2 buffers go back to the system 2 s after it
	reset_peak "$spid"
	t0=$(now)
	start_scan "$surl" "$sauth"
	count=$(wait_scan "$surl" "$sauth" "$spid" 1)
	full=$(since "$t0")
	peak=$(kib "$spid" VmHWM)
	sleep 4 # the watcher's quick scan of the moved-in folder, if any, runs now
	t0=$(now)
	start_scan "$surl" "$sauth"
	wait_scan "$surl" "$sauth" "$spid" 1 >/dev/null
	rescan=$(since "$t0")
	sleep 5
	sidle=$(kib "$spid" VmRSS)
	stps+=("$(awk -v n="$count" -v s="$full" 'BEGIN{printf "%.0f", n/s}')")
	speak=$peak srescan=$rescan
	echo "segue round $1: full scan ${full} s ($count tracks) = ${stps[-1]} tracks/s, peak RSS $(mib "$peak") MiB, unchanged rescan ${rescan} s, idle $(rollup "$spid")"
	grep -E 'level=(error|warning)' "$tmp/segue-${surl##*:}.log" | grep -v 'DTLS identity' | head -5 || true
	stop_pid "$spid"
}

# The servers take turns, ROUNDS times (the machine's load varies), best of each.
gtps=() stps=()
for r in $(seq "${ROUNDS:-2}"); do
	[ -z "$gonic" ] || gonic_round "$r"
	segue_round "$r"
done
best() { printf '%s\n' "$@" | sort -g | tail -1; }

if [ -n "$gonic" ]; then
	place "$tmp/gl"
	start_gonic "$tmp/gl" 18479
	load_start "$gurl/rest/search3.view?query=$word&$gauth"
	gonic_scan >/dev/null
	echo "gonic: search3 '$word' x$clients clients during a full scan: $(load_stop)"
	stop_pid "$gpid"
fi

mkdir -p "$tmp/sl"
start_segue "$tmp/sl" 18494
segue_startup_scan
place "$tmp/sl"
load_start "$surl/rest/search3.view?query=$word&$sauth"
t0=$(now)
start_scan "$surl" "$sauth"
scount=$(wait_scan "$surl" "$sauth" "$spid" 1)
echo "segue: search3 '$word' x$clients clients during a full scan ($scount tracks, $(since "$t0") s): $(load_stop)"
stop_pid "$spid"

if [ -n "$gonic" ]; then
	echo "ratios (segue/gonic): best tracks/s $(best "${stps[@]}")/$(best "${gtps[@]}") = $(ratio "$(best "${stps[@]}")" "$(best "${gtps[@]}")") (target >= 2); last round: peak RSS $(ratio "$speak" "$gpeak"), rescan time $(ratio "$srescan" "$grescan"), idle RSS $(ratio "$sidle" "$gidle")"
fi
echo "targets: peak RSS <= 80 MiB, unchanged rescan <= 2 s, idle RSS <= 30 MiB; no search3 lost during the scan"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
