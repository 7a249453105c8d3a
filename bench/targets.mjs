// logitkit's performance targets (README, "Benchmarks"), checked against one run's numbers. Every
// ratio compares measurements taken in the same run. Runs in browsers and Node.
//
// The reference is a measured floor: the minimal exact-argument SIMD128 softmax compiled into the
// same module (bench/floor), so the targets say how close logitkit's kernels come to what the
// hardware and the engine allow, not to another library's speed on some day.

export const TARGET_SIZES = [128256, 262144];

// How much faster than tf.softmax (tfjs-backend-wasm) softmax and logSoftmax must be, by where
// they run: tfjs's own kernels run at a different share of the floor in each engine.
const TF_SOFTMAX_FACTOR = { node: 1.3, chromium: 2 };

// Each ratio target: `ratio(times)` from one configuration's times (see suite.mjs), and either
// `atLeast` (bigger is better) or `atMost` (smaller is better). `environment` picks the engine's
// thresholds ('node' or 'chromium'). The targets are set for Node 20; in Chromium only the one
// against tf.softmax has a threshold of its own, and the others are printed for reference with
// the status 'Node target', not judged (`everywhere` marks the targets that apply in both).
export function ratioTargets(environment = 'node') {
  const tf = TF_SOFTMAX_FACTOR[environment];
  if (tf === undefined) throw new RangeError(`ratioTargets: unknown environment ${environment}`);
  const targets = [];
  for (const op of ['softmax', 'logSoftmax']) {
    targets.push(
      { name: `${op} <= 1.15x floor`, atMost: 1.15, ratio: (t) => t.simd?.[op] / t.floor?.softmax },
      {
        name: `${op} >= ${tf}x tf.softmax`,
        atLeast: tf,
        ratio: (t) => t.tf?.softmax / t.simd?.[op],
        everywhere: true,
      },
      { name: `${op} >= 14x plain JS loop`, atLeast: 14, ratio: (t) => t.js?.[op] / t.simd?.[op] },
      {
        name: `${op} within 1.15x native`,
        atMost: 1.15,
        ratio: (t) => t.simd?.[op] / t.native?.[op],
      },
    );
  }
  targets.push(
    { name: 'sample <= 2.5x softmax', atMost: 2.5, ratio: (t) => t.simd?.sample / t.simd?.softmax },
    {
      name: 'sample >= 120x JS sort sampler',
      atLeast: 120,
      ratio: (t) => t.js?.sample / t.simd?.sample,
    },
    { name: 'topK(50) >= 5x tf.topk', atLeast: 5, ratio: (t) => t.tf?.topK50 / t.simd?.topK50 },
    {
      name: 'SIMD >= 2.5x baseline (softmax)',
      atLeast: 2.5,
      ratio: (t) => t.baseline?.softmax / t.simd?.softmax,
    },
  );
  return targets;
}

const usable = (x) => Number.isFinite(x) && x > 0;

/**
 * How far a measured value is from a bound: 1 when met, otherwise the factor it must improve by
 * (bound / value for atLeast, value / bound for atMost).
 */
export function shortfall(value, { atLeast, atMost }) {
  if (atLeast !== undefined) return value >= atLeast ? 1 : atLeast / value;
  return value <= atMost ? 1 : value / atMost;
}

/** One summary row: status is 'MET', 'NOT MET' or 'n/a'; short is the worst shortfall (>= 1). */
function verdict(name, at, values, bound, formatValue) {
  const present = values.filter(([, v]) => usable(v));
  const measured = values
    .map(([label, v]) => `${label}${usable(v) ? formatValue(v) : 'n/a'}`)
    .join(', ');
  if (present.length === 0) return { target: name, at, measured, status: 'n/a', short: 1 };
  const short = Math.max(...present.map(([, v]) => shortfall(v, bound)));
  const status =
    present.length < values.length && short === 1 ? 'n/a' : short === 1 ? 'MET' : 'NOT MET';
  return { target: name, at, measured, status, short };
}

/** A row shown for reference outside Node, where its target does not apply. */
const asNodeTarget = (row) => ({ ...row, status: 'Node target', short: 1 });

/**
 * Checks every target. configs: suite results ({ V, kind, times }); wasmKiB: { simd, baseline };
 * loadMs: { simdCold, simdWarm, baselineCold, baselineWarm } (milliseconds); environment: 'node'
 * or 'chromium'. Returns rows { target, at, measured, status, short }.
 */
export function evaluateTargets({
  configs,
  wasmKiB,
  loadMs,
  sizes = TARGET_SIZES,
  environment = 'node',
}) {
  const rows = [];
  for (const target of ratioTargets(environment)) {
    for (const V of sizes) {
      const values = ['random', 'peaked'].map((kind) => {
        const config = configs.find((c) => c.V === V && c.kind === kind);
        return [`${kind} `, config ? target.ratio(config.times) : NaN];
      });
      const row = verdict(target.name, `V=${V}`, values, target, (v) => `${v.toFixed(2)}x`);
      rows.push(environment !== 'node' && !target.everywhere ? asNodeTarget(row) : row);
    }
  }
  if (wasmKiB) {
    const values = Object.entries(wasmKiB).map(([build, kib]) => [`${build} `, kib]);
    rows.push(
      verdict('each .wasm <= 120 KiB', '', values, { atMost: 120 }, (v) => `${v.toFixed(1)} KiB`),
    );
  }
  if (loadMs) {
    const ms = (v) => `${v.toFixed(1)} ms`;
    for (const [when, key] of [
      ['cold', 'Cold'],
      ['warm', 'Warm'],
    ]) {
      const builds = [
        ['simd ', loadMs[`simd${key}`]],
        ['baseline ', loadMs[`baseline${key}`]],
      ];
      const row = verdict(`load() <= 30 ms (${when})`, '', builds, { atMost: 30 }, ms);
      rows.push(environment === 'node' ? row : asNodeTarget(row));
    }
  }
  return rows;
}

// The ratio targets that instruction counts can decide (deterministic, unlike times on a shared
// machine): each kernel's instructions per element over its yardstick's, from the native x86-64-v3
// build under callgrind (bench/instructions.mjs).
const INSTRUCTION_TARGETS = [
  { name: 'softmax <= 1.15x floor (instructions)', op: 'softmax', over: 'floor', atMost: 1.15 },
  {
    name: 'logSoftmax <= 1.15x floor (instructions)',
    op: 'logSoftmax',
    over: 'floor',
    atMost: 1.15,
  },
  { name: 'sample <= 2.5x softmax (instructions)', op: 'sample', over: 'softmax', atMost: 2.5 },
];

/**
 * The targets above from the configurations' instruction counts (config.instructions, per
 * element). Rows as evaluateTargets's; 'n/a' where a count is missing.
 */
export function evaluateInstructionTargets({ configs, sizes = TARGET_SIZES }) {
  const rows = [];
  for (const target of INSTRUCTION_TARGETS) {
    for (const V of sizes) {
      const values = ['random', 'peaked'].map((kind) => {
        const counts = configs.find((c) => c.V === V && c.kind === kind)?.instructions;
        return [`${kind} `, counts ? counts[target.op] / counts[target.over] : NaN];
      });
      rows.push(verdict(target.name, `V=${V}`, values, target, (v) => `${v.toFixed(2)}x`));
    }
  }
  return rows;
}
