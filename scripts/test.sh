#!/usr/bin/env bash
# Every test, in order from the kernels outwards. Expects scripts/setup.sh and scripts/build.sh first
# (`npm test` runs all three).
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH="${NODE_PATH:-/usr/share/nodejs}"
jobs="$(nproc 2>/dev/null || echo 2)"

echo "== formatting: clang-format and Prettier (scripts/format.sh to fix)"
bash scripts/format.sh --check

echo "== doctest, native, under AddressSanitizer and UBSan"
bash scripts/build-native.sh
ctest --test-dir build/native --output-on-failure

echo "== doctest, compiled to wasm (SIMD and baseline), run under Node"
cmake --build build/wasm -j "$jobs" --target logitkit_tests_wasm_simd logitkit_tests_wasm_baseline logitkit_model_tests_wasm \
  logitkit_grammar_tests_wasm
ctest --test-dir build/wasm --output-on-failure

echo "== libFuzzer harnesses under ASan/UBSan, ${FUZZ_SECONDS:-20}s each, from the committed corpus"
bash scripts/fuzz.sh

echo "== JS API tests (node:test)"
node --test tests/js/

echo "== grammar front ends and the reference GBNF recognizer (node:test)"
node --test tests/grammar/

echo "== consumer tests: the packed tarball in fresh Node, TypeScript and Vite projects"
node --test tests/consumer/

if [ -d tests/browser ] && ls tests/browser/*.test.mjs >/dev/null 2>&1; then
  echo "== browser tests (headless Chromium via playwright-core)"
  node --test tests/browser/
fi
