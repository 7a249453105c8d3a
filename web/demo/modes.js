// The page's modes, one tab each. A mode is { id, label, mount(container, { lk, store }) }.
import { mountApiMode } from './api-mode.js';
import { mountModelMode } from './model-mode.js';
import { mountPasteMode } from './paste-mode.js';

export const MODES = [
  { id: 'paste', label: 'Paste logits', mount: mountPasteMode },
  { id: 'api', label: 'API response', mount: mountApiMode },
  { id: 'model', label: 'Model', mount: mountModelMode },
];
