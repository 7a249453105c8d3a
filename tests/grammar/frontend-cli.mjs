// Runs the native front ends (build/native/logitkit_grammar_frontend_cli, built under ASan/UBSan by
// scripts/build-native.sh) on a batch of requests: one JSON line each way (see frontend-cli.cpp).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(
  new URL('../../build/native/logitkit_grammar_frontend_cli', import.meta.url),
);

/**
 * @param {Array<{kind: 'schema'|'regex'|'builtin', input?: string, maxRun?: number, strict?: boolean}>} requests
 * @param {{ timeoutMs?: number }} [options]
 * @returns {{ results: object[] | null, status: number | null, signal: string | null, timedOut: boolean, stderr: string }}
 */
export function runFrontends(requests, { timeoutMs = 120000 } = {}) {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run bash scripts/build-native.sh`);
  const input = requests.map((r) => JSON.stringify(r)).join('\n') + '\n';
  const run = spawnSync(CLI, [], { input, timeout: timeoutMs, maxBuffer: 1 << 30 });
  const timedOut = run.error?.code === 'ETIMEDOUT';
  let results = null;
  if (run.status === 0) {
    results = run.stdout
      .toString()
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => JSON.parse(l));
    if (results.length !== requests.length) results = null;
  }
  return { results, status: run.status, signal: run.signal, timedOut, stderr: String(run.stderr) };
}

/** Converts each request, throwing if the front end process fails. */
export function convert(requests) {
  const run = runFrontends(requests);
  if (run.results === null) {
    throw new Error(`front end CLI failed (status ${run.status}, ${run.signal}): ${run.stderr}`);
  }
  return run.results;
}
