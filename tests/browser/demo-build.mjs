// Builds the demo page (build/demo/) once for all browser test files. `node --test` runs test
// files in parallel processes, and a second `vite build` empties build/demo/ while another file's
// server is serving it, so every file calls ensureDemoBuilt() instead of building:
// - a lock directory (mkdir is atomic) lets one process build at a time; a lock whose owner
//   process is gone is taken over;
// - a stamp beside the output records a fingerprint of the inputs (every file under web/demo/ and
//   dist/: path, size, mtime); a process that gets the lock after another has built the same
//   inputs finds a matching stamp and reuses the build. (If dist/ is rebuilt while a test run is
//   serving the demo, the next file to start rebuilds build/demo/ under the running one.)
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDemo, demoOutDir } from '../../scripts/serve.mjs';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const lockDir = join(repo, 'build/.demo-build.lock');
const stampFile = join(repo, 'build/.demo-build.stamp');
const INPUTS = ['web/demo', 'dist', 'examples/model'];
const WAIT_MS = 180_000;

/** Resolves once build/demo/ holds a build of the current web/demo/ and dist/. */
export async function ensureDemoBuilt() {
  await acquire();
  try {
    const fingerprint = inputsFingerprint();
    const stamp = existsSync(stampFile) ? readFileSync(stampFile, 'utf8') : '';
    if (stamp === fingerprint && existsSync(join(demoOutDir, 'index.html'))) return demoOutDir;
    rmSync(stampFile, { force: true });
    await buildDemo();
    writeFileSync(stampFile, fingerprint);
    return demoOutDir;
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

async function acquire() {
  mkdirSync(join(repo, 'build'), { recursive: true });
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      return;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    if (ownerGone()) rmSync(lockDir, { recursive: true, force: true });
    else if (Date.now() > deadline)
      throw new Error(
        `ensureDemoBuilt: ${lockDir} has been held for ${WAIT_MS / 1000} s; remove it if no test run is building the demo`,
      );
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

/** The lock's owner has exited (a crashed run); a lock without a pid yet is still being taken. */
function ownerGone() {
  let pid;
  try {
    pid = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
  } catch {
    return false;
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return error.code === 'ESRCH';
  }
}

function inputsFingerprint() {
  const hash = createHash('sha256');
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) {
        const info = statSync(path);
        hash.update(`${path.slice(repo.length)}\0${info.size}\0${info.mtimeMs}\n`);
      }
    }
  };
  for (const input of INPUTS) walk(join(repo, input));
  return hash.digest('hex');
}
