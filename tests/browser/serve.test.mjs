// scripts/serve.mjs, the server of `npm start`: HOST chooses the interface (loopback by default),
// and the server exits with its parent, so stopping `npm start` by its process id (even with
// SIGKILL, which npm cannot forward) frees the port. Runs the real script in child processes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ensureDemoBuilt } from './demo-build.mjs';

const SERVE = fileURLToPath(new URL('../../scripts/serve.mjs', import.meta.url));

before(() => ensureDemoBuilt());

/** Whether something accepts TCP connections on host:port. */
function listening(host, port) {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts `node -e <parent>` whose child is `node scripts/serve.mjs --no-build` (as npm runs the
 * script), and resolves to { parent, url } once the server prints its URL.
 */
function startUnderParent(env) {
  const parentCode = `
    const { spawn } = require('node:child_process');
    spawn(process.execPath, [${JSON.stringify(SERVE)}, '--no-build'], { stdio: 'inherit' });
    setInterval(() => {}, 1000);
  `;
  const parent = spawn(process.execPath, ['-e', parentCode], {
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed:\n${output}`)), 30_000);
    const onData = (chunk) => {
      output += chunk;
      const match = /logitkit demo: (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ parent, url: new URL(match[1]), output: () => output });
      }
    };
    parent.stdout.setEncoding('utf8').on('data', onData);
    parent.stderr.setEncoding('utf8').on('data', onData);
  });
}

/** Polls until nothing listens on host:port, for at most `ms`; returns whether it got free. */
async function freed(host, port, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!(await listening(host, port))) return true;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  return false;
}

describe('scripts/serve.mjs', { timeout: 120_000 }, () => {
  test('serves on loopback by default, and exits when its parent is killed with SIGKILL', async () => {
    const { parent, url } = await startUnderParent({ HOST: '' });
    const port = Number(url.port);
    assert.equal(url.hostname, 'localhost');
    const page = await fetch(`http://127.0.0.1:${port}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>logitkit demo/);
    parent.kill('SIGKILL');
    assert.ok(
      await freed('127.0.0.1', port),
      'the server let go of the port after its parent died',
    );
  });

  test('HOST picks the interface: 127.0.0.2 serves there and not on 127.0.0.1', async () => {
    const { parent, url } = await startUnderParent({ HOST: '127.0.0.2' });
    const port = Number(url.port);
    try {
      assert.equal(url.hostname, '127.0.0.2');
      assert.equal((await fetch(`http://127.0.0.2:${port}/`)).status, 200);
      assert.equal(await listening('127.0.0.1', port), false);
    } finally {
      parent.kill('SIGTERM');
      assert.ok(await freed('127.0.0.2', port));
    }
  });
});
