# shellcheck shell=bash
# Shared parts of the library benchmarks (scripts/bench-subsonic.sh,
# scripts/bench-scan.sh), sourced, never run: building, a generated library,
# starting Segue and gonic on it with every wait bounded, Subsonic auth, scans
# through startScan/getScanStatus, and a cleanup trap that stops exactly the
# servers this run started (by pid).
#
# gonic is never part of this repository: point GONIC_BIN at a built gonic, or
# GONIC_SRC at a checkout of github.com/sentriz/gonic v0.16.4 (later versions need
# a module the Go proxy refuses; it builds with cgo and libtag1-dev) and it is
# built here. Without either, only Segue is measured.

export GOFLAGS=-tags=sqlite_fts5
tmp=$(mktemp -d)
started=() # pids of the servers and load tools this run started

stop_pid() { # stop_pid PID: TERM, then KILL after 10 s
	local p=$1
	kill -0 "$p" 2>/dev/null || return 0
	kill -TERM "$p" 2>/dev/null || true
	for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$p" 2>/dev/null || true
	wait "$p" 2>/dev/null || true
}
cleanup() {
	local p
	for p in "${started[@]}"; do stop_pid "$p"; done
	if [ -n "${KEEP:-}" ]; then echo "kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() { echo "bench: $*" >&2; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.3f", b-a}'; }
kib() { awk -v k="$2" '$1==k":"{print $2}' "/proc/$1/status"; }
mib() { awk -v k="$1" 'BEGIN{printf "%.1f", k/1024}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{if (b>0) printf "%.2f", a/b; else print "n/a"}'; }
# rollup PID: resident memory in MiB from smaps_rollup: anonymous (the heaps)
# and file-backed (mostly the executable's own pages; "huge" of them mapped as
# 2 MiB pages, which this kernel does for large page-cache folios)
rollup() {
	awk '/^Rss:/{r=$2} /^Anonymous:/{a=$2} /^Pss_File:/{f=$2} /^FilePmdMapped:/{h=$2}
		END{printf "Rss %.1f MiB (anon %.1f, file %.1f, huge %.1f)", r/1024, a/1024, f/1024, h/1024}' "/proc/$1/smaps_rollup"
}

build() {
	(cd src && go build -o "$tmp/segue" ./cmd/segue && go build -o "$tmp/bench" ./cmd/segue-bench) || die "build failed"
	gonic=${GONIC_BIN:-}
	if [ -z "$gonic" ] && [ -n "${GONIC_SRC:-}" ]; then
		echo "building gonic from $GONIC_SRC"
		(cd "$GONIC_SRC" && GOFLAGS='' CGO_ENABLED=1 go build -o "$tmp/gonic" ./cmd/gonic) || die "gonic build failed"
		gonic=$tmp/gonic
	fi
}

gen_library() { # gen_library DIR TRACKS SEED
	local t0
	t0=$(now)
	timeout 600 "$tmp/bench" gen-library -n "$2" -seed "$3" -out "$1" >/dev/null || die "gen-library failed"
	echo "generated $2 tracks in $(since "$t0") s ($(du -sm "$1" | cut -f1) MiB on disk)"
}

# http_get URL: the body, or nothing and status 1 (10 s at most)
http_get() { curl -sf --max-time 10 "$1"; }

wait_up() { # wait_up URL PID
	for _ in $(seq 600); do
		kill -0 "$2" 2>/dev/null || die "server pid $2 exited"
		http_get "$1" >/dev/null && return
		sleep 0.05
	done
	die "$1 did not come up in 30 s"
}

# token_auth USER PASSWORD: Subsonic token auth query parameters with a fixed salt
token_auth() {
	local salt=bench0salt
	echo "u=$1&t=$(printf '%s%s' "$2" "$salt" | md5sum | cut -d' ' -f1)&s=$salt&v=1.16.1&c=bench&f=json"
}

# scan_status URL AUTH: prints "scanning count", or nothing when the server does not answer
scan_status() {
	http_get "$1/rest/getScanStatus.view?$2" |
		sed -nE 's/.*"scanning":(true|false).*"count":([0-9]+).*/\1 \2/p; s/.*"count":([0-9]+).*"scanning":(true|false).*/\2 \1/p'
}

