// The benchmark's logits, identical in Node, in Chromium and in the native benchmark
// (bench/native_bench.cpp): element i is built from Philox4x32-10 draws 2i and 2i+1 of seed 1
// (logitkit's documented stream, cpp/include/logitkit/rng.h) by Box-Muller, in float64, then
// rounded to float32. Runs in browsers and Node (no imports).
//   random: normal(0, 1)
//   peaked: normal(-4, 2), i.e. a long tail, with one dominant token (index floor(V/3)) at 12

export const KINDS = ['random', 'peaked'];

/** High and low 32 bits of the 64-bit product of two uint32 (exact, via 16-bit halves). */
function mulHiLo(a, b) {
  const aL = a & 0xffff,
    aH = a >>> 16,
    bL = b & 0xffff,
    bH = b >>> 16;
  const ll = aL * bL,
    lh = aL * bH,
    hl = aH * bL,
    hh = aH * bH;
  const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return [(hh + (lh >>> 16) + (hl >>> 16) + Math.floor(mid / 65536)) >>> 0, Math.imul(a, b) >>> 0];
}

/** logitkit::uniform01(seed, counter) for seed and counter below 2^32: a double in [0, 1). */
export function uniform01(seed, counter) {
  let c0 = counter >>> 0,
    c1 = 0,
    c2 = 0,
    c3 = 0;
  let k0 = seed >>> 0,
    k1 = 0;
  for (let round = 0; round < 10; round++) {
    const [hi0, lo0] = mulHiLo(0xd2511f53, c0);
    const [hi1, lo1] = mulHiLo(0xcd9e8d57, c2);
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
    k0 = (k0 + 0x9e3779b9) >>> 0;
    k1 = (k1 + 0xbb67ae85) >>> 0;
  }
  return ((c0 >>> 5) * 67108864 + (c1 >>> 6)) / 9007199254740992;
}

/** A Float32Array of `n` logits of `kind` ('random' or 'peaked'); same values on every run. */
export function makeLogits(n, kind) {
  if (!KINDS.includes(kind))
    throw new RangeError(`makeLogits: kind must be one of ${KINDS.join(', ')}`);
  const z = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u1 = 1 - uniform01(1, 2 * i),
      u2 = uniform01(1, 2 * i + 1);
    z[i] = Math.sqrt(-2 * Math.log(u1)) * Math.cos(6.283185307179586 * u2);
  }
  if (kind === 'peaked') {
    for (let i = 0; i < n; i++) z[i] = z[i] * 2 - 4; // float32 arithmetic, as in the C++
    z[Math.floor(n / 3)] = 12;
  }
  return z;
}
