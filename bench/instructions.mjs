// Instructions per element of the native kernels, counted by callgrind: runs
// build/native/logitkit_native_count (bench/native_count.cpp, the kernels built for x86-64-v3) under
// valgrind once per configuration. Deterministic, unlike wall-clock times on a shared machine; the
// wasm kernels run the same source, so these counts track their work (V8's code differs in detail).
// Node only.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BINARY = fileURLToPath(new URL('../build/native/logitkit_native_count', import.meta.url));

/**
 * Instructions per element of each kernel on the benchmark's logits (bench/inputs.mjs):
 * { floor, softmax, logSoftmax, logSumExp, entropy, argmax, topK50, sample }. Throws with a short
 * reason when valgrind or the binary is missing.
 */
export function countInstructions(n, kind) {
  if (!existsSync(BINARY))
    throw new Error(
      'build/native/logitkit_native_count is missing (bash scripts/build-native.sh --bench)',
    );
  const dir = mkdtempSync(join(tmpdir(), 'logitkit-callgrind-'));
  try {
    execFileSync(
      'valgrind',
      [
        '--tool=callgrind',
        '--collect-atstart=no',
        `--callgrind-out-file=${join(dir, 'out')}`,
        BINARY,
        String(n),
        kind,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], timeout: 600_000 },
    );
    const counts = {};
    for (const file of readdirSync(dir)) {
      const text = readFileSync(join(dir, file), 'utf8');
      const name = /^desc: Trigger: Client Request: (\S+)$/m.exec(text)?.[1];
      const total = /^(?:totals|summary): (\d+)/m.exec(text)?.[1];
      if (name && total) counts[name] = Number(total) / n;
    }
    return counts;
  } catch (error) {
    if (error.code === 'ENOENT') throw new Error('valgrind is not installed (scripts/setup.sh)');
    throw error;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Adds the counts to a measured config (config.instructions), or the reason they are missing. */
export function addInstructionCounts(config, n, kind) {
  try {
    config.instructions = countInstructions(n, kind);
  } catch (error) {
    config.errors.instructions = String(error.message).split('\n')[0];
  }
  return config;
}
