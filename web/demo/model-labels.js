// A token's label for charts and the output: its text after a non-BOS token (so " the" keeps its
// space), with byte tokens that are not whole characters shown as their piece ("<0xE2>").
const decoder = new TextDecoder('utf-8', { fatal: true });

export function tokenLabel(model, token) {
  if (token === 1) return '<s>';
  if (token === 2) return '</s>';
  try {
    return decoder.decode(model.decode(-1, token));
  } catch {
    return model.piece(token);
  }
}
