// The model the page loads on first run: trained by examples/model/train.py on the King James
// Bible (see the README, "In-browser model"). Vite copies both files into the build as assets, so
// the page works offline from its own origin.
export const DEFAULT_MODEL = Object.freeze({
  name: 'King James Bible model (default)',
  checkpoint: new URL('../../examples/model/kjv-model.bin', import.meta.url).href,
  tokenizer: new URL('../../examples/model/kjv-tokenizer.bin', import.meta.url).href,
});
