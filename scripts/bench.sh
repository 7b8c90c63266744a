#!/usr/bin/env bash
# Measures the server against baselines in the same run (issue 2 acceptance 9):
#  - POST /api `info` with a bearer token under wrk (c=50) vs a plain net/http handler
#  - WebSocket command round trips vs a raw gorilla echo server
#  - idle RSS of the server
#  - peak RSS (VmHWM) of the fresh server through 8 parallel logins (issue 10: <= 64 MiB)
#  - RSS per idle signed-in WebSocket, 1000 sockets, vs a raw gorilla echo server (issue 10: <= 24 KiB)
# SECTIONS picks some of: login, idle, http, ws (default all). Needs wrk (scripts/test-deps.sh installs it). Prints ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
dur=${DURATION:-10s}
sections=${SECTIONS:-login idle http ws}
want() { [[ " $sections " == *" $1 "* ]]; }
rss() { awk '/VmRSS/{print $2}' "/proc/$1/status"; }
hwm() { awk '/VmHWM/{print $2}' "/proc/$1/status"; }
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT
(cd src && go build -tags sqlite_fts5 -o "$tmp/segue" ./cmd/segue && go build -o "$tmp/bench" ./cmd/segue-bench)

"$tmp/segue" serve --data-dir "$tmp/data" --public-addr 127.0.0.1:18095 --remote-access off --log-level warning &
seg=$!
"$tmp/bench" plain-http --addr 127.0.0.1:18101 &
"$tmp/bench" gorilla-echo --addr 127.0.0.1:18102 &
echo_pid=$!
for _ in $(seq 50); do curl -sf localhost:18095/healthz >/dev/null && break; sleep 0.2; done
token=$(curl -sf -XPOST localhost:18095/setup -H 'Content-Type: application/json' \
	-d '{"username":"bench","password":"bench-password"}' | sed -E 's/.*"token":"([^"]+)".*/\1/')
sleep 4 # let the argon2 buffers of the setup login be trimmed
echo "idle RSS of segue: $(rss $seg) kB"

if want login; then
	before=$(hwm $seg)
	burst=$("$tmp/bench" login-burst --url http://127.0.0.1:18095/auth/login --user bench --password bench-password --n 8)
	echo "8 parallel logins [$burst]: peak RSS (VmHWM) $(awk "BEGIN{printf \"%.1f\", $(hwm $seg)/1024}") MiB (after setup: $(awk "BEGIN{printf \"%.1f\", $before/1024}") MiB)"
fi

# idle_kib PID URL [TOKEN]: RSS growth of PID per socket while 1000 idle sockets are open.
idle_kib() {
	local before out driver
	before=$(rss "$1")
	out="$tmp/idle.$1"
	"$tmp/bench" ws-idle --url "$2" --token "${3:-}" --conns 1000 >"$out" &
	driver=$!
	for _ in $(seq 600); do grep -q ready "$out" && break; kill -0 $driver 2>/dev/null || break; sleep 0.1; done
	sleep 3 # let the server settle (GC, stack shrink)
	awk "BEGIN{printf \"%.1f\", ($(rss "$1")-$before)/1000}"
	kill $driver; wait $driver 2>/dev/null || true
}
if want idle; then
	eb=$(idle_kib $echo_pid ws://127.0.0.1:18102/ws)
	eo=$(idle_kib $seg ws://127.0.0.1:18095/ws "$token")
	echo "idle WebSocket, 1000 sockets, RSS growth per socket: gorilla echo $eb KiB, segue (signed in) $eo KiB, ratio $(awk "BEGIN{printf \"%.2f\", $eo/$eb}")"
fi
want http || want ws || exit 0

cat > "$tmp/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"command":"info"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
LUA
if want http; then
rps() { wrk -t2 -c50 -d"$dur" -s "$tmp/post.lua" "$1" | awk '/Requests\/sec/{print $2}'; }
base=$(rps http://127.0.0.1:18101/api)
ours=$(rps http://127.0.0.1:18095/api)
echo "POST /api info (wrk -t2 -c50 -d$dur): plain net/http $base req/s, segue $ours req/s, ratio $(awk "BEGIN{printf \"%.2f\", $ours/$base}")"
fi

if want ws; then
wsbase=$("$tmp/bench" ws-load --url ws://127.0.0.1:18102/ws --conns 50 --duration "$dur")
wsours=$("$tmp/bench" ws-load --url ws://127.0.0.1:18095/ws --token "$token" --conns 50 --duration "$dur")
b=$(echo "$wsbase" | sed -E 's/round_trips_per_sec=([0-9]+).*/\1/')
o=$(echo "$wsours" | sed -E 's/round_trips_per_sec=([0-9]+).*/\1/')
echo "WebSocket round trips (50 conns): gorilla echo [$wsbase], segue [$wsours], ratio $(awk "BEGIN{printf \"%.2f\", $o/$b}")"
fi
echo "RSS of segue after load: $(rss $seg) kB"
