// The example runs as documented and prints the report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const script = 'examples/logprobs-report/report.mjs';

test('report.mjs prints a confidence report for the shipped sample', () => {
  const out = execFileSync(
    process.execPath,
    [script, 'examples/logprobs-report/sample-openai.json'],
    { cwd: root, encoding: 'utf8' },
  );
  assert.match(out, /provider openai-chat, 1 choice\(s\)/);
  assert.match(out, /Choice 0: 29 tokens \(29 scored, 0 below top-N, 0 absent\)/);
  // The byte-split medal emoji comes out whole.
  assert.match(out, /took part\. 🏅"/);
  assert.match(out, /perplexity\s+1\.292/);
  assert.match(out, /mean logprob\s+-0\.256/);
  assert.match(out, /least likely\s+" About" p=0\.210 \(token 17\)/);
  assert.match(out, /low-confidence spans \(p < 0\.5\): 4/);
  assert.match(out, /"About"\s+min p=0\.210/);
  assert.match(out, /"241"\s+min p=0\.380/);
});

test('report.mjs takes a threshold and other providers and stream formats', () => {
  const out = execFileSync(
    process.execPath,
    [script, 'tests/fixtures/logprobs/ollama-chat-stream.ndjson', '0.3'],
    { cwd: root, encoding: 'utf8' },
  );
  assert.match(out, /provider ollama/);
  assert.match(out, /low-confidence spans \(p < 0\.3\): 1/);
  assert.match(out, /"👋"/);
});

test('report.mjs explains malformed input with the JSON path', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'logprobs-report-')), 'bad.json');
  writeFileSync(
    file,
    JSON.stringify({ choices: [{ logprobs: { content: [{ token: 'a', logprob: 'high' }] } }] }),
  );
  const run = spawnSync(process.execPath, [script, file], { cwd: root, encoding: 'utf8' });
  assert.equal(run.status, 1);
  assert.match(run.stderr, /choices\[0\]\.logprobs\.content\[0\]\.logprob: expected a logprob/);
});
