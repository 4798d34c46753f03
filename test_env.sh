#!/usr/bin/env bash
# Builds Warden (release) and lays out a self-contained environment to try it:
#   DIR/warden, DIR/dev.yaml, DIR/config/plugins/backend/*.yaml, DIR/plugins/backend/*.so,
#   DIR/data/, DIR/logs/. SQLite is the default backend.
# Usage: ./test_env.sh [-d DIR]   (default: ./warden-env)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="$here/warden-env"
while [ $# -gt 0 ]; do
    case "$1" in
        -d|--directory) dir="$2"; shift 2 ;;
        -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
        *) echo "unknown option: $1 (see --help)" >&2; exit 64 ;;
    esac
done
export PATH="/opt/swift/usr/bin:$PATH"
bash "$here/Tests/support/install-deps.sh"

echo "building warden (release)..." >&2
(cd "$here" && swift build -c release --static-swift-stdlib --product warden >&2 \
    && swift build -c release --product warden-backend-sqlite >&2 \
    && swift build -c release --product warden-backend-dummy >&2)
bin="$(cd "$here" && swift build -c release --show-bin-path)"

mkdir -p "$dir"/{data,logs,plugins/backend,config/plugins/backend}
dir="$(cd "$dir" && pwd)"
install -m 0755 "$bin/warden" "$dir/warden"
install -m 0755 "$bin/libwarden-backend-sqlite.so" "$bin/libwarden-backend-dummy.so" "$dir/plugins/backend/"
cat > "$dir/dev.yaml" <<YAML
# Main config of this test environment (see README, "Configuration").
plugin:
  backend: ./config/plugins/backend   # backend YAML files, relative to this file
  max_records: 10000                  # retention, injected into each backend's config
  max_records_age: 720h
YAML
cat > "$dir/config/plugins/backend/sqlite.yaml" <<YAML
name: sqlite
path: ../../../plugins/backend/libwarden-backend-sqlite.so   # relative to this file
config:
  db_path: $dir/data/warden.db
  # synchronous: full   # survive power loss too, at one fsync per commit
YAML
cat > "$dir/config/plugins/backend/dummy.yaml.disabled" <<YAML
# Rename to dummy.yaml to also store bans in memory (logs every call with --debug).
name: dummy
path: ../../../plugins/backend/libwarden-backend-dummy.so
YAML
echo "Warden test environment ready in $dir (backend: sqlite, $dir/data/warden.db)" >&2
echo "next: cd $dir && ./warden -c dev.yaml ban add ip 192.0.2.7 4h ssh bruteforce && ./warden -c dev.yaml ban list"
