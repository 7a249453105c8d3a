// Keyboard movement in a list with one roving tab stop (the API heatmap, the model's text): the
// keys a listbox answers and where each one goes.

/**
 * The index `key` moves to from `current` in a list of `count` items (←/↑ back, →/↓ forward,
 * Home/End to the ends, clamped), or -1 for a key the list does not handle.
 */
export function rovingTarget(key, current, count) {
  const moves = {
    ArrowRight: current + 1,
    ArrowDown: current + 1,
    ArrowLeft: current - 1,
    ArrowUp: current - 1,
    Home: 0,
    End: count - 1,
  };
  if (!(key in moves)) return -1;
  return Math.max(0, Math.min(count - 1, moves[key]));
}
