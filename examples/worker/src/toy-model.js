// A stand-in for a language model, so the example runs with no weights: deterministic pseudo-random
// logits that depend only on the previous token. Integer xorshift and float32 stores are exact in
// every engine, so a seeded sampler draws the same tokens from it in any browser, worker or Node.

/** Writes next-token logits for `previousToken` into `out` (a Float32Array of vocabulary size). */
export function toyLogits(out, previousToken) {
  let x = Math.imul(previousToken + 1, 0x9e3779b1) >>> 0 || 1; // xorshift32 state, never 0
  for (let i = 0; i < out.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = (x / 2 ** 32) * 4 - 2; // uniform in [-2, 2)
  }
  // A few plausible continuations, so the distribution has a head like a real model's.
  for (let k = 0; k < 5; k++) out[(previousToken * 31 + k * 7919) % out.length] += 10 - k;
}
