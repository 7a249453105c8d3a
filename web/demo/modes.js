// The page's modes, one tab each. A mode is { id, label, mount(container, { lk, store }) }.
// Only modes that exist are listed; an "API response" mode (logitkit/logprobs) and an
// "in-browser model" mode are added here as further entries when they land.
import { mountPasteMode } from './paste-mode.js';

export const MODES = [
  { id: 'paste', label: 'Paste logits', mount: mountPasteMode },
];
