#!/usr/bin/env bash
# Builds and runs the whole test suite (C++ GoogleTest + Python checks through CTest).
# With `--sanitize`, also builds the Debug+ASan+UBSan configuration and runs the C++ tests there.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/build.sh release
ctest --preset release -j "$(nproc)"
if [ "${1:-}" = "--sanitize" ]; then
  tools/build.sh asan
  ctest --preset asan -j "$(nproc)" -L cpp
fi
