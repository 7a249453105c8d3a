#!/usr/bin/env bash
# The native g++ builds: the doctest suite under ASan/UBSan and the -O3 -march=native benchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f build/native/CMakeCache.txt ]; then
  cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build build/native -j "$(nproc 2>/dev/null || echo 2)"
