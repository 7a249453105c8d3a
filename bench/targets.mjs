// The project's performance targets, checked against one run's numbers. Ratios come from
// measurements taken in the same run, never across runs. Runs in browsers and Node.

export const TARGET_SIZES = [128256, 262144];

// Each ratio target: `ratio(times)` from one configuration's times (see suite.mjs), and either
// `atLeast` (bigger is better) or `atMost` (smaller is better).
export const RATIO_TARGETS = [
  { name: 'softmax >= 5x tf.softmax', atLeast: 5, ratio: (t) => t.tf?.softmax / t.simd?.softmax },
  {
    name: 'logSoftmax >= 5x tf.softmax',
    atLeast: 5,
    ratio: (t) => t.tf?.softmax / t.simd?.logSoftmax,
  },
  {
    name: 'softmax >= 20x plain JS loop',
    atLeast: 20,
    ratio: (t) => t.js?.softmax / t.simd?.softmax,
  },
  {
    name: 'logSoftmax >= 20x plain JS loop',
    atLeast: 20,
    ratio: (t) => t.js?.logSoftmax / t.simd?.logSoftmax,
  },
  {
    name: 'softmax within 1.5x native',
    atMost: 1.5,
    ratio: (t) => t.simd?.softmax / t.native?.softmax,
  },
  {
    name: 'logSoftmax within 1.5x native',
    atMost: 1.5,
    ratio: (t) => t.simd?.logSoftmax / t.native?.logSoftmax,
  },
  {
    name: 'sample >= 100x JS sort sampler',
    atLeast: 100,
    ratio: (t) => t.js?.sample / t.simd?.sample,
  },
  { name: 'sample <= 3x softmax', atMost: 3, ratio: (t) => t.simd?.sample / t.simd?.softmax },
  { name: 'topK(50) >= 5x tf.topk', atLeast: 5, ratio: (t) => t.tf?.topK50 / t.simd?.topK50 },
  {
    name: 'SIMD >= 2.5x baseline (softmax)',
    atLeast: 2.5,
    ratio: (t) => t.baseline?.softmax / t.simd?.softmax,
  },
];

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

/**
 * Checks every target. configs: suite results ({ V, kind, times }); wasmKiB: { simd, baseline };
 * loadMs: { simdCold, simdWarm, baselineCold, baselineWarm } (milliseconds).
 * Returns rows { target, at, measured, status, short }.
 */
export function evaluateTargets({ configs, wasmKiB, loadMs, sizes = TARGET_SIZES }) {
  const rows = [];
  for (const target of RATIO_TARGETS) {
    for (const V of sizes) {
      const values = ['random', 'peaked'].map((kind) => {
        const config = configs.find((c) => c.V === V && c.kind === kind);
        return [`${kind} `, config ? target.ratio(config.times) : NaN];
      });
      rows.push(verdict(target.name, `V=${V}`, values, target, (v) => `${v.toFixed(2)}x`));
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
    rows.push(
      verdict(
        'load() <= 30 ms (cold)',
        '',
        [
          ['simd ', loadMs.simdCold],
          ['baseline ', loadMs.baselineCold],
        ],
        { atMost: 30 },
        ms,
      ),
    );
    rows.push(
      verdict(
        'load() <= 30 ms (warm)',
        '',
        [
          ['simd ', loadMs.simdWarm],
          ['baseline ', loadMs.baselineWarm],
        ],
        { atMost: 30 },
        ms,
      ),
    );
  }
  return rows;
}
