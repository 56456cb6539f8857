#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ (table loader, TOML scenario loader, result reader) with clang in
# build/fuzz, instrumented with ASan and UBSan, and runs each for a bounded time on the seed
# corpus built from the bundled files (tools/fuzz_corpus.py) plus fuzz/regressions/.
#
#   tools/fuzz.sh            25 s per target
#   tools/fuzz.sh 20         what CI runs (tools/test.sh --sanitize), the targets in parallel
#   tools/fuzz.sh 3600       an hour per target, on demand
#
# A finding stops the run and leaves its input in build/fuzz/fuzz/artifacts/<target>/. Fix the
# cause, then copy the input to fuzz/regressions/<target>/: the ordinary test suite replays
# that folder (ctest -R fuzz.replay) on every build, with any compiler.
# Exit status: 0 = no finding, 77 = skipped (no clang), otherwise failed.
set -euo pipefail
seconds=${1:-25}
root=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v clang++ >/dev/null 2>&1; then
  echo "fuzz: clang++ not found (tools/install-deps.sh installs clang and libclang-rt-14-dev); skipped"
  exit 77
fi
build=${ICSIM_FUZZ_BUILD:-$root/build/fuzz}
launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DICSIM_FUZZ=ON -DICSIM_BUILD_TESTS=OFF -DICSIM_BUILD_BENCHMARKS=OFF \
  -DICSIM_FUZZ_SECONDS="$seconds" "${launcher[@]}" >/dev/null
cmake --build "$build" -j"${JOBS:-2}" --target icsim_fuzz_table icsim_fuzz_scenario icsim_fuzz_result
cd "$build"
OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 ctest -R '^fuzz\.' -j "$(nproc)" --output-on-failure
