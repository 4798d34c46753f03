#!/usr/bin/env bash
# Builds what run.sh --warden runs, as a release build with the Swift runtime linked
# statically into the executables (as test_env.sh ships them): warden (to register the
# bouncer key), warden-daemon, warden-bench (the loader) and the SQLite backend.
# Prints the folder holding them; the compiler's output goes to standard error.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/opt/swift/usr/bin:$PATH"
for product in warden warden-daemon warden-bench; do
    swift build -c release --static-swift-stdlib --product "$product" >&2
done
# A backend is a plugin loaded with dlopen: built as test_env.sh builds it.
swift build -c release --product warden-backend-sqlite >&2
swift build -c release --show-bin-path
