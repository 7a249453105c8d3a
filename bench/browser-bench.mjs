// `npm run bench:browser`: the benchmark's comparisons in headless Chromium. Serves
// bench/browser/ (the page), dist/ (the built package) and tfjs's dist folders from node_modules
// on localhost, drives the page with playwright-core, runs the native benchmark in a subprocess
// for the same configurations, counts the native kernels' instructions, and prints the same tables
// and targets summary as bench.mjs (with Chromium's threshold against tf.softmax).
// Needs a built dist/ (bash scripts/build.sh) and /usr/bin/chromium (scripts/setup.sh installs it).
//
//   node bench/browser-bench.mjs [--sizes=128256,262144] [--json=results.json]
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from '../tests/browser/browser.mjs';
import { startStaticServer } from '../scripts/serve.mjs';
import { renderRun } from './report.mjs';
import { measureSweep } from './sweep.mjs';
import { evaluateTargets } from './targets.mjs';

const DEFAULT_SIZES = [128256, 262144];
// Chromium rounds performance.now() to 100 µs on pages that are not cross-origin isolated, so
// every timed batch lasts at least 5 ms (2% resolution); see timing.mjs.
const BROWSER_TIMING = { minSampleMs: 5 };

const path = (relative) => fileURLToPath(new URL(relative, import.meta.url));

function parseArgs(argv) {
  const args = { sizes: DEFAULT_SIZES, json: null };
  for (const arg of argv) {
    if (arg.startsWith('--sizes=')) args.sizes = arg.slice(8).split(',').map(Number);
    else if (arg.startsWith('--json=')) args.json = arg.slice(7);
    else throw new Error(`bench:browser: unknown argument ${arg}`);
  }
  if (!args.sizes.every((n) => Number.isInteger(n) && n > 50))
    throw new Error('bench:browser: --sizes takes integers > 50');
  return args;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!existsSync(path('../dist/index.js')))
    throw new Error('dist/ is not built: run bash scripts/build.sh (or npm run build)');
  const started = performance.now();
  // The machine may be shared: the 1/5/15-minute load averages say how quiet it was.
  const loadAtStart = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  const server = await startStaticServer({
    mounts: {
      '/bench/': path('.'),
      '/dist/': path('../dist'),
      '/tfjs-core/': path('../node_modules/@tensorflow/tfjs-core/dist'),
      '/tfjs-backend-wasm/': path('../node_modules/@tensorflow/tfjs-backend-wasm/dist'),
    },
  });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    page.on('pageerror', (error) => process.stderr.write(`page error: ${error.message}\n`));
    page.on(
      'console',
      (msg) => msg.type() === 'error' && process.stderr.write(`page console: ${msg.text()}\n`),
    );
    await page.goto(`${server.url}bench/browser/`);
    await page.waitForFunction(() => window.benchSetup !== undefined, null, { timeout: 30_000 });
    const info = await page.evaluate(() => window.benchSetup);
    const sizes = {
      simd: statSync(path('../dist/wasm/logitkit-simd.wasm')).size / 1024,
      baseline: statSync(path('../dist/wasm/logitkit-baseline.wasm')).size / 1024,
    };
    const { loadMs } = info;
    console.log(
      `logitkit browser benchmark — Chromium ${browser.version()} (headless), Node ${process.version} runner, ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} logical CPUs), ${new Date().toISOString()}`,
    );
    console.log(info.tfInfo ? `competitor: ${info.tfInfo}` : `n/a: ${info.tfError}`);
    console.log(
      `page picked the ${info.simdBuild ? 'SIMD' : 'baseline'} build by default; wasm sizes: simd ${sizes.simd.toFixed(1)} KiB, baseline ${sizes.baseline.toFixed(1)} KiB`,
    );
    console.log(
      `load() in the page: simd ${loadMs.simdCold.toFixed(1)} ms cold / ${loadMs.simdWarm.toFixed(1)} ms warm; baseline ${loadMs.baselineCold.toFixed(1)} ms cold / ${loadMs.baselineWarm.toFixed(1)} ms warm (includes fetching over localhost)`,
    );
    console.log(
      'native: the -O3 -march=native build in a subprocess, same inputs. Each time is the median of several runs.\n',
    );

    const configs = await measureSweep(args.sizes, (n, kind) =>
      page.evaluate(
        ([n, kind, timing]) => window.benchRun(n, kind, timing),
        [n, kind, BROWSER_TIMING],
      ),
    );

    console.log(
      renderRun(
        configs,
        'Performance targets in Chromium (tf.softmax: >= 2x here), at V = 128256 and 262144 on random and peaked logits:',
        evaluateTargets({ configs, wasmKiB: sizes, loadMs, environment: 'chromium' }),
      ),
    );
    if (args.json) {
      writeFileSync(
        args.json,
        JSON.stringify(
          { chromium: browser.version(), date: new Date().toISOString(), sizes, loadMs, configs },
          null,
          2,
        ),
      );
    }
    console.log(
      `\nbench:browser: done in ${((performance.now() - started) / 1000).toFixed(0)} s; load average ${loadAtStart} at the start, ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} at the end`,
    );
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
