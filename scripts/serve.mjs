#!/usr/bin/env node
// Builds the demo page (Vite, into build/demo/) and serves it with a small static server.
// `node scripts/serve.mjs [--no-build]` honours PORT (default 5173) and HOST (the interface to
// listen on; default 127.0.0.1, loopback only: HOST=0.0.0.0 shares the demo on the network). It
// exits with its parent (npm start), so stopping that by its process id frees the port.
// Tests import startDemoServer().
import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
export const demoConfig = join(repo, 'web/demo/vite.config.js');
export const demoOutDir = join(repo, 'build/demo');

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** Runs `vite build` for the demo into build/demo/. Throws if dist/ (the package) is not built. */
export async function buildDemo({ logLevel = 'warn' } = {}) {
  if (!existsSync(join(repo, 'dist/index.js'))) {
    throw new Error('dist/index.js is missing: build the package first (bash scripts/build.sh)');
  }
  const { build } = await import('vite');
  await build({ configFile: demoConfig, logLevel });
  return demoOutDir;
}

/**
 * Serves directories over http. `mounts` maps URL prefixes (ending in '/') to directories; the
 * longest prefix wins. Directory URLs serve index.html. Paths cannot escape their directory.
 */
export function createStaticHandler(mounts) {
  const table = Object.entries(mounts)
    .map(([prefix, dir]) => [prefix, resolve(dir)])
    .sort((a, b) => b[0].length - a[0].length);
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method Not Allowed');
    let path;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      return send(res, 400, 'Bad Request');
    }
    const mount = table.find(([prefix]) => path.startsWith(prefix));
    if (!mount) return send(res, 404, 'Not Found');
    const [prefix, dir] = mount;
    let file = resolve(dir, `.${sep}${path.slice(prefix.length)}`);
    if (file !== dir && !file.startsWith(dir + sep)) return send(res, 403, 'Forbidden');
    let info = await stat(file).catch(() => null);
    if (info?.isDirectory()) {
      file = join(file, 'index.html');
      info = await stat(file).catch(() => null);
    }
    if (!info?.isFile()) return send(res, 404, 'Not Found');
    res.writeHead(200, {
      'Content-Type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': info.size,
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  };
}

function send(res, status, text) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(`${status} ${text}\n`);
}

/**
 * Serves `mounts` (see createStaticHandler) on host:port; port 0 picks a free port.
 * Resolves to { url, port, close }; rejects with err.code === 'EADDRINUSE' when the port is taken.
 */
export async function startStaticServer({ mounts, port = 0, host = '127.0.0.1' }) {
  const server = createServer(createStaticHandler(mounts));
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      ok();
    });
  });
  const actual = server.address().port;
  return {
    url: displayUrl(host, actual),
    port: actual,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/** Builds the demo (unless build: false) and serves build/demo/ at '/', plus any extra mounts. */
export async function startDemoServer({
  port = 5173,
  host = '127.0.0.1',
  build = true,
  mounts = {},
} = {}) {
  if (build) await buildDemo();
  return startStaticServer({ mounts: { '/': demoOutDir, ...mounts }, port, host });
}

/** The URL to print for a server on host:port (a browser cannot open 0.0.0.0 or ::). */
function displayUrl(host, port) {
  if (host === '127.0.0.1' || host === '0.0.0.0' || host === '::' || host === 'localhost')
    return `http://localhost:${port}/`;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;
}

/**
 * Exits when the parent process is gone (the parent of `npm start` is npm; a SIGKILL to it cannot
 * be forwarded, and the server would keep the port). The parent's death shows as a new ppid.
 */
function exitWithParent(server) {
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid !== parent) server.close().then(() => process.exit(0));
  }, 500);
  watch.unref();
}

async function main() {
  const port =
    process.env.PORT === undefined || process.env.PORT === '' ? 5173 : Number(process.env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve: PORT must be an integer 0-65535, got "${process.env.PORT}"`);
    process.exit(1);
  }
  const host = process.env.HOST || '127.0.0.1';
  const build = !process.argv.includes('--no-build');
  let server;
  try {
    server = await startDemoServer({ port, host, build });
  } catch (error) {
    if (error.code === 'EADDRINUSE') {
      console.error(
        `serve: port ${port} is already in use. Stop the other server or choose another port: PORT=5174 npm start`,
      );
    } else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') {
      console.error(`serve: HOST=${host} is not an address of this machine`);
    } else {
      console.error(`serve: ${error.message}`);
    }
    process.exit(1);
  }
  const where = host === '0.0.0.0' || host === '::' ? ' (listening on every interface)' : '';
  console.log(`logitkit demo: ${server.url}${where}`);
  const stop = () => server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.once('SIGHUP', stop);
  exitWithParent(server);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href)
  await main();
