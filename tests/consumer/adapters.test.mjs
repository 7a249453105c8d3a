// The runtime examples (examples/onnxruntime, examples/transformers, examples/webllm; generation
// and structured output) as a user runs them: copied into a scratch project outside the repository with the packed tarball and the
// runtimes installed from the registry (the versions the repository tests with), run on the model
// folder of the checkout. Each prints what the same script prints in the checkout, whose output the
// JS tests tie to the C++ engine.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT } from './support/pack.mjs';
import { node } from './support/run.mjs';
import { copyExample, readManifest, removeScratch, scratchApp } from './support/scratch.mjs';

const MODELS = join(ROOT, 'examples/model/');
const ONNX = join(MODELS, 'kjv-onnx');
const tools = readManifest(ROOT).devDependencies;

let scratch;
let app;
before(async () => {
  const deps = {
    '@huggingface/transformers': tools['@huggingface/transformers'],
    '@huggingface/tokenizers': tools['@huggingface/tokenizers'],
    'onnxruntime-node': tools['onnxruntime-node'],
  };
  ({ scratch, app } = await scratchApp('adapters', null, deps, (dir) => {
    for (const name of ['onnxruntime', 'transformers', 'webllm']) copyExample(name, dir);
  }));
});
after(() => removeScratch(scratch));

const CASES = [
  ['onnxruntime/generate.mjs', [ONNX, 'And God said', '--tokens=30', '--seed=42']],
  ['onnxruntime/generate.mjs', [ONNX, 'And Adam lived', '--json', '--seed=5']],
  ['transformers/structured.mjs', [MODELS, 'kjv-onnx', '--seed=42']],
  [
    'transformers/generate.mjs',
    [MODELS, 'kjv-onnx', 'In the beginning', '--tokens=20', '--seed=7'],
  ],
  ['webllm/protocol.mjs', [ONNX, '--tokens=20', '--seed=3']],
];

for (const [script, args] of CASES) {
  test(`examples/${script} ${args.filter((a) => a.startsWith('--')).join(' ')} runs against the installed package and prints what it prints in the checkout`, async () => {
    const installed = await node([join(app, script), ...args], { cwd: app });
    const checkout = await node([join(ROOT, 'examples', script), ...args], { cwd: ROOT });
    assert.ok(installed.stdout.trim().length > 20, installed.stdout);
    if (script === 'transformers/generate.mjs') {
      // 'filter' mode draws with transformers.js's Math.random: only the seeded 'sample' line repeats.
      const sampleLine = (out) => out.split('\n').find((line) => line.startsWith('sample: '));
      assert.equal(sampleLine(installed.stdout), sampleLine(checkout.stdout));
      assert.match(installed.stdout, /^filter: In the beginning/m);
    } else {
      assert.equal(installed.stdout, checkout.stdout);
    }
  });
}
