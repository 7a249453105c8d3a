// Scratch consumer projects: fresh directories under os.tmpdir(), outside the repository, so
// nothing resolves through the checkout's own node_modules or package.json.
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pack, ROOT } from './pack.mjs';
import { npm } from './run.mjs';

/** Creates an empty scratch directory named after `label`. Remove it with removeScratch(). */
export function makeScratch(label) {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), `logitkit-consumer-${label}-`)));
  if (!relative(ROOT, dir).startsWith('..'))
    throw new Error(`scratch directory ${dir} is inside the repository`);
  return dir;
}

/** Deletes a scratch directory; LOGITKIT_KEEP_SCRATCH=1 keeps it (and prints where) for debugging. */
export function removeScratch(dir) {
  if (dir === undefined) return;
  if (process.env.LOGITKIT_KEEP_SCRATCH) {
    console.log(`kept scratch project ${dir}`);
    return;
  }
  rmSync(dir, { recursive: true, force: true });
}

/** Copies examples/<name> into `parent`, leaving out anything installed or built. Returns the copy. */
export function copyExample(name, parent) {
  const source = join(ROOT, 'examples', name);
  const target = join(parent, name);
  const skip = new Set(['node_modules', 'dist', 'package-lock.json']);
  cpSync(source, target, {
    recursive: true,
    filter: (path) => !skip.has(relative(source, path).split(/[\\/]/)[0]),
  });
  return target;
}

/** Reads a project's package.json. */
export function readManifest(dir) {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
}

/**
 * Points the project's `logitkit` dependency at the packed tarball (whatever the checkout's copy
 * says, e.g. `file:../..`), adds `devDependencies`, and runs `npm install` against the registry.
 * Install scripts are off: neither logitkit nor the tools it is tested with need any.
 */
export async function installWithTarball(dir, tarball, devDependencies = {}) {
  const manifest = {
    name: 'logitkit-consumer',
    private: true,
    type: 'module',
    ...tryReadManifest(dir),
  };
  manifest.dependencies = { ...manifest.dependencies, logitkit: `file:${tarball}` };
  manifest.devDependencies = { ...manifest.devDependencies, ...devDependencies };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await npm(['install', '--ignore-scripts', '--no-package-lock'], { cwd: dir, timeoutMs: 180_000 });
}

function tryReadManifest(dir) {
  try {
    return readManifest(dir);
  } catch {
    return {};
  }
}

/**
 * A scratch project with the packed package: packs the checkout into a new scratch directory
 * labelled `label`, copies `fixture` to its app/ folder (null: app/ starts empty), lets
 * `prepare(app)` add files, and installs the tarball with `devDependencies`. Returns
 * { scratch, app } (removeScratch(scratch)).
 */
export async function scratchApp(label, fixture, devDependencies, prepare = () => {}) {
  const scratch = makeScratch(label);
  const { tarball } = await pack(scratch);
  const app = join(scratch, 'app');
  if (fixture === null) mkdirSync(app);
  else cpSync(fixture, app, { recursive: true });
  await prepare(app);
  await installWithTarball(app, tarball, devDependencies);
  return { scratch, app };
}
