// Runs a command to completion and returns its output. On failure the error carries the command,
// exit status and both output streams, so a failed npm install or tsc run explains itself.
import { execFile } from 'node:child_process';

const NO_COLOR = { NO_COLOR: '1', FORCE_COLOR: '0', npm_config_color: 'false' };

/**
 * Runs `command args` in `cwd` (no shell). Resolves to { stdout, stderr }; rejects with an Error
 * whose message holds the command line, exit code and output. `env` is added to process.env.
 */
export function run(command, args, { cwd, env = {}, timeoutMs = 120_000 } = {}) {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      {
        cwd,
        env: { ...process.env, ...NO_COLOR, ...env },
        timeout: timeoutMs,
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        if (error) {
          const how = error.killed ? `killed after ${timeoutMs} ms` : `exit code ${error.code}`;
          reject(
            new Error(
              `${command} ${args.join(' ')} (in ${cwd}) failed, ${how}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`,
            ),
          );
        } else {
          resolve({ stdout, stderr });
        }
      },
    );
  });
}

/** Runs `node args` with the Node that runs the tests. */
export function node(args, options) {
  return run(process.execPath, args, options);
}

/** Runs the npm CLI quietly (no audit, no funding notes, no colours). */
export function npm(args, options) {
  const command = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  return run(command, [...args, '--no-audit', '--no-fund', '--loglevel=error'], options);
}
