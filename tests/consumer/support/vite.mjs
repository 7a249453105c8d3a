// Vite's dev and preview servers, run from a scratch project's own node_modules on a free port of
// 127.0.0.1 (other processes on the machine may hold 5173).
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const STARTUP_MS = 60_000;

/**
 * Starts `vite` (command 'dev') or `vite preview` in `dir` and resolves to { url, log, stop }
 * once it prints its Local URL. stop() ends the server's process group and waits for it.
 */
export function startVite(dir, command) {
  const args = [
    join(dir, 'node_modules/vite/bin/vite.js'),
    ...(command === 'dev' ? [] : [command]),
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--strictPort',
  ];
  // Its own process group, so stop() also ends anything the server started.
  const child = spawn(process.execPath, args, {
    cwd: dir,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  let output = '';
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }, 5000);
      await exited;
      clearTimeout(timer);
    }
  };
  return new Promise((resolve, reject) => {
    let started = false;
    const fail = (why) => {
      if (!started)
        stop().finally(() => reject(new Error(`vite ${command} in ${dir}: ${why}\n${output}`)));
    };
    const timer = setTimeout(() => fail(`no URL after ${STARTUP_MS} ms`), STARTUP_MS);
    const onData = (chunk) => {
      output += chunk;
      const match = /Local:\s+(http:\/\/\S+)/.exec(output.replace(/\x1b\[[0-9;]*m/g, ''));
      if (match && !started) {
        started = true;
        clearTimeout(timer);
        resolve({ url: match[1], log: () => output, stop });
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      fail(`exited early (code ${code}, signal ${signal})`);
    });
  });
}
