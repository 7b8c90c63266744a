#!/usr/bin/env bash
# Scan benchmark (issue 12), Segue against gonic (the baseline) in one run on one
# generated library of TRACKS tracks (default 10000):
#  - full scan: tracks/s and peak RSS (VmHWM, reset just before the scan)
#  - rescan of the unchanged library: seconds
#  - idle RSS with the library loaded (smaps_rollup: anonymous vs file pages)
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

if [ -n "$gonic" ]; then
	place "$tmp/g1"
	start_gonic "$tmp/g1" 18480
	reset_peak "$gpid"
	t0=$(now)
	own=$(gonic_scan)
	gfull=$(since "$t0")
	gpeak=$(kib "$gpid" VmHWM)
	gcount=$(wait_scan "$gurl" "$gauth" "$gpid" 1)
	t0=$(now)
	gonic_scan >/dev/null
	grescan=$(since "$t0")
	sleep 5
	gidle=$(kib "$gpid" VmRSS)
	gtps=$(awk -v n="$gcount" -v s="$gfull" 'BEGIN{printf "%.0f", n/s}')
	echo "gonic: full scan ${gfull} s (its own: $own; $gcount tracks) = $gtps tracks/s, peak RSS $(mib "$gpeak") MiB, unchanged rescan ${grescan} s, idle $(rollup "$gpid")"
	stop_pid "$gpid"

	place "$tmp/g2"
	start_gonic "$tmp/g2" 18481
	load_start "$gurl/rest/search3.view?query=$word&$gauth"
	gonic_scan >/dev/null
	echo "gonic: search3 '$word' x$clients clients during a full scan: $(load_stop)"
	stop_pid "$gpid"
fi

mkdir -p "$tmp/s1"
start_segue "$tmp/s1" 18495
segue_startup_scan
place "$tmp/s1"
sleep 3 # /setup's argon2 buffers go back to the system 2 s after it
reset_peak "$spid"
t0=$(now)
start_scan "$surl" "$sauth"
scount=$(wait_scan "$surl" "$sauth" "$spid" 1)
sfull=$(since "$t0")
speak=$(kib "$spid" VmHWM)
sleep 4 # the watcher's quick scan of the moved-in folder, if any, runs now
t0=$(now)
start_scan "$surl" "$sauth"
wait_scan "$surl" "$sauth" "$spid" 1 >/dev/null
srescan=$(since "$t0")
sleep 5
sidle=$(kib "$spid" VmRSS)
stps=$(awk -v n="$scount" -v s="$sfull" 'BEGIN{printf "%.0f", n/s}')
echo "segue: full scan ${sfull} s ($scount tracks) = $stps tracks/s, peak RSS $(mib "$speak") MiB, unchanged rescan ${srescan} s, idle $(rollup "$spid")"
grep -E 'level=(error|warning)' "$tmp/segue-18495.log" | grep -v 'DTLS identity' | head -5 || true
stop_pid "$spid"

mkdir -p "$tmp/s2"
start_segue "$tmp/s2" 18496
segue_startup_scan
place "$tmp/s2"
load_start "$surl/rest/search3.view?query=$word&$sauth"
t0=$(now)
start_scan "$surl" "$sauth"
scount=$(wait_scan "$surl" "$sauth" "$spid" 1)
echo "segue: search3 '$word' x$clients clients during a full scan ($scount tracks, $(since "$t0") s): $(load_stop)"
stop_pid "$spid"

if [ -n "$gonic" ]; then
	echo "ratios (segue/gonic): tracks/s $(ratio "$stps" "$gtps") (target >= 2), peak RSS $(ratio "$speak" "$gpeak"), rescan time $(ratio "$srescan" "$grescan"), idle RSS $(ratio "$sidle" "$gidle")"
fi
echo "targets: peak RSS <= 80 MiB, unchanged rescan <= 2 s, idle RSS <= 30 MiB; no search3 lost during the scan"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
