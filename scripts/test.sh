#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it: installs what the tests need,
# vets, runs every Go test with the race detector, gives each fuzz target a
# short run, and runs the add-on conformance kit.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/test-deps.sh
export PATH="$(go env GOPATH)/bin:$PATH" # tools test-deps.sh installed with go install

# Missing external tools fail tests instead of skipping them.
export SEGUE_REQUIRE_ALL=1
# The library's search uses SQLite FTS5, compiled in only with this tag (every build carries it).
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-tags=sqlite_fts5"
fuzztime=${SEGUE_FUZZTIME:-5s}

echo "== go vet"
(cd src && go vet ./...)

echo "== staticcheck"
(cd src && staticcheck ./...)

echo "== deadcode"
# Every function outside test files must be reachable from a command in cmd/. The only
# exceptions are listed by file and name in scripts/deadcode-pending.txt, for work under
# way; the list must match exactly, so it can only shrink as that work lands.
found=$(cd src && deadcode ./cmd/... | sed -E 's/:[0-9]+:[0-9]+: unreachable func: / /' | sort)
pending=$(sed -e '/^#/d' -e '/^$/d' scripts/deadcode-pending.txt | sort)
if [ "$found" != "$pending" ]; then
	echo "deadcode: unreachable functions differ from scripts/deadcode-pending.txt (< listed, > found):"
	diff <(echo "$pending") <(echo "$found") || true
	exit 1
fi

echo "== go test -race"
(cd src && go test -race -count=1 -timeout 40m ./...)

echo "== fuzz smoke ($fuzztime per target)"
while IFS=: read -r file name; do
	pkg=./$(dirname "${file#src/}")
	echo "-- $pkg $name"
	# A failing input is saved under testdata/fuzz and replayed first by the second run, so
	# a real finding fails twice; the retry only absorbs the fuzzing engine's own hiccups
	# (a worker reported "hung or terminated unexpectedly" on a loaded CI machine).
	log=$(mktemp)
	for try in 1 2; do
		if (cd src && go test -run='^$' -fuzz="^${name}\$" -fuzztime="$fuzztime" "$pkg") >"$log" 2>&1; then
			break
		fi
		echo "fuzz target $name in $pkg failed (try $try):"; tail -n 40 "$log"
		if [ "$try" = 2 ]; then rm -f "$log"; exit 1; fi
	done
	rm -f "$log"
done < <(grep -rlE --include='*_test.go' '^func Fuzz' src | sort | while read -r f; do
	grep -oE '^func Fuzz[A-Za-z0-9_]+' "$f" | sed "s|^func |$f:|"; done)

if [ -f addon/go.mod ]; then
	echo "== add-on conformance kit"
	(cd addon && go vet ./... && go test -count=1 ./...)
fi
echo "== all checks passed"
