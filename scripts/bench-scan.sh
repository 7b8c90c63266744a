#!/usr/bin/env bash
# Scan benchmark (issue 12), side by side in one run on one generated library:
#  - full scan of TRACKS tracks (default 10000): tracks/s and peak RSS (VmHWM)
#  - rescan of the unchanged library: seconds
#  - idle RSS with the library loaded
# for gonic (the baseline) and Segue. The library comes from our own generator
# (segue-bench gen-library): valid tagged MP3/FLAC/M4A/Ogg files, no ffmpeg.
# Both full scans are timed from process start to scan end, on the same warm
# page cache. gonic's rescan is its startScan; Segue's is the scan it runs when
# restarted over the unchanged library.
#
# gonic is never part of this repository: point GONIC_BIN at a built gonic, or
# GONIC_SRC at a checkout of github.com/sentriz/gonic v0.16.4 (later versions need
# a module the Go proxy refuses; it builds with cgo and libtag1-dev) and the script
# builds it. Without either, only Segue is measured.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOFLAGS=-tags=sqlite_fts5
tracks=${TRACKS:-10000}
seed=${SEED:-1}
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$tmp"' EXIT
(cd src && go build -o "$tmp/segue" ./cmd/segue && go build -o "$tmp/bench" ./cmd/segue-bench)
gonic=${GONIC_BIN:-}
if [ -z "$gonic" ] && [ -n "${GONIC_SRC:-}" ]; then
	echo "building gonic from $GONIC_SRC"
	(cd "$GONIC_SRC" && GOFLAGS='' CGO_ENABLED=1 go build -o "$tmp/gonic" ./cmd/gonic)
	gonic=$tmp/gonic
fi

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.3f", b-a}'; }
kib() { awk -v k="$2" '$1==k":"{print $2}' "/proc/$1/status"; }
mib() { awk -v k="$1" 'BEGIN{printf "%.1f", k/1024}'; }

# scan_status URL-with-auth: prints "scanning count"
scan_status() {
	curl -sf "$1/rest/getScanStatus.view?$2&v=1.16.1&c=bench&f=json" |
		sed -E 's/.*"scanning":(true|false).*"count":([0-9]+).*/\1 \2/; t; s/.*"count":([0-9]+).*"scanning":(true|false).*/\2 \1/'
}
# wait_scan URL AUTH PID: waits until a scan has run and stopped; prints the count
wait_scan() {
	local s
	for _ in $(seq 30000); do
		kill -0 "$3" 2>/dev/null || { echo "the server (pid $3) exited" >&2; exit 1; }
		s=$(scan_status "$1" "$2" || true)
		if [ "${s%% *}" = false ] && [ "${s##* }" -gt 0 ] 2>/dev/null; then echo "${s##* }"; return; fi
		sleep 0.02
	done
	echo "scan did not finish: $s" >&2; exit 1
}
wait_up() { for _ in $(seq 500); do curl -sf "$1" >/dev/null && return; sleep 0.02; done; echo "$1 did not come up" >&2; exit 1; }

# rescan URL AUTH PID: starts a scan of the unchanged library and times it
rescan() {
	local t0
	t0=$(now)
	curl -sf "$1/rest/startScan.view?$2&v=1.16.1&c=bench&f=json" >/dev/null
	wait_scan "$1" "$2" "$3" >/dev/null
	since "$t0"
}

mkdir -p "$tmp/music"
t0=$(now)
"$tmp/bench" gen-library -n "$tracks" -seed "$seed" -out "$tmp/music"
echo "generated $tracks tracks in $(since "$t0") s ($(du -sm "$tmp/music" | cut -f1) MiB on disk)"

if [ -n "$gonic" ]; then
	mkdir -p "$tmp/gonic-podcasts" "$tmp/gonic-cache" "$tmp/gonic-playlists"
	t0=$(now)
	"$gonic" -music-path "$tmp/music" -podcast-path "$tmp/gonic-podcasts" -cache-path "$tmp/gonic-cache" -playlists-path "$tmp/gonic-playlists" \
		-db-path "$tmp/gonic.db" -listen-addr 127.0.0.1:18480 -scan-at-start-enabled -http-log=false \
		-multi-value-genre multi -multi-value-artist multi -multi-value-album-artist multi >"$tmp/gonic.log" 2>&1 &
	gpid=$!
	gcount=$(wait_scan http://127.0.0.1:18480 "u=admin&p=admin" "$gpid") || { cat "$tmp/gonic.log" >&2; exit 1; }
	gfull=$(since "$t0")
	gpeak=$(kib $gpid VmHWM)
	grescan=$(rescan http://127.0.0.1:18480 "u=admin&p=admin" "$gpid")
	sleep 3
	gidle=$(kib $gpid VmRSS)
	gtps=$(awk -v n="$tracks" -v s="$gfull" 'BEGIN{printf "%.0f", n/s}')
	echo "gonic: full scan ${gfull} s ($gcount tracks counted) = $gtps tracks/s, peak RSS $(mib "$gpeak") MiB, unchanged rescan ${grescan} s, idle RSS $(mib "$gidle") MiB"
	kill "$gpid"; wait "$gpid" 2>/dev/null || true
fi

# Segue scans its music folders whenever it starts, and logs "library: scan
# finished" with the tracks and the scan's own seconds: the first start is the
# full scan, a restart the rescan of the unchanged library.
segue_scan() { # segue_scan LOG: starts segue (pid in $seg) and waits for its scan
	"$tmp/segue" serve --data-dir "$tmp/sdata" --public-addr 127.0.0.1:18495 --remote-access off \
		--log-level info --music-dirs "$tmp/music" >"$1" 2>&1 &
	seg=$!
	for _ in $(seq 30000); do
		grep -q 'library: scan finished' "$1" && return
		kill -0 "$seg" 2>/dev/null || { cat "$1" >&2; exit 1; }
		sleep 0.02
	done
	echo "segue did not finish its scan" >&2; exit 1
}
field() { grep 'library: scan finished' "$1" | tail -1 | sed -E "s/.* $2=([0-9.]+).*/\1/"; }
t0=$(now)
segue_scan "$tmp/segue1.log"
sfull=$(since "$t0")
scount=$(field "$tmp/segue1.log" tracks)
speak=$(kib "$seg" VmHWM)
kill "$seg"; wait "$seg" 2>/dev/null || true
segue_scan "$tmp/segue2.log"
srescan=$(field "$tmp/segue2.log" seconds)
sleep 4
sidle=$(kib "$seg" VmRSS)
stps=$(awk -v n="$tracks" -v s="$sfull" 'BEGIN{printf "%.0f", n/s}')
echo "segue: full scan ${sfull} s from start (scanner's own: $(field "$tmp/segue1.log" seconds) s; $scount tracks) = $stps tracks/s, peak RSS $(mib "$speak") MiB, unchanged rescan ${srescan} s, idle RSS $(mib "$sidle") MiB"
grep -E 'level=(error|warning)' "$tmp/segue1.log" | grep -v 'DTLS identity' | head -5 || true
if [ -n "$gonic" ]; then
	echo "ratios (segue/gonic): tracks/s $(awk -v a="$stps" -v b="$gtps" 'BEGIN{printf "%.2f", a/b}') (target >= 2), peak RSS $(awk -v a="$speak" -v b="$gpeak" 'BEGIN{printf "%.2f", a/b}'), rescan time $(awk -v a="$srescan" -v b="$grescan" 'BEGIN{printf "%.2f", a/b}')"
fi
echo "targets: peak RSS <= 80 MiB, unchanged rescan <= 2 s, idle RSS <= 30 MiB"
