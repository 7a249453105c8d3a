// A grammar bitmask applied to one row of logits, in place, in JavaScript: the runtime adapters
// (logitkit/transformers, logitkit/webllm) mask the runtime's own row (a transformers.js tensor, a
// WebLLM array), which does not live in logitkit's wasm memory.

/**
 * Sets `row[id]` to -Infinity for every id whose bit in `mask` is clear (bit `id & 31` of word
 * `id >> 5` set = allowed) and for every id >= `maskVocab` (ids the mask does not cover: padding
 * columns of a model whose logits are wider than its tokenizer). Other entries are untouched.
 * @returns how many ids of `row` the mask allows.
 */
export function maskLogits(row: Float32Array, mask: Uint32Array, maskVocab: number): number {
  const covered = Math.min(row.length, maskVocab);
  const fullWords = covered >>> 5;
  let allowed = 0;
  for (let w = 0; w < fullWords; w++) {
    const bits = mask[w]! | 0;
    if (bits === -1) {
      allowed += 32;
      continue;
    }
    const start = w << 5;
    if (bits === 0) {
      row.fill(-Infinity, start, start + 32);
      continue;
    }
    allowed += popcount(bits);
    for (let bit = 0; bit < 32; bit++) if (((bits >>> bit) & 1) === 0) row[start + bit] = -Infinity;
  }
  for (let id = fullWords << 5; id < covered; id++) {
    if (((mask[id >>> 5]! >>> (id & 31)) & 1) === 0) row[id] = -Infinity;
    else allowed++;
  }
  row.fill(-Infinity, covered);
  return allowed;
}

/** How many of the ids below `maskVocab` the mask allows (bit `id & 31` of word `id >> 5`). */
export function countAllowed(mask: Uint32Array, maskVocab: number): number {
  const fullWords = maskVocab >>> 5;
  let allowed = 0;
  for (let w = 0; w < fullWords; w++) allowed += popcount(mask[w]! | 0);
  for (let id = fullWords << 5; id < maskVocab; id++)
    allowed += (mask[id >>> 5]! >>> (id & 31)) & 1;
  return allowed;
}

/** The number of set bits of a 32-bit word. */
function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** A mask of `words` words with exactly the bits of `ids` set (ids outside it are skipped). */
export function maskOf(ids: readonly number[], words: number): Uint32Array {
  const mask = new Uint32Array(words);
  for (const id of ids) if (id >>> 5 < words) mask[id >>> 5]! |= 1 << (id & 31);
  return mask;
}
