// The package as users get it: `npm pack` of the built checkout.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { npm } from './run.mjs';

/** The repository root (the package directory). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const BUILT = [
  'dist/index.js',
  'dist/logprobs/index.js',
  'dist/wasm/logitkit-simd.wasm',
  'dist/wasm/logitkit-baseline.wasm',
];

/** Throws a clear error when dist/ has not been built (npm pack would silently leave it out). */
export function assertBuilt() {
  const missing = BUILT.filter((file) => !existsSync(join(ROOT, file)));
  if (missing.length > 0) {
    throw new Error(
      `the package is not built (missing ${missing.join(', ')}): run \`bash scripts/build.sh\` first`,
    );
  }
}

/**
 * Packs the checkout. With `destination`, writes the tarball there and returns its path as
 * `tarball`; without, does a dry run. Returns npm's report: { files: [{ path, size }], size
 * (compressed bytes), unpackedSize, entryCount, tarball? }.
 */
export async function pack(destination) {
  assertBuilt();
  const args =
    destination === undefined
      ? ['pack', '--dry-run', '--json']
      : ['pack', '--json', '--pack-destination', destination];
  const { stdout } = await npm(args, { cwd: ROOT });
  const [report] = JSON.parse(stdout);
  const files = report.files
    .map(({ path, size }) => ({ path, size }))
    .sort((a, b) => a.path.localeCompare(b.path));
  const tarball = destination === undefined ? undefined : join(destination, report.filename);
  return {
    files,
    size: report.size,
    unpackedSize: report.unpackedSize,
    entryCount: report.entryCount,
    tarball,
  };
}
