#!/usr/bin/env bash
# Installs what a bare Debian 12 machine lacks for one command, then the npm dev dependencies.
# Safe to run again: each step is skipped when its result is already there.
#
#   bash scripts/setup.sh build   what `npm run build` and `npm start` need: the wasm toolchain
#                                 (emscripten, cmake, make, SIMDe). The demo is built from source
#                                 with these and served by Node; nothing else is installed.
#   bash scripts/setup.sh bench   build + g++ (the native roofline build) + chromium (bench:browser)
#   bash scripts/setup.sh test    everything `npm test` runs: bench + doctest, clang with libFuzzer,
#                                 clang-format (the default, and what `npm run setup` does)
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-test}"
case "$profile" in
  build | bench | test) ;;
  *)
    echo "setup: unknown profile '$profile' (build, bench or test)" >&2
    exit 2
    ;;
esac

need=()
# build: the kernels compiled to wasm. SIMDe maps the SIMD128 intrinsics for the baseline build.
command -v emcc >/dev/null 2>&1 || need+=(emscripten)
command -v cmake >/dev/null 2>&1 || need+=(cmake)
command -v make >/dev/null 2>&1 || need+=(make)
[ -f /usr/include/simde/wasm/simd128.h ] || need+=(libsimde-dev)
if [ "$profile" != build ]; then
  # bench: the same kernels built natively, and the browser for the Chromium runs.
  command -v g++ >/dev/null 2>&1 || need+=(g++)
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
fi
if [ "$profile" = test ]; then
  # test: doctest, the formatting check, and clang with libFuzzer, ASan and UBSan for tests/fuzz.
  [ -f /usr/include/doctest/doctest.h ] || need+=(doctest-dev)
  command -v clang-format >/dev/null 2>&1 || need+=(clang-format)
  command -v clang++ >/dev/null 2>&1 || need+=(clang)
  ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a >/dev/null 2>&1 || need+=(libclang-rt-14-dev)
fi
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup ($profile): installing Debian packages: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q "${need[@]}"
  else
    echo "setup ($profile): missing Debian packages. Run:  sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
fi

# npm dev dependencies (TypeScript, Vite, playwright-core, ...), exactly as locked.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
fi
