// The native roofline: build/native/logitkit_native_bench (bench/native_bench.cpp, built by
// scripts/build-native.sh with -O3 -march=native) in a subprocess. Node only.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BINARY = fileURLToPath(new URL('../build/native/logitkit_native_bench', import.meta.url));

/**
 * Microseconds per call of the native kernels on the benchmark's logits (bench/inputs.mjs makes
 * the same values): { softmax, logSoftmax, topK50, sample }. Throws with a short reason if the
 * binary is missing or fails.
 */
export function nativeTimes(n, kind) {
  if (!existsSync(BINARY))
    throw new Error('build/native/logitkit_native_bench is missing (bash scripts/build-native.sh)');
  const out = execFileSync(BINARY, [String(n), kind], { encoding: 'utf8', timeout: 120_000 });
  return JSON.parse(out);
}

/** Adds the native build's times to a measured config, or the reason they are missing. */
export function addNativeTimes(config, n, kind) {
  try {
    config.times.native = nativeTimes(n, kind);
  } catch (error) {
    config.errors.native = String(error.message).split('\n')[0];
  }
  return config;
}
