// bench/RESULTS.md and the README's benchmark table, written from one run of bench/bench.mjs
// (`node bench/bench.mjs --results=bench/RESULTS.md`, or `npm run bench:results`), so that the
// published numbers always come from a real run and name the machine. Formatting is pure (strings
// from a run object); writeResults does the file work. Node only.
//
// A run object:
//   { started, finished: ISO dates; machine: { model, cpus }; load: { start, end }: 1/5/15-minute
//     load averages; node: version; code: { commit, dirty }; wasmKiB: { simd, baseline };
//     competitors: [string]; configs: suite results with `instructions` (bench/instructions.mjs);
//     targets, instructionTargets: rows of bench/targets.mjs; text: the run's printed tables }
// Prose written by hand stays outside the generated parts: bench/results-notes.md is copied into
// RESULTS.md under its own heading, and the README keeps its text outside the two markers.
import { readFileSync, writeFileSync } from 'node:fs';
import { renderTable } from './report.mjs';
import { TARGET_SIZES } from './targets.mjs';

export const README_BEGIN =
  '<!-- bench-results:begin (written by `node bench/bench.mjs --results=bench/RESULTS.md`; edit around it) -->';
export const README_END = '<!-- bench-results:end -->';

// The kernels whose instructions per element are tabled, by their key in config.instructions.
const COUNTED = [
  ['floor', 'floor softmax'],
  ['softmax', 'softmax'],
  ['logSoftmax', 'logSoftmax'],
  ['logSumExp', 'logSumExp'],
  ['entropy', 'entropy'],
  ['topK50', 'topK(50)'],
  ['sample', 'sample (T 0.8, topP 0.95)'],
];

const loadText = (averages) => averages.map((l) => l.toFixed(2)).join(' / ');
const codeText = ({ commit, dirty }) => `\`${commit}\`${dirty ? ' with uncommitted changes' : ''}`;
const mdTable = (headers, rows) =>
  [headers, headers.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
const statusText = (row) =>
  row.status === 'NOT MET' ? `**NOT MET** (${row.short.toFixed(2)}x short)` : row.status;

/** The configurations at the target sizes, in table order (random then peaked, by V). */
function targetConfigs(configs) {
  return TARGET_SIZES.flatMap((V) =>
    ['random', 'peaked'].map((kind) => configs.find((c) => c.V === V && c.kind === kind)),
  ).filter((c) => c !== undefined);
}

/** Markdown: instructions per element of each counted kernel at the target sizes. */
export function renderInstructionTable(configs) {
  const shown = targetConfigs(configs).filter((c) => c.instructions);
  if (shown.length === 0)
    return 'No instruction counts in this run (valgrind or the count build missing).';
  const cell = (c, key) => {
    const v = c.instructions[key];
    return Number.isFinite(v) ? v.toFixed(2) : 'n/a';
  };
  return mdTable(
    ['kernel', ...shown.map((c) => `V = ${c.V} ${c.kind}`)],
    COUNTED.map(([key, label]) => [label, ...shown.map((c) => cell(c, key))]),
  );
}

/** Markdown: one line per target (time ratios, then the instruction-count ratios). */
export function renderTargetTable(run) {
  const rows = [...run.targets, ...run.instructionTargets].map((r) => [
    r.target,
    r.at.replace('V=', 'V = ') || '—',
    r.measured,
    statusText(r),
  ]);
  return mdTable(['target', 'at', 'measured (the worse decides)', 'status'], rows);
}

/** The README's generated part: what ran where, the targets and the instruction counts. */
export function renderReadmeSection(run) {
  const met = run.targets.filter((r) => r.status === 'MET').length;
  return [
    `From \`node bench/bench.mjs --results=bench/RESULTS.md\`, ${run.started} (code ${codeText(run.code)}): ` +
      `${run.machine.model}, ${run.machine.cpus} CPUs, Node ${run.node}, load average ` +
      `${loadText(run.load.start)} at the start and ${loadText(run.load.end)} at the end. ` +
      `${met} of ${run.targets.length} timed target lines met; the full tables are in ` +
      '[bench/RESULTS.md](bench/RESULTS.md).',
    '',
    renderTargetTable(run),
    '',
    'Instructions per element (native x86-64-v3 build, callgrind; deterministic):',
    '',
    renderInstructionTable(run.configs),
  ].join('\n');
}

/** The whole of bench/RESULTS.md. `notes`: hand-written Markdown placed under "Notes" (optional). */
export function renderResultsMarkdown(run, notes = '') {
  const facts = [
    ['date', `${run.started} to ${run.finished}`],
    ['machine', `\`lscpu\` model name "${run.machine.model}", ${run.machine.cpus} CPUs`],
    [
      'load',
      `1/5/15-minute load average ${loadText(run.load.start)} at the start, ${loadText(run.load.end)} at the end`,
    ],
    ['Node', run.node],
    ['code', codeText(run.code)],
    [
      '`.wasm`',
      `simd ${run.wasmKiB.simd.toFixed(1)} KiB, baseline ${run.wasmKiB.baseline.toFixed(1)} KiB`,
    ],
    ['competitors', run.competitors.join('; ') || 'none loaded'],
  ];
  return [
    '# Benchmark results',
    '',
    'Written by `node bench/bench.mjs --results=bench/RESULTS.md` (`npm run bench:results`) from one',
    "run; it also rewrites the README's table between its markers. Instruction counts are",
    'deterministic; times depend on how quiet the machine was (see the load averages).',
    '',
    mdTable(['', ''], facts),
    '',
    '## Targets',
    '',
    renderTargetTable(run),
    '',
    '## Instructions per element',
    '',
    'Native x86-64-v3 build under callgrind (`bench/native_count.cpp`), one warm call per kernel.',
    '',
    renderInstructionTable(run.configs),
    '',
    ...(notes.trim() ? ['## Notes', '', notes.trim(), ''] : []),
    '## The run, as printed',
    '',
    '```',
    run.text,
    '```',
    '',
  ].join('\n');
}

/** `text` with the part between README_BEGIN and README_END replaced; throws when they are missing. */
export function replaceMarked(text, replacement) {
  const begin = text.indexOf(README_BEGIN);
  const end = text.indexOf(README_END);
  if (begin < 0 || end < begin)
    throw new Error(`the README has no "${README_BEGIN}" ... "${README_END}" markers in order`);
  return `${text.slice(0, begin + README_BEGIN.length)}\n${replacement}\n${text.slice(end)}`;
}

/**
 * Writes RESULTS.md (with notesPath's Markdown when that file exists) and rewrites readmePath's
 * marked section. Throws before writing anything when the README lacks its markers.
 */
export function writeResults(run, { resultsPath, readmePath, notesPath }) {
  const readme = replaceMarked(readFileSync(readmePath, 'utf8'), renderReadmeSection(run));
  let notes = '';
  try {
    notes = readFileSync(notesPath, 'utf8');
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
  writeFileSync(resultsPath, renderResultsMarkdown(run, notes));
  writeFileSync(readmePath, readme);
}
