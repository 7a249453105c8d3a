// A Vite plugin that puts directories into the demo build under fixed names (and serves them the
// same way in `vite` dev): files that are fetched by a path a library composes, not imported, so
// Vite cannot see them. Here: the bundled ONNX model, which transformers.js reads as
// `models/<id>/config.json`, `models/<id>/onnx/model.onnx`, ...
import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Every file under `dir`, as [path relative to `dir` with '/', absolute path]. */
function filesOf(dir) {
  const out = [];
  const walk = (at) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) out.push([relative(dir, path).split(sep).join('/'), path]);
    }
  };
  walk(dir);
  return out;
}

/**
 * @param {{ prefix: string, dir: string }[]} mounts each file under `dir` goes to
 *   `<prefix><its path under dir>` in the build
 */
export function staticFiles(mounts) {
  const table = () =>
    mounts.flatMap(({ prefix, dir }) =>
      filesOf(dir).map(([path, file]) => [`${prefix}${path}`, file]),
    );
  return {
    name: 'logitkit-demo-static-files',
    generateBundle() {
      for (const [fileName, file] of table())
        this.emitFile({ type: 'asset', fileName, source: readFileSync(file) });
    },
    configureServer(server) {
      const files = new Map(table().map(([name, file]) => [`/${name}`, file]));
      server.middlewares.use((req, res, next) => {
        const file = files.get(decodeURIComponent(new URL(req.url, 'http://x').pathname));
        if (!file) return next();
        res.setHeader('Content-Length', statSync(file).size);
        res.setHeader(
          'Content-Type',
          file.endsWith('.wasm')
            ? 'application/wasm'
            : file.endsWith('.mjs')
              ? 'text/javascript'
              : 'application/octet-stream',
        );
        createReadStream(file).pipe(res);
      });
    },
  };
}
