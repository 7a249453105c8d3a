// The benchmark's results writer (bench/results.mjs) on a small fake run (no timing): RESULTS.md in
// full, the README's marked section rewritten and nothing else touched, the target lines by time
// and by instruction count, and a clear error when the README lacks its markers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  README_BEGIN,
  README_END,
  renderResultsMarkdown,
  replaceMarked,
  writeResults,
} from '../../bench/results.mjs';
import { evaluateInstructionTargets, evaluateTargets } from '../../bench/targets.mjs';

// Times in µs and instructions per element for one configuration: sample is 3x softmax by time
// and 2.4x by count (or 2.6x with sampleCount 26), the floor a little faster than softmax.
function config(V, kind, { sampleCount = 24 } = {}) {
  return {
    V,
    kind,
    times: {
      floor: { softmax: 100 },
      simd: { softmax: 105, logSoftmax: 110, sample: 315, topK50: 10 },
      baseline: { softmax: 400 },
      native: { softmax: 95, logSoftmax: 100 },
      js: { softmax: 2000, logSoftmax: 2100, sample: 50000 },
      tf: { softmax: 300, topK50: 80 },
    },
    errors: {},
    instructions: {
      floor: 8.31,
      softmax: 10,
      logSoftmax: 8.79,
      logSumExp: 7.04,
      entropy: 9.22,
      topK50: 4.53,
      sample: sampleCount,
    },
  };
}

function fakeRun() {
  const configs = [
    config(128256, 'random', { sampleCount: 26 }),
    config(128256, 'peaked'),
    config(262144, 'random'),
    config(262144, 'peaked'),
  ];
  const wasmKiB = { simd: 101.9, baseline: 106.2 };
  const loadMs = { simdCold: 6.4, simdWarm: 1.8, baselineCold: 7, baselineWarm: 2 };
  return {
    started: '2026-11-30T17:00:00.000Z',
    finished: '2026-11-30T17:12:00.000Z',
    machine: { model: 'AMD EPYC', cpus: 2 },
    load: { start: [0.5, 0.6, 0.7], end: [1.25, 0.9, 0.8] },
    node: 'v20.20.2',
    code: { commit: 'abc1234', dirty: false },
    wasmKiB,
    competitors: ['@tensorflow/tfjs-backend-wasm 4.22.0 (SIMD, single thread)'],
    configs,
    targets: evaluateTargets({ configs, wasmKiB, loadMs }),
    instructionTargets: evaluateInstructionTargets({ configs }),
    text: 'floor table\nsoftmax table',
  };
}

test('the instruction-count targets use each configuration counts', () => {
  const rows = evaluateInstructionTargets({ configs: fakeRun().configs });
  const sample128 = rows.find(
    (r) => r.target === 'sample <= 2.5x softmax (instructions)' && r.at === 'V=128256',
  );
  assert.equal(sample128.measured, 'random 2.60x, peaked 2.40x');
  assert.equal(sample128.status, 'NOT MET');
  assert.ok(Math.abs(sample128.short - 2.6 / 2.5) < 1e-12);
  const softmax262 = rows.find(
    (r) => r.target === 'softmax <= 1.15x floor (instructions)' && r.at === 'V=262144',
  );
  assert.equal(softmax262.status, 'NOT MET'); // 10 / 8.31 = 1.20x
  const missing = evaluateInstructionTargets({
    configs: fakeRun().configs.map((c) => ({ ...c, instructions: undefined })),
  });
  assert.ok(missing.every((r) => r.status === 'n/a'));
});

test('in Chromium only the tf.softmax targets are judged (threshold 2x); the Node ones are shown', () => {
  const { configs, wasmKiB } = fakeRun();
  const loadMs = { simdCold: 60, simdWarm: 40, baselineCold: 70, baselineWarm: 45 };
  const rows = evaluateTargets({ configs, wasmKiB, loadMs, environment: 'chromium' });
  const row = (target, at = 'V=128256') => rows.find((r) => r.target === target && r.at === at);
  // tf.softmax takes 300 µs, softmax 105: 2.86x meets Chromium's 2x.
  assert.equal(row('softmax >= 2x tf.softmax').status, 'MET');
  assert.equal(row('softmax >= 1.3x tf.softmax'), undefined);
  for (const [target, measured] of [
    ['sample <= 2.5x softmax', 'random 3.00x, peaked 3.00x'],
    ['softmax within 1.15x native', 'random 1.11x, peaked 1.11x'],
  ]) {
    assert.equal(row(target).status, 'Node target');
    assert.equal(row(target).measured, measured);
  }
  assert.equal(row('load() <= 30 ms (cold)', '').status, 'Node target');
  assert.equal(row('each .wasm <= 120 KiB', '').status, 'MET');
  // In Node the same numbers are judged.
  const node = evaluateTargets({ configs, wasmKiB, loadMs });
  assert.equal(node.find((r) => r.target === 'sample <= 2.5x softmax').status, 'NOT MET');
  assert.equal(node.find((r) => r.target === 'load() <= 30 ms (cold)').status, 'NOT MET');
});

