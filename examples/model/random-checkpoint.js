// Random-weight llama2.c checkpoints and matching tokenizer.bin files, for tests and benchmarks
// (any shape, e.g. stories15M's), without downloading a model. Weights are uniform in ±scale from
// a seeded xorshift generator, so a given (config, seed) always gives the same bytes.
//
//   node examples/model/random-checkpoint.js out-dir [dim hidden layers heads kvHeads vocab seqLen]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** stories15M's shape (llama2.c's TinyStories 15M model). */
export const STORIES_15M = Object.freeze({
  dim: 288,
  hiddenDim: 768,
  nLayers: 6,
  nHeads: 6,
  nKvHeads: 6,
  vocabSize: 32000,
  seqLen: 256,
});

/** Number of float32 weights after the header (llama2.c's legacy layout; see cpp/model/config.h). */
export function weightCount(c, shared = true) {
  const headSize = c.dim / c.nHeads;
  const kvDim = headSize * c.nKvHeads;
  return (
    c.vocabSize * c.dim * (shared ? 2 : 1) -
    (shared ? c.vocabSize * c.dim : 0) +
    c.nLayers * (2 * c.dim + 2 * c.dim * c.dim + 2 * kvDim * c.dim + 3 * c.hiddenDim * c.dim) +
    c.dim +
    c.seqLen * headSize +
    (shared ? 0 : c.vocabSize * c.dim)
  );
}

/**
 * The checkpoint's bytes. RMSNorm weights are 1 (as at initialisation); everything else random.
 * @param {{ dim, hiddenDim, nLayers, nHeads, nKvHeads, vocabSize, seqLen }} c
 * @param {{ seed?: number, scale?: number, shared?: boolean }} [options]
 */
export function randomCheckpoint(c, { seed = 1, scale = 0.05, shared = true } = {}) {
  const floats = weightCount(c, shared);
  const bytes = new Uint8Array(28 + floats * 4);
  new Int32Array(bytes.buffer, 0, 7).set([
    c.dim,
    c.hiddenDim,
    c.nLayers,
    c.nHeads,
    c.nKvHeads,
    shared ? c.vocabSize : -c.vocabSize,
    c.seqLen,
  ]);
  const w = new Float32Array(bytes.buffer, 28, floats);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < floats; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    w[i] = (s / 4294967296 - 0.5) * 2 * scale;
  }
  const { dim, nLayers: L } = c;
  const kvDim = (dim / c.nHeads) * c.nKvHeads;
  const ones = (at, n) => w.fill(1, at, at + n);
  const rmsAtt = c.vocabSize * dim;
  ones(rmsAtt, L * dim);
  const rmsFfn = rmsAtt + L * dim + L * (2 * dim * dim + 2 * kvDim * dim);
  ones(rmsFfn, L * dim);
  ones(rmsFfn + L * dim + 3 * L * c.hiddenDim * dim, dim); // rms_final
  return bytes;
}

/**
 * A tokenizer.bin of `vocabSize` pieces: <unk> <s> </s>, the 256 byte pieces, printable ASCII,
 * then made-up words " w0", " w1", ... (scores: 0 for characters, -rank for the rest).
 */
export function randomTokenizer(vocabSize) {
  const pieces = ['<unk>', '<s>', '</s>'];
  for (let b = 0; b < 256; b++) pieces.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
  for (let c = 32; c < 127 && pieces.length < vocabSize; c++) pieces.push(String.fromCharCode(c));
  for (let i = 0; pieces.length < vocabSize; i++) pieces.push(` w${i}`);
  if (pieces.length > vocabSize)
    throw new RangeError(`randomTokenizer: vocabSize must be at least ${pieces.length}`);
  const encoded = pieces.map((p) => new TextEncoder().encode(p));
  const total = 4 + encoded.reduce((n, p) => n + 8 + p.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setInt32(0, Math.max(...encoded.map((p) => p.length)), true);
  let at = 4;
  encoded.forEach((p, i) => {
    view.setFloat32(at, i < 259 + 95 ? 0 : -(i - 259 - 95 + 1), true);
    view.setInt32(at + 4, p.length, true);
    out.set(p, at + 8);
    at += 8 + p.length;
  });
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [dir, ...dims] = process.argv.slice(2);
  if (!dir) {
    console.error(
      'usage: node examples/model/random-checkpoint.js out-dir [dim hidden layers heads kvHeads vocab seqLen]',
    );
    process.exit(1);
  }
  const keys = ['dim', 'hiddenDim', 'nLayers', 'nHeads', 'nKvHeads', 'vocabSize', 'seqLen'];
  const config =
    dims.length === 7 ? Object.fromEntries(keys.map((k, i) => [k, Number(dims[i])])) : STORIES_15M;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.bin'), randomCheckpoint(config));
  writeFileSync(join(dir, 'tokenizer.bin'), randomTokenizer(config.vocabSize));
  console.log(`wrote ${join(dir, 'model.bin')} and tokenizer.bin:`, config);
}
