#!/usr/bin/env bash
# Builds and runs the whole test suite (C++ GoogleTest + Python checks through CTest).
# With `--sanitize`, also builds the Debug+ASan+UBSan configuration and runs the C++ tests there,
# and runs the fuzz targets of fuzz/ for 20 s each (tools/fuzz.sh; skipped without clang).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/build.sh release
ctest --preset release -j "$(nproc)"
if [ "${1:-}" = "--sanitize" ]; then
  # Only the C++ test binary runs under the sanitizers: the icsim command is not built there.
  cmake --preset asan >/dev/null
  cmake --build --preset asan -j "$(nproc)" --target icsim_tests
  ctest --preset asan -j "$(nproc)" -L cpp
  status=0
  tools/fuzz.sh 20 || status=$?
  [ "$status" -eq 0 ] || [ "$status" -eq 77 ] || exit "$status"
fi
