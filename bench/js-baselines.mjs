// Plain-JS competitors: what an app writes without logitkit. Runs in browsers and Node.
// softmax/logSoftmax are tuned Float32Array loops (the targets' "plain Float32Array JS loop");
// topK and sampleTopP are the usual sort-based code (the targets' "softmax + sort + cumulative cut").

/** Stable softmax of z into out (a Float32Array of the same length); returns out. */
export function softmax(z, out) {
  let max = -Infinity;
  for (let i = 0; i < z.length; i++) if (z[i] > max) max = z[i];
  let sum = 0;
  for (let i = 0; i < z.length; i++) sum += out[i] = Math.exp(z[i] - max);
  const inv = 1 / sum;
  for (let i = 0; i < z.length; i++) out[i] *= inv;
  return out;
}

/** log-softmax of z into out; returns out. */
export function logSoftmax(z, out) {
  let max = -Infinity;
  for (let i = 0; i < z.length; i++) if (z[i] > max) max = z[i];
  let sum = 0;
  for (let i = 0; i < z.length; i++) sum += Math.exp(z[i] - max);
  const lse = max + Math.log(sum);
  for (let i = 0; i < z.length; i++) out[i] = z[i] - lse;
  return out;
}

/** Indices of the k largest logits (value descending, lower index first on ties), by full sort. */
export function topK(z, k) {
  const idx = Array.from(z, (_, i) => i).sort((a, b) => z[b] - z[a] || a - b);
  return idx.slice(0, k);
}

/** softmax(z / temperature) + full sort + cumulative top-p cut + draw with uniform u in [0, 1). */
export function sampleTopP(z, temperature, topP, u) {
  const p = new Float32Array(z.length);
  softmax(
    z.map((v) => v / temperature),
    p,
  );
  const idx = Array.from(p, (_, i) => i).sort((a, b) => p[b] - p[a]);
  let cum = 0;
  let cut = idx.length;
  for (let j = 0; j < idx.length; j++) {
    cum += p[idx[j]];
    if (cum >= topP) {
      cut = j + 1;
      break;
    }
  }
  let target = u * cum;
  for (let j = 0; j < cut; j++) if ((target -= p[idx[j]]) < 0) return idx[j];
  return idx[cut - 1];
}
