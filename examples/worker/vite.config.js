import { defineConfig } from 'vite';

// Only because this example links logitkit from the checkout (`file:../..` makes node_modules/logitkit
// a symlink): keep the path inside node_modules so Vite treats it exactly like an npm-installed
// package. Without this the dev server sees files outside the project and refuses the .wasm (403).
// An app that installs logitkit from npm needs no Vite config at all.
export default defineConfig({
  resolve: { preserveSymlinks: true },
});
