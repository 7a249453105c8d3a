#!/usr/bin/env bash
# Builds the package in place: both wasm modules (SIMD and baseline) into dist/wasm/, then the
# TypeScript wrapper and its .d.ts types into dist/. After this, the checkout works as the package.
set -euo pipefail
cd "$(dirname "$0")/.."
# Emscripten 3.1.6 runs its JS optimiser with the system node, which finds Debian's acorn only here.
export NODE_PATH="${NODE_PATH:-/usr/share/nodejs}"
jobs="$(nproc 2>/dev/null || echo 2)"

if [ ! -f build/wasm/CMakeCache.txt ]; then
  emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build build/wasm -j "$jobs" --target logitkit-simd logitkit-baseline \
  logitkit-grammar-simd logitkit-grammar-baseline

# A clean dist/: files of removed modules must not linger and ship.
rm -rf dist
mkdir -p dist/wasm
for flavor in simd baseline; do
  cp build/wasm/logitkit-$flavor.mjs build/wasm/logitkit-$flavor.wasm dist/wasm/
  # The grammar engine: a second module, loaded on first use (web/src/grammar/).
  cp build/wasm/logitkit-grammar-$flavor.mjs build/wasm/logitkit-grammar-$flavor.wasm dist/wasm/
done

# The in-browser model (examples/model/, not part of the package): its wasm module (kernels +
# llama2.c engine) beside its JS entry.
cmake --build build/wasm -j "$jobs" --target logitkit-model-simd logitkit-model-baseline
mkdir -p examples/model/wasm
for flavor in simd baseline; do
  cp build/wasm/logitkit-model-$flavor.mjs build/wasm/logitkit-model-$flavor.wasm examples/model/wasm/
done
npx tsc -p tsconfig.json
echo "build: dist/ ready ($(du -k dist/wasm/logitkit-simd.wasm | cut -f1) KiB simd, $(du -k dist/wasm/logitkit-baseline.wasm | cut -f1) KiB baseline; grammar $(du -k dist/wasm/logitkit-grammar-simd.wasm | cut -f1) / $(du -k dist/wasm/logitkit-grammar-baseline.wasm | cut -f1) KiB)"
