// What `npm pack` ships: only the built package (no sources, tests, build folders or examples),
// every file the shipped code refers to, and metadata that resolves to shipped files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pack, ROOT } from './support/pack.mjs';

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const report = await pack();
const shipped = new Set(report.files.map((file) => file.path));

// Anything else in the tarball is a leak (sources, tests, build trees, maps, configs).
const ALLOWED =
  /^(package\.json|README\.md|LICENSE|CHANGELOG\.md|dist\/([\w-]+\/)*[\w-]+\.(js|d\.ts)|dist\/wasm\/logitkit-(grammar-)?(simd|baseline)\.(mjs|wasm))$/;
const REQUIRED = [
  'package.json',
  'README.md',
  'LICENSE',
  'CHANGELOG.md',
  'dist/index.js',
  'dist/index.d.ts',
  'dist/logprobs/index.js',
  'dist/logprobs/index.d.ts',
  ...['transformers', 'webllm', 'onnxruntime'].flatMap((sub) => [
    `dist/${sub}/index.js`,
    `dist/${sub}/index.d.ts`,
  ]),
  'dist/wasm/logitkit-simd.mjs',
  'dist/wasm/logitkit-simd.wasm',
  'dist/wasm/logitkit-baseline.mjs',
  'dist/wasm/logitkit-baseline.wasm',
  'dist/wasm/logitkit-grammar-simd.mjs',
  'dist/wasm/logitkit-grammar-simd.wasm',
  'dist/wasm/logitkit-grammar-baseline.mjs',
  'dist/wasm/logitkit-grammar-baseline.wasm',
];

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

test('the tarball holds only the built package, and prints its sizes', (t) => {
  const leaked = [...shipped].filter((path) => !ALLOWED.test(path));
  assert.deepEqual(leaked, [], 'files that users do not need');
  assert.deepEqual(
    REQUIRED.filter((path) => !shipped.has(path)),
    [],
    'files that users need',
  );

  const group = (path) =>
    path.startsWith('dist/wasm/')
      ? path
      : path.startsWith('dist/')
        ? `dist/**/*${path.endsWith('.d.ts') ? '.d.ts' : '.js'}`
        : path;
  const sizes = new Map();
  for (const { path, size } of report.files) {
    const entry = sizes.get(group(path)) ?? { files: 0, bytes: 0 };
    sizes.set(group(path), { files: entry.files + 1, bytes: entry.bytes + size });
  }
  t.diagnostic(
    `${manifest.name}@${manifest.version}: ${report.entryCount} files, ${kib(report.size)} packed, ${kib(report.unpackedSize)} unpacked`,
  );
  for (const [name, { files, bytes }] of sizes)
    t.diagnostic(`  ${kib(bytes).padStart(10)}  ${name}${files > 1 ? ` (${files} files)` : ''}`);
});

// The grammar engine is a second module, loaded on first grammar use: the budget is the kernels'.
test('each kernel .wasm is at most 120 KiB (the size budget)', () => {
  const kernels = report.files.filter(
    (file) => file.path.endsWith('.wasm') && !file.path.includes('logitkit-grammar-'),
  );
  assert.equal(kernels.length, 2);
  for (const { path, size } of kernels) {
    assert.ok(size <= 120 * 1024, `${path} is ${kib(size)}`);
  }
});

test('every relative import, import() and new URL(…, import.meta.url) in shipped code points to a shipped file', () => {
  const problems = [];
  for (const path of shipped) {
    if (!/\.(m?js|d\.ts)$/.test(path)) continue;
    const text = readFileSync(join(ROOT, path), 'utf8');
    const dir = path.slice(0, path.lastIndexOf('/') + 1);
    const references = [
      ...[...text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map(
        (m) => m[1],
      ),
      ...[...text.matchAll(/new URL\(\s*['"]([^'":]+)['"]\s*,\s*import\.meta\.url\s*\)/g)].map(
        (m) => m[1],
      ),
    ];
    for (const reference of references) {
      let target = new URL(reference, `file:///${dir}`).pathname.slice(1);
      if (path.endsWith('.d.ts')) target = target.replace(/\.(m?)js$/, '.d.$1ts');
      if (!shipped.has(target))
        problems.push(`${path} refers to ${reference}, which is not in the tarball`);
    }
  }
  assert.deepEqual(problems, []);
});

test('package.json: ESM entry points and types for every subpath, the .wasm files, and no stray conditions', () => {
  assert.equal(manifest.type, 'module');
  assert.deepEqual(Object.keys(manifest.exports), [
    '.',
    './logprobs',
    './transformers',
    './webllm',
    './onnxruntime',
    './wasm/logitkit-simd.wasm',
    './wasm/logitkit-baseline.wasm',
    './wasm/logitkit-grammar-simd.wasm',
    './wasm/logitkit-grammar-baseline.wasm',
    './package.json',
  ]);
  for (const subpath of ['.', './logprobs', './transformers', './webllm', './onnxruntime']) {
    // "types" first: TypeScript takes the first condition that matches. No "require" condition:
    // Node >= 20.19 require()s the ESM entry itself, and a throwing CommonJS stub would break that.
    assert.deepEqual(
      Object.keys(manifest.exports[subpath]),
      ['types', 'default'],
      `exports["${subpath}"]`,
    );
  }
  const targets = [manifest.main, manifest.types];
  const walk = (value) =>
    typeof value === 'string' ? targets.push(value) : Object.values(value).forEach(walk);
  walk(manifest.exports);
  for (const target of targets)
    assert.ok(shipped.has(target.replace(/^\.\//, '')), `${target} is not in the tarball`);
});

test('package.json: sideEffects, engines, license and project links', () => {
  assert.equal(manifest.sideEffects, false);
  // >= 20.19: where require('logitkit') works without a flag (see node.test.mjs) and what is tested.
  assert.equal(manifest.engines?.node, '>=20.19');
  assert.equal(manifest.license, 'MIT');
  assert.match(manifest.repository?.url ?? '', /^git\+https:\/\/.+\.git$/);
  assert.match(manifest.homepage ?? '', /^https:\/\//);
  assert.match(manifest.bugs?.url ?? '', /^https:\/\/.+\/issues$/);
  assert.ok(manifest.author, 'author');
  assert.ok(manifest.keywords?.length >= 5, 'keywords');
  assert.deepEqual(manifest.dependencies ?? {}, {}, 'logitkit has no runtime dependencies');
  const license = readFileSync(join(ROOT, 'LICENSE'), 'utf8');
  assert.match(license, /^MIT License\n\nCopyright \(c\) 2026 logitkit contributors\n/);
});
