#!/usr/bin/env bash
# Installs what a bare Debian 12 machine lacks to build and test logitkit, then the npm dev
# dependencies. Safe to run again: each step is skipped when its result is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: the compilers, the C++ test and SIMD libraries, and the browser for e2e tests.
need=()
command -v emcc     >/dev/null 2>&1 || need+=(emscripten)
command -v cmake    >/dev/null 2>&1 || need+=(cmake)
command -v g++      >/dev/null 2>&1 || need+=(g++)
[ -f /usr/include/doctest/doctest.h ]      || need+=(doctest-dev)
[ -f /usr/include/simde/wasm/simd128.h ]   || need+=(libsimde-dev)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v clang-format >/dev/null 2>&1 || need+=(clang-format)
# valgrind (callgrind) counts the kernels' instructions per element for the benchmarks.
[ -f /usr/include/valgrind/callgrind.h ]   || need+=(valgrind)
# clang with libFuzzer, ASan and UBSan runtimes, for the fuzz harnesses (tests/fuzz).
command -v clang++  >/dev/null 2>&1 || need+=(clang)
ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a >/dev/null 2>&1 || need+=(libclang-rt-14-dev)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing Debian packages: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q "${need[@]}"
  else
    echo "setup: missing Debian packages. Run:  sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
fi

# npm dev dependencies (TypeScript, playwright-core, Vite, ...), exactly as locked.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
fi
