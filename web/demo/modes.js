// The page's modes, one tab each. A mode is { id, label, mount(container, { lk, store }) }.
// Only modes that exist are listed; an "in-browser model" mode is added here as a further entry
// when it lands.
import { mountApiMode } from './api-mode.js';
import { mountPasteMode } from './paste-mode.js';

export const MODES = [
  { id: 'paste', label: 'Paste logits', mount: mountPasteMode },
  { id: 'api', label: 'API response', mount: mountApiMode },
];
