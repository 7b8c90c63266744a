#!/usr/bin/env bash
# Measures the server against baselines in the same run (issue 2 acceptance 9):
#  - POST /api `info` with a bearer token under wrk (c=50) vs a plain net/http handler
#  - WebSocket command round trips vs a raw gorilla echo server
#  - idle RSS of the server
# Needs wrk (scripts/test-deps.sh installs it). Prints ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
dur=${DURATION:-10s}
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT
(cd src && go build -tags sqlite_fts5 -o "$tmp/segue" ./cmd/segue && go build -o "$tmp/bench" ./cmd/segue-bench)

"$tmp/segue" serve --data-dir "$tmp/data" --public-addr 127.0.0.1:18095 --remote-access off --log-level warning &
seg=$!
"$tmp/bench" plain-http --addr 127.0.0.1:18101 &
"$tmp/bench" gorilla-echo --addr 127.0.0.1:18102 &
for _ in $(seq 50); do curl -sf localhost:18095/healthz >/dev/null && break; sleep 0.2; done
token=$(curl -sf -XPOST localhost:18095/setup -H 'Content-Type: application/json' \
	-d '{"username":"bench","password":"bench-password"}' | sed -E 's/.*"token":"([^"]+)".*/\1/')
sleep 4 # let the argon2 buffers of the setup login be trimmed
echo "idle RSS of segue: $(awk '/VmRSS/{print $2, $3}' /proc/$seg/status)"

cat > "$tmp/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"command":"info"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
LUA
rps() { wrk -t2 -c50 -d"$dur" -s "$tmp/post.lua" "$1" | awk '/Requests\/sec/{print $2}'; }
base=$(rps http://127.0.0.1:18101/api)
ours=$(rps http://127.0.0.1:18095/api)
echo "POST /api info (wrk -t2 -c50 -d$dur): plain net/http $base req/s, segue $ours req/s, ratio $(awk "BEGIN{printf \"%.2f\", $ours/$base}")"

wsbase=$("$tmp/bench" ws-load --url ws://127.0.0.1:18102/ws --conns 50 --duration "$dur")
wsours=$("$tmp/bench" ws-load --url ws://127.0.0.1:18095/ws --token "$token" --conns 50 --duration "$dur")
b=$(echo "$wsbase" | sed -E 's/round_trips_per_sec=([0-9]+).*/\1/')
o=$(echo "$wsours" | sed -E 's/round_trips_per_sec=([0-9]+).*/\1/')
echo "WebSocket round trips (50 conns): gorilla echo [$wsbase], segue [$wsours], ratio $(awk "BEGIN{printf \"%.2f\", $o/$b}")"
echo "RSS of segue after load: $(awk '/VmRSS/{print $2, $3}' /proc/$seg/status)"
