// Vite config for the demo page. Built by scripts/serve.mjs (build/demo/) and usable with `npx vite web/demo`.
// The demo is a client of the package as built: `logitkit` resolves to dist/, never to web/src/.
import { fileURLToPath } from 'node:url';
import { staticFiles } from './vite-static-files.js';

const dist = fileURLToPath(new URL('../../dist/', import.meta.url));
const repo = fileURLToPath(new URL('../../', import.meta.url));

export default {
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Relative asset URLs: the built page works from any static host and under any sub-path.
  base: './',
  resolve: {
    alias: [
      { find: /^logitkit$/, replacement: `${dist}index.js` },
      // The API-response mode (the package's `logitkit/logprobs` subpath).
      { find: /^logitkit\/logprobs$/, replacement: `${dist}logprobs/index.js` },
      // The model mode's transformers.js source (the package's `logitkit/transformers` subpath).
      { find: /^logitkit\/transformers$/, replacement: `${dist}transformers/index.js` },
    ],
  },
  // The bundled ONNX export of the default model, where transformers-source.js tells
  // transformers.js to look (ONNX Runtime Web's binary is an asset Vite finds by itself, through
  // the `new URL(..., import.meta.url)` in its bundle): the page works offline from its own origin.
  plugins: [staticFiles([{ prefix: 'models/kjv-onnx/', dir: `${repo}examples/model/kjv-onnx` }])],
  build: {
    outDir: fileURLToPath(new URL('../../build/demo/', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // .wasm must stay a separate file (fetched and streamed), never inlined as a data: URL.
    assetsInlineLimit: 0,
  },
  // The model worker is an ES module (top-level await, dynamic import of the wasm glue).
  worker: { format: 'es' },
  server: { fs: { allow: [fileURLToPath(new URL('../../', import.meta.url))] } },
};
