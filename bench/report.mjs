// Text output of the benchmarks: the floor table, one table per operation and the targets summary.
// Pure formatting (returns strings); used by bench.mjs (Node) and browser-bench.mjs (Chromium).
import { readFileSync } from 'node:fs';

// Per operation (op-tables.json), the columns after logitkit SIMD: [implementation key, its
// operation, title]. logSoftmax is also compared with tf.softmax, the yardstick of its target.
const OP_TABLES = JSON.parse(readFileSync(new URL('./op-tables.json', import.meta.url), 'utf8'));

/** Microseconds with 3-4 significant digits. */
export function formatUs(us) {
  if (!Number.isFinite(us)) return 'n/a';
  return us < 10 ? us.toFixed(2) : us < 1000 ? us.toFixed(1) : us.toFixed(0);
}

/** A plain-text table: first column left-aligned, the others right-aligned. */
export function renderTable(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) =>
    cells
      .map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i])))
      .join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const hasImpl = (configs, key) =>
  configs.some((c) => c.times[key] !== undefined || c.errors[key] !== undefined);

/**
 * One table per operation. Rows: input kind and V. Cells: µs per call, and in brackets that time
 * divided by logitkit SIMD's (above 1x: logitkit SIMD is faster). Implementations absent from
 * every configuration (e.g. transformers in the browser) get no column.
 */
export function renderOpTables(configs) {
  const blocks = [];
  for (const { op, title, columns } of OP_TABLES) {
    const shown = columns.filter(([key]) => hasImpl(configs, key));
    const headers = ['logits', 'V', 'SIMD µs', 'ns/elem', ...shown.map(([, , t]) => t)];
    if (op === 'sample') headers.push('sample/softmax');
    const rows = configs.map((c) => {
      const simd = c.times.simd?.[op];
      const cells = shown.map(([key, keyOp]) => {
        const t = c.times[key]?.[keyOp];
        return Number.isFinite(t)
          ? `${formatUs(t)} (${Number.isFinite(simd) ? (t / simd).toFixed(1) : '?'}x)`
          : 'n/a';
      });
      const row = [
        c.kind,
        c.V,
        formatUs(simd),
        Number.isFinite(simd) ? ((simd * 1000) / c.V).toFixed(3) : 'n/a',
        ...cells,
      ];
      if (op === 'sample')
        row.push(Number.isFinite(simd) ? `${(simd / c.times.simd?.softmax).toFixed(2)}x` : 'n/a');
      return row;
    });
    blocks.push(
      `${title ?? op} — µs per call (time / logitkit SIMD time)\n${renderTable(headers, rows)}`,
    );
  }
  return blocks.join('\n\n');
}

// The floor table's kernels: logitkit's, each as a ratio of its time to the floor's.
const FLOOR_RATIOS = ['softmax', 'logSoftmax', 'logSumExp', 'entropy', 'sample'];

/**
 * The floor line: per configuration, the floor kernel's time, ns and instructions per element, and
 * each logitkit SIMD kernel's time as a multiple of it, with its own instructions per element (the
 * native x86-64-v3 build under callgrind, when counted) in brackets.
 */
export function renderFloorTable(configs) {
  const perElement = (c, op) => c.instructions?.[op];
  const headers = ['logits', 'V', 'floor µs', 'ns/elem', 'instr/elem', ...FLOOR_RATIOS];
  const rows = configs.map((c) => {
    const floor = c.times.floor?.softmax;
    const instr = perElement(c, 'floor');
    return [
      c.kind,
      c.V,
      formatUs(floor),
      Number.isFinite(floor) ? ((floor * 1000) / c.V).toFixed(3) : 'n/a',
      Number.isFinite(instr) ? instr.toFixed(2) : 'n/a',
      ...FLOOR_RATIOS.map((op) => {
        const t = c.times.simd?.[op];
        const ratio =
          Number.isFinite(t) && Number.isFinite(floor) ? `${(t / floor).toFixed(2)}x` : 'n/a';
        const count = perElement(c, op);
        return Number.isFinite(count) ? `${ratio} (${count.toFixed(2)})` : ratio;
      }),
    ];
  });
  return `floor: the minimal exact-argument SIMD128 softmax in the same module (bench/floor); logitkit SIMD's time / the floor's (instructions per element, native x86-64-v3, callgrind)\n${renderTable(headers, rows)}`;
}

/** The distinct reasons for "n/a" cells, one line each. */
export function renderErrors(configs) {
  const byReason = new Map();
  for (const c of configs) {
    for (const [what, reason] of Object.entries(c.errors)) {
      const key = `${what}: ${reason}`;
      if (!byReason.has(key)) byReason.set(key, []);
      byReason.get(key).push(`${c.kind} ${c.V}`);
    }
  }
  return [...byReason]
    .map(
      ([key, where]) =>
        `n/a ${key} (${where.length === configs.length ? 'everywhere' : where.join(', ')})`,
    )
    .join('\n');
}

/** The targets summary (rows from targets.mjs evaluateTargets). */
export function renderSummary(rows) {
  const table = rows.map((r) => [
    r.target,
    r.at,
    r.measured,
    r.status === 'NOT MET' ? `NOT MET (${r.short.toFixed(2)}x short)` : r.status,
  ]);
  return renderTable(['target', 'at', 'measured (worst decides)', 'status'], table);
}

/**
 * A whole run's text: the floor table, the tables per operation, the reasons for "n/a" cells, then
 * `heading` and the targets summary (rows from targets.mjs evaluateTargets).
 */
export function renderRun(configs, heading, targetRows) {
  const errors = renderErrors(configs);
  return [
    `${renderFloorTable(configs)}\n`,
    renderOpTables(configs),
    ...(errors ? [`\n${errors}`] : []),
    `\n${heading}`,
    renderSummary(targetRows),
  ].join('\n');
}
