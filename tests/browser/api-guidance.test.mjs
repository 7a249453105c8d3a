// The API mode's per-provider texts cover every provider logitkit/logprobs reads: a provider added
// to the parser without a name, a request hint or a known shape here would show "undefined" on the
// page. (A module check, no browser: api-guidance.js builds elements only when called.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PROVIDERS } from '../../dist/logprobs/index.js';
import { KNOWN_SHAPES, PROVIDER_NAMES, REQUEST_LOGPROBS } from '../../web/demo/api-guidance.js';

test('every provider has a display name and a logprobs request hint', () => {
  for (const provider of PROVIDERS) {
    assert.equal(typeof PROVIDER_NAMES[provider], 'string', `name of ${provider}`);
    assert.equal(typeof REQUEST_LOGPROBS[provider], 'string', `request hint of ${provider}`);
  }
  assert.deepEqual(Object.keys(PROVIDER_NAMES).sort(), [...PROVIDERS].sort());
  assert.deepEqual(Object.keys(REQUEST_LOGPROBS).sort(), [...PROVIDERS].sort());
});

test('the known-shapes list names every provider', () => {
  const listed = KNOWN_SHAPES.map(([name]) => name).join('\n');
  for (const provider of PROVIDERS) {
    const name = PROVIDER_NAMES[provider].replace(/ \(.*\)$/, '');
    assert.ok(
      listed.includes(name) || (provider === 'vllm' && listed.includes('vLLM')),
      `${provider} (${name}) in KNOWN_SHAPES`,
    );
  }
});
