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
# musl-gcc builds the binary as the Dockerfile does (static, musl) for scripts/bench-idle.sh FLAVOR=addon.
want musl-gcc musl-tools

if [ ${#need[@]} -gt 0 ]; then
	echo "test-deps: installing ${need[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# Go tools, each installed at a pinned version into GOPATH/bin (scripts/test.sh puts it on
# PATH) unless that binary was already built from exactly that module version.
gobin="$(go env GOPATH)/bin"
gotool() { # gotool <binary> <module> <version> <package path>
	if ! go version -m "$gobin/$1" 2>/dev/null | grep -qE "^[[:space:]]+mod[[:space:]]+$2[[:space:]]+$3[[:space:]]"; then
		echo "test-deps: go install $4@$3"
		GOFLAGS='' go install "$4@$3"
	fi
}
# actionlint checks the image workflow (.github/workflows/builder.yaml) in the add-on kit.
gotool actionlint github.com/rhysd/actionlint v1.7.12 github.com/rhysd/actionlint/cmd/actionlint
# staticcheck and deadcode keep the tree free of rot (bugs vet misses, unused and unreachable code).
# staticcheck 0.8.x is the release line that supports this Go (1.26).
gotool staticcheck honnef.co/go/tools v0.8.2 honnef.co/go/tools/cmd/staticcheck
gotool deadcode golang.org/x/tools v0.52.0 golang.org/x/tools/cmd/deadcode

while IFS= read -r pkg; do
	dir=$(dirname "$pkg")
	if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules" ]; then
		echo "test-deps: npm ci in $dir"
		(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
	fi
done < <(find src addon -path '*/node_modules' -prune -o -path '*/testdata/js/package.json' -print 2>/dev/null)
