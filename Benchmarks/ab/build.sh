#!/usr/bin/env bash
# Builds a checkout's release products with the flags of Benchmarks/api/build-warden.sh and
# Benchmarks/run.sh, in a scratch path of its own, then copies them to a folder for compare.sh.
# Usage: Benchmarks/ab/build.sh TREE SCRATCH DEST   (e.g. a `git worktree` of the commit before)
set -euo pipefail
export PATH=/opt/swift/usr/bin:$PATH
[ $# -eq 3 ] || { sed -n 2,4p "$0" >&2; exit 64; }
tree=$1
scratch=$2
dest=$3
cd "$tree"
start=$(date +%s)
echo "build start $(date -u +%FT%TZ) tree=$tree ($(git rev-parse --short HEAD))"
for product in warden warden-daemon warden-bench; do
    nice -n 10 swift build -c release --static-swift-stdlib --scratch-path "$scratch" --product "$product"
done
for product in warden-backend-sqlite warden-backend-mysql; do
    nice -n 10 swift build -c release --scratch-path "$scratch" --product "$product"
done
bin=$(swift build -c release --scratch-path "$scratch" --show-bin-path)
mkdir -p "$dest"
cp -p "$bin/warden" "$bin/warden-daemon" "$bin/warden-bench" \
      "$bin/libwarden-backend-sqlite.so" "$bin/libwarden-backend-mysql.so" "$dest/"
end=$(date +%s)
echo "build done $(date -u +%FT%TZ): $((end - start)) s; products in $dest"
ls -l "$dest"
