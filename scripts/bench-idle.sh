#!/usr/bin/env bash
# Idle RSS benchmark (issue 12: idle RSS with the 10,000-track library loaded
# <= 30 MiB): Segue on one generated library of TRACKS tracks (default 10000),
# scanned at start-up, measured 8 s after the scan from /proc/PID/smaps_rollup
# (anonymous vs file-backed, as bench-scan.sh prints it) and /proc/PID/smaps
# (the largest mappings), ROUNDS times (default 3), two ways each round:
#  - warm: the binary as go build just wrote it, its page cache as the linker
#    left it (what bench-scan.sh measures). On kernels whose page cache keeps
#    freshly written files in large folios, a fault maps far more than the page
#    it touched, so nearly the whole binary becomes resident.
#  - cold: the same binary with its page cache written back and dropped first
#    (fsync + posix_fadvise DONTNEED), as when a device starts it from disk
#    after boot; how much is read around each fault then follows the disk's
#    read-ahead (this machine: /sys/block/*/queue/read_ahead_kb).
# BASE=<git revision> also builds that revision's server and measures it in the
# same rounds (the same-run baseline). FLAVOR=addon builds as the Dockerfile
# does (static with musl-gcc, -trimpath, -s -w; scripts/test-deps.sh installs musl-tools)
# instead of a plain go build.
#
#   BASE=main ROUNDS=3 scripts/bench-idle.sh
set -euo pipefail
cd "$(dirname "$0")/.."
tracks=${TRACKS:-10000}
# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh

# build_server SRC OUT: builds SRC/cmd/segue into OUT as FLAVOR says
build_server() {
	case ${FLAVOR:-dev} in
	dev) (cd "$1" && go build -o "$2" ./cmd/segue) ;;
	addon)
		command -v musl-gcc >/dev/null || die "FLAVOR=addon needs musl-gcc (apt-get install musl-tools)"
		(cd "$1" && CC=musl-gcc CGO_ENABLED=1 GOFLAGS='' go build -trimpath \
			-tags "sqlite_fts5 sqlite_omit_load_extension osusergo netgo" \
			-ldflags "-s -w -linkmode external -extldflags -static" -o "$2" ./cmd/segue) ;;
	*) die "FLAVOR is dev or addon" ;;
	esac || die "build of $1 failed"
}

# drop_cache FILE: writes FILE back and drops its pages from the page cache
drop_cache() {
	python3 -c 'import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
os.fsync(fd)
os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
os.close(fd)' "$1"
}

# top_mappings PID: the four largest mappings by resident MiB
top_mappings() {
	awk '/^[0-9a-f]+-[0-9a-f]+ /{n=$6; if (n == "") n="[anon]"; sub(/.*\//, "", n)} /^Rss:/{r[n]+=$2}
		END{for (n in r) printf "%s=%.1f\n", n, r[n]/1024}' "/proc/$1/smaps" | sort -t= -k2 -gr | head -4 | paste -sd' '
}

(cd src && go build -o "$tmp/bench" ./cmd/segue-bench) || die "build failed"
variants=(this)
srcs=("$PWD/src")
if [ -n "${BASE:-}" ]; then
	mkdir -p "$tmp/base"
	git archive "$BASE" src | tar -x -C "$tmp/base" || die "cannot read revision $BASE"
	variants+=("$BASE")
	srcs+=("$tmp/base/src")
fi
gen_library "$tmp/lib" "$tracks" "${SEED:-1}"

declare -A sum
port=18520
for r in $(seq "${ROUNDS:-3}"); do
	for way in warm cold; do
		for i in "${!variants[@]}"; do
			rm -f "$tmp/segue"
			build_server "${srcs[$i]}" "$tmp/segue"
			[ "$way" = warm ] || drop_cache "$tmp/segue"
			port=$((port + 1))
			start_segue "$tmp/lib" "$port"
			count=$(wait_scan "$surl" "$sauth" "$spid" "$tracks")
			sleep 8
			rss=$(kib "$spid" VmRSS)
			key="$way ${variants[$i]}"
			sum[$key]="${sum[$key]:-} $rss"
			echo "round $r, $way, ${variants[$i]}: $count tracks, idle $(rollup "$spid"); largest: $(top_mappings "$spid"); binary $(($(stat -c %s "$tmp/segue") >> 20)) MiB"
			stop_pid "$spid"
		done
	done
done
for key in "${!sum[@]}"; do
	# shellcheck disable=SC2086 # the list of numbers is meant to split
	echo "$key: idle RSS $(printf '%s\n' ${sum[$key]} | awk '{s+=$1; n++; v=v sprintf("%.1f ", $1/1024)} END{printf "%s(mean %.1f MiB)", v, s/n/1024}')"
done | sort
echo "flavor ${FLAVOR:-dev}; target: idle RSS <= 30 MiB; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
