#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian machine with Go:
# Debian packages (only those missing) and the npm packages of every testdata/js folder.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
want() { # want <command> <debian package>
	command -v "$1" >/dev/null 2>&1 || need+=("$2")
}
want chromium chromium
want redis-server redis-server
want shellcheck shellcheck
want s6-svscan s6
want node nodejs
want npm npm
want ip iproute2
want wrk wrk
want ffmpeg ffmpeg

if [ ${#need[@]} -gt 0 ]; then
	echo "test-deps: installing ${need[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# actionlint checks the image workflow (.github/workflows/builder.yaml) in the add-on kit.
# A Go module: installed at a pinned version into GOPATH/bin (scripts/test.sh puts it on PATH).
actionlint_version=v1.7.12
gobin="$(go env GOPATH)/bin"
if ! "$gobin/actionlint" -version 2>/dev/null | head -1 | grep -qx "${actionlint_version}"; then
	echo "test-deps: go install actionlint@${actionlint_version}"
	GOFLAGS= go install "github.com/rhysd/actionlint/cmd/actionlint@${actionlint_version}"
fi

while IFS= read -r pkg; do
	dir=$(dirname "$pkg")
	if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules" ]; then
		echo "test-deps: npm ci in $dir"
		(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
	fi
done < <(find src addon -path '*/node_modules' -prune -o -path '*/testdata/js/package.json' -print 2>/dev/null)
