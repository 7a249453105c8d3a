#!/usr/bin/env bash
# The native g++ builds: the doctest suite under ASan/UBSan and the -O3 -march=native benchmark.
# With --bench, also the x86-64-v3 build that valgrind counts instructions on (bench/instructions.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f build/native/CMakeCache.txt ]; then
  cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
jobs="$(nproc 2>/dev/null || echo 2)"
cmake --build build/native -j "$jobs"
if [ "${1:-}" = "--bench" ]; then
  cmake --build build/native -j "$jobs" --target logitkit_native_count
fi
