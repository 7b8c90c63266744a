#!/usr/bin/env bash
# Builds the real Music Assistant web frontend for the local browser tests
# (internal/music TestRealFrontendDirect / TestRealFrontendRemote /
# TestRealFrontendPlayers). CI cannot fetch its source, so there those tests skip
# and TestReplayFrontendWalk / TestReplayFrontendPlayers replay the recorded walks
# instead.
#
#   git clone https://github.com/music-assistant/frontend mafe-src   # tested at e18f7ab
#   scripts/build-ma-frontend.sh mafe-src /tmp/mafe
#   cd src && SEGUE_MA_FRONTEND=/tmp/mafe go test -tags sqlite_fts5 -run TestRealFrontend -v ./internal/music
#
# The source is edited in place, only as the registry we reach requires:
#  - @sendspin/sendspin-js 5.0.0 is not on it; 3.2.1 is, without the export
#    loadSendspinClientIdentity, which gets a local stand-in (a random id kept in
#    localStorage, as the web player only needs a stable id);
#  - pnpm 10 instead of the pinned pnpm 11 (its workspace file's keys differ);
#  - no husky hook, and `vite build` without the vue-tsc type check.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 <frontend checkout> <output dir>" >&2; exit 2; }
src=$(cd "$1" && pwd)
out=$(mkdir -p "$2" && cd "$2" && pwd)
tools=${SEGUE_PNPM_PREFIX:-$HOME/.cache/segue-pnpm}

npm install --silent --prefix "$tools" pnpm@10 >/dev/null
pnpm="$tools/node_modules/.bin/pnpm"

cd "$src"
node -e '
const fs = require("fs");
const p = JSON.parse(fs.readFileSync("package.json", "utf8"));
p.dependencies["@sendspin/sendspin-js"] = "3.2.1";
delete p.packageManager;
p.scripts.prepare = "true";
fs.writeFileSync("package.json", JSON.stringify(p, null, 4) + "\n");
'
cat > pnpm-workspace.yaml <<'EOF'
onlyBuiltDependencies:
  - "@parcel/watcher"
  - esbuild
  - vue-demi
overrides:
  "minimatch@9": "9.0.9"
EOF
player=src/plugins/web_player.ts
if grep -q '^import { loadSendspinClientIdentity } from "@sendspin/sendspin-js";' "$player"; then
	stub='// Segue test build: sendspin-js 3.2.1 lacks loadSendspinClientIdentity; stand-in.\nfunction loadSendspinClientIdentity(): { clientId: string } {\n  let id = window.localStorage.getItem("segue_stub_sendspin_id");\n  if (!id) {\n    id = crypto.randomUUID();\n    window.localStorage.setItem("segue_stub_sendspin_id", id);\n  }\n  return { clientId: id };\n}'
	sed -i "s|^import { loadSendspinClientIdentity } from \"@sendspin/sendspin-js\";\$|$stub|" "$player"
fi

"$pnpm" install --no-frozen-lockfile
"$pnpm" exec vite build --outDir "$out" --emptyOutDir
echo "built the MA frontend into $out; run the tests with SEGUE_MA_FRONTEND=$out"
