// Number and token formatting shared by the charts and tables.

/** A probability: 4 decimals, or 2 significant digits below 0.0001 (so tiny is not shown as 0). */
export function formatProb(p) {
  if (p === 0) return '0';
  if (p < 1e-4) return p.toExponential(1).replace('e-', 'e−');
  return p.toFixed(4);
}

/** A log value (logprob, logit): 4 decimals; -Infinity as −∞. */
export function formatLog(x) {
  if (x === -Infinity) return '−∞';
  if (x === Infinity) return '∞';
  return x.toFixed(4).replace('-', '−');
}

/** exp(z) as the seed article shows it: two decimals while readable, else scientific. */
export function formatExp(z) {
  const e = Math.exp(z);
  if (e === 0) return '0';
  if (!Number.isFinite(e)) return 'overflow';
  if (e >= 1e6 || e < 0.01) return e.toExponential(2).replace('e-', 'e−').replace('e+', 'e');
  return e.toFixed(2);
}

/** Makes whitespace in a token visible: leading/trailing spaces as ␣, newlines as ↵, tabs as ⇥. */
export function showToken(label) {
  return label.replace(/ /g, '␣').replace(/\n/g, '↵').replace(/\t/g, '⇥') || '(empty)';
}

/** Shortens a label for a chart row. */
export function clip(text, max = 18) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