# wait_scan URL AUTH PID MIN [SECONDS]: waits until the server reports no scan
# running with at least MIN tracks; prints the count
wait_scan() {
	local s deadline
	deadline=$(($(date +%s) + ${5:-600}))
	while [ "$(date +%s)" -lt "$deadline" ]; do
		kill -0 "$3" 2>/dev/null || die "server pid $3 exited"
		s=$(scan_status "$1" "$2" || true)
		if [ "${s%% *}" = false ] && [ "${s##* }" -ge "$4" ] 2>/dev/null; then
			echo "${s##* }"
			return
		fi
		sleep 0.02
	done
	die "scan on $1 did not finish in ${5:-600} s (last status: $s)"
}

start_scan() { # start_scan URL AUTH
	http_get "$1/rest/startScan.view?$2" | grep -q '"status":"ok"' || die "startScan on $1 failed"
}

# start_gonic MUSIC PORT: starts gonic (pid in gpid, URL in gurl, auth in gauth)
# with no scan at start; admin/admin is the user it creates on first start
start_gonic() {
	local d=$tmp/gonic-$2
	mkdir -p "$d/podcasts" "$d/cache" "$d/playlists"
	"$gonic" -music-path "$1" -podcast-path "$d/podcasts" -cache-path "$d/cache" -playlists-path "$d/playlists" \
		-db-path "$d/gonic.db" -listen-addr "127.0.0.1:$2" -http-log=false \
		-multi-value-genre multi -multi-value-artist multi -multi-value-album-artist multi >"$d.log" 2>&1 &
	gpid=$!
	started+=("$gpid")
	gurl=http://127.0.0.1:$2
	gauth=$(token_auth admin admin)
	wait_up "$gurl/rest/ping.view?$gauth" "$gpid"
}

# gonic_scan: starts a scan on gonic and waits for its "finished scan" log line
# (gonic's getScanStatus can read "not scanning" before the scan it was asked for
# has begun); prints gonic's own scan time
gonic_scan() {
	local log=$tmp/gonic-${gurl##*:}.log n deadline
	n=$(grep -c 'finished scan' "$log" || true)
	start_scan "$gurl" "$gauth"
	deadline=$(($(date +%s) + 600))
	while [ "$(grep -c 'finished scan' "$log" || true)" -le "$n" ]; do
		kill -0 "$gpid" 2>/dev/null || die "gonic exited: $(tail -5 "$log")"
		[ "$(date +%s)" -lt "$deadline" ] || die "gonic's scan did not finish in 600 s"
		sleep 0.02
	done
	grep 'finished scan' "$log" | tail -1 | sed -E 's/.*finished scan in ([^,]+),.*/\1/'
}

# start_segue MUSIC PORT: starts Segue (pid in spid, URL in surl), makes the
# admin "bench" through /setup and reads its Subsonic app-password (auth in sauth)
start_segue() {
	local d=$tmp/segue-$2 token pw
	"$tmp/segue" serve --data-dir "$d" --public-addr "127.0.0.1:$2" --remote-access off \
		--log-level info --scan-interval 0 --music-dirs "$1" >"$d.log" 2>&1 &
	spid=$!
	started+=("$spid")
	surl=http://127.0.0.1:$2
	wait_up "$surl/healthz" "$spid"
	token=$(curl -sf --max-time 30 -XPOST "$surl/setup" -H 'Content-Type: application/json' \
		-d '{"username":"bench","password":"bench-password-1"}' | sed -nE 's/.*"token":"([^"]+)".*/\1/p')
	[ -n "$token" ] || die "segue /setup failed"
	pw=$(curl -sf --max-time 10 -H "Authorization: Bearer $token" "$surl/users/me/subsonic-password" |
		sed -nE 's/.*"password":"([^"]+)".*/\1/p')
	[ -n "$pw" ] || die "no Subsonic app-password from segue"
	sauth=$(token_auth bench "$pw")
	http_get "$surl/rest/ping.view?$sauth" | grep -q '"status":"ok"' || die "segue ping with token auth failed"
}