test('RESULTS.md names the run and holds every table, the notes and the printed run', () => {
  const md = renderResultsMarkdown(fakeRun(), 'Hand-written: why a target is missed.\n');
  for (const expected of [
    '# Benchmark results',
    '2026-11-30T17:00:00.000Z to 2026-11-30T17:12:00.000Z',
    '`lscpu` model name "AMD EPYC", 2 CPUs',
    '0.50 / 0.60 / 0.70 at the start, 1.25 / 0.90 / 0.80 at the end',
    '| Node | v20.20.2 |',
    '| code | `abc1234` |',
    'simd 101.9 KiB, baseline 106.2 KiB',
    '@tensorflow/tfjs-backend-wasm 4.22.0 (SIMD, single thread)',
    '| sample <= 2.5x softmax | V = 128256 | random 3.00x, peaked 3.00x | **NOT MET** (1.20x short) |',
    '| sample <= 2.5x softmax (instructions) | V = 262144 | random 2.40x, peaked 2.40x | MET |',
    '| each .wasm <= 120 KiB | — | simd 101.9 KiB, baseline 106.2 KiB | MET |',
    '| kernel | V = 128256 random | V = 128256 peaked | V = 262144 random | V = 262144 peaked |',
    '| sample (T 0.8, topP 0.95) | 26.00 | 24.00 | 24.00 | 24.00 |',
    '## Notes\n\nHand-written: why a target is missed.',
    '```\nfloor table\nsoftmax table\n```',
  ])
    assert.ok(md.includes(expected), `missing: ${expected}\n${md}`);
  assert.ok(!renderResultsMarkdown(fakeRun()).includes('## Notes'));
  const dirty = renderResultsMarkdown({ ...fakeRun(), code: { commit: 'abc1234', dirty: true } });
  assert.ok(dirty.includes('`abc1234` with uncommitted changes'));
});

test('writeResults writes RESULTS.md and rewrites only the README between its markers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'logitkit-results-'));
  try {
    const readmePath = join(dir, 'README.md');
    const resultsPath = join(dir, 'RESULTS.md');
    const before = '# Title\n\nProse before.\n\n';
    const after = '\n\nProse after: why a target is missed.\n';
    writeFileSync(readmePath, `${before}${README_BEGIN}\nold table\n${README_END}${after}`);
    writeFileSync(join(dir, 'notes.md'), 'Notes by hand.');
    writeResults(fakeRun(), { resultsPath, readmePath, notesPath: join(dir, 'notes.md') });
    const readme = readFileSync(readmePath, 'utf8');
    assert.ok(readme.startsWith(`${before}${README_BEGIN}\n`));
    assert.ok(readme.endsWith(`${README_END}${after}`));
    assert.ok(!readme.includes('old table'));
    assert.ok(readme.includes('AMD EPYC, 2 CPUs, Node v20.20.2'));
    assert.ok(readme.includes('| sample <= 2.5x softmax (instructions) | V = 128256 |'));
    const results = readFileSync(resultsPath, 'utf8');
    assert.ok(results.includes('## Notes\n\nNotes by hand.'));
    // A second run replaces the section again instead of nesting it.
    writeResults(fakeRun(), { resultsPath, readmePath, notesPath: join(dir, 'absent.md') });
    const again = readFileSync(readmePath, 'utf8');
    assert.equal(again.split(README_BEGIN).length, 2);
    assert.equal(again, readme);
    assert.ok(!readFileSync(resultsPath, 'utf8').includes('## Notes'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the project README holds the writer's two markers once each, in order", () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  assert.equal(readme.split(README_BEGIN).length, 2);
  assert.equal(readme.split(README_END).length, 2);
  assert.ok(readme.indexOf(README_BEGIN) < readme.indexOf(README_END));
});

test('a README without the markers is an error naming them, and nothing is written', () => {
  assert.throws(() => replaceMarked('# no markers\n', 'table'), /bench-results:begin/);
  assert.throws(() => replaceMarked(`${README_END}\n${README_BEGIN}\n`, 'table'), /in order/);
  const dir = mkdtempSync(join(tmpdir(), 'logitkit-results-'));
  try {
    const readmePath = join(dir, 'README.md');
    writeFileSync(readmePath, '# no markers\n');
    const resultsPath = join(dir, 'RESULTS.md');
    assert.throws(() =>
      writeResults(fakeRun(), { resultsPath, readmePath, notesPath: join(dir, 'n.md') }),
    );
    assert.throws(() => readFileSync(resultsPath), { code: 'ENOENT' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
