#!/usr/bin/env bash
# Runs every libFuzzer harness for FUZZ_SECONDS each (default 20) from the committed corpus in
# tests/fuzz/corpus/<harness>/. New inputs go to build/fuzz/corpus/, not into the repo; a crash
# or invariant violation leaves its input in build/fuzz/ and fails the run.
# The seed is fixed (FUZZ_SEED, default 1), so `npm test` tries the same input sequence on every
# run: a slower machine tries a prefix of it, and a failure replays. Hunts use other seeds.
#   bash scripts/fuzz.sh                                   # what `npm test` runs
#   FUZZ_SECONDS=600 FUZZ_SEED=0 bash scripts/fuzz.sh      # a longer hunt (0: a random seed)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-20}"
seed="${FUZZ_SEED:-1}"
if [ ! -f build/fuzz/CMakeCache.txt ]; then
  cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++ -DLOGITKIT_FUZZ=ON >/dev/null
fi
harnesses=(fuzz_kernels fuzz_sampler fuzz_grammar fuzz_grammar_frontend)
cmake --build build/fuzz -j "$(nproc 2>/dev/null || echo 2)" --target "${harnesses[@]}"
for harness in "${harnesses[@]}"; do
  mkdir -p "build/fuzz/corpus/$harness" "tests/fuzz/corpus/$harness"
  echo "fuzz: $harness for ${seconds}s, seed $seed"
  status=0
  (cd build/fuzz && "./$harness" -max_total_time="$seconds" -seed="$seed" -print_final_stats=1 -timeout=10 \
     -artifact_prefix="./$harness-" "corpus/$harness" "../../tests/fuzz/corpus/$harness") \
     > "build/fuzz/$harness.log" 2>&1 || status=$?
  grep -E "^stat::number_of_executed_units|^stat::peak_rss|invariant violated|ERROR|SUMMARY|^artifact_prefix|Test unit written" \
    "build/fuzz/$harness.log" || true
  if [ "$status" != 0 ]; then
    echo "fuzz: $harness FAILED (log: build/fuzz/$harness.log)" >&2
    exit 1
  fi
done
