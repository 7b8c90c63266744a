#!/usr/bin/env bash
# Subsonic library benchmark (issue 12), Segue against gonic in one run on one
# generated library of TRACKS tracks (default 10000):
#  - getAlbumList2 type=newest size=50
#  - search3 for a word many titles hold (WORD, default "night")
#  - search3 with an empty query and songCount=500 (how Symfonium syncs)
# Each under wrk (-t1 -c$CONNS -d$DURATION), the servers taking turns for
# ROUNDS rounds; the best round of each is compared (target: Segue >= 3x gonic).
# Both servers scan the library through startScan first and are measured one at
# a time, each on a warm cache (one warm-up request per URL). Also prints the
# idle RSS of both with the library loaded (smaps_rollup: anon vs file pages).
#
#   GONIC_SRC=/path/to/gonic-v0.16.4 scripts/bench-subsonic.sh
#   KEEP=1 keeps the work folder (Segue's database for BenchmarkSearchCommonWord).
set -euo pipefail
cd "$(dirname "$0")/.."
tracks=${TRACKS:-10000}
dur=${DURATION:-10s}
conns=${CONNS:-50}
rounds=${ROUNDS:-2}
word=${WORD:-night}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)" >&2; exit 1; }
# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh
build
gen_library "$tmp/music" "$tracks" "${SEED:-1}"

start_segue "$tmp/music" 18495
scount=$(wait_scan "$surl" "$sauth" "$spid" 1)
echo "segue: start-up scan done, $scount tracks"
if [ -n "$gonic" ]; then
	start_gonic "$tmp/music" 18480
	echo "gonic: scan took $(gonic_scan)"
	gcount=$(wait_scan "$gurl" "$gauth" "$gpid" 1)
	echo "gonic: $gcount tracks"
fi
sleep 5 # both idle: scans done, memory given back
echo "idle RSS with the library loaded: segue $(rollup "$spid")${gonic:+, gonic $(rollup "$gpid")}"

names=(getAlbumList2_newest search3_word search3_empty)
# gonic answers the empty query slowly enough that 50 waiting clients run into its
# own timeouts; 10 clients keep that comparison about throughput, not queueing.
clients=("$conns" "$conns" "${CONNS_EMPTY:-10}")
paths=("getAlbumList2.view?type=newest&size=50"
	"search3.view?query=$word"
	"search3.view?query=&songCount=500&albumCount=0&artistCount=0")

rps() { # rps URL CONNS STRICT: requests/s under wrk; with STRICT any error stops the run,
	# else errors (a server closing or timing out connections) are counted in $errors
	local out
	out=$(timeout 180 wrk -t1 -c"$2" -d"$dur" --timeout 30s "$1") || die "wrk failed on $1"
	errors=$(sed -nE 's/.*Socket errors: connect ([0-9]+), read ([0-9]+), write ([0-9]+), timeout ([0-9]+).*/\1 \2 \3 \4/p' <<<"$out" |
		awk '{print $1+$2+$3+$4}')
	errors=$((${errors:-0} + $(sed -nE 's/.*Non-2xx or 3xx responses: ([0-9]+).*/\1/p' <<<"$out" | head -1 | grep . || echo 0)))
	if [ -n "$3" ] && [ "$errors" -gt 0 ]; then die "errors under load on $1: $out"; fi
	awk '/Requests\/sec/{print $2}' <<<"$out"
}
best() { printf '%s\n' "$@" | sort -g | tail -1; }
check_ok() { # check_ok URL: one request answers ok with something in it
	local b
	b=$(http_get "$1") || die "no answer from $1"
	grep -q '"status":"ok"' <<<"$b" || die "not ok: $1: ${b:0:300}"
	[ "${#b}" -gt 200 ] || die "an empty answer from $1: $b"
}

for i in "${!names[@]}"; do
	s=() g=()
	check_ok "$surl/rest/${paths[$i]}&$sauth"
	[ -z "$gonic" ] || check_ok "$gurl/rest/${paths[$i]}&$gauth"
	gerr=0
	for _ in $(seq "$rounds"); do
		if [ -n "$gonic" ]; then
			rps "$gurl/rest/${paths[$i]}&$gauth" "${clients[$i]}" "" >"$tmp/rps"
			g+=("$(cat "$tmp/rps")")
			gerr=$((gerr + errors))
		fi
		rps "$surl/rest/${paths[$i]}&$sauth" "${clients[$i]}" strict >"$tmp/rps"
		s+=("$(cat "$tmp/rps")")
	done
	sb=$(best "${s[@]}")
	if [ -n "$gonic" ]; then
		gb=$(best "${g[@]}")
		echo "${names[$i]} (c=${clients[$i]}): segue ${s[*]} req/s, gonic ${g[*]} req/s ($gerr socket errors); best $sb vs $gb = $(ratio "$sb" "$gb")x (target >= 3)"
	else
		echo "${names[$i]} (c=${clients[$i]}): segue ${s[*]} req/s"
	fi
done
echo "RSS after load: segue $(mib "$(kib "$spid" VmRSS)") MiB${gonic:+, gonic $(mib "$(kib "$gpid" VmRSS)") MiB}"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
