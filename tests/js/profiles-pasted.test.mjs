// Real configs as users paste them (tests/js/fixtures/profiles/): each stack's keys that do not
// change a sampling step go to `ignored` as that stack passes them by, the ones that would change
// it and that logitkit does not implement stay errors, and the options keep what the stack keeps
// (float64 ports of each pipeline, stack-reference.mjs).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  fromLlamaCpp,
  fromOpenAI,
  fromTransformers,
  fromVllm,
  LogitkitTypeError,
} from '../../dist/index.js';
import * as ref from './chain-reference.mjs';
import * as stack from './stack-reference.mjs';
import { assertRangeError, normalLogits, PROFILES } from './helpers.mjs';

const FIXTURES = new URL('./fixtures/profiles/', import.meta.url);
const fixture = (name) => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'));

/** Kept ids (ascending) and their log-probabilities, from a candidate list. */
function summary(kept) {
  const lp = ref.probs(kept).map(Math.log);
  const byId = new Map(kept.map((x, i) => [x.id, lp[i]]));
  const ids = [...byId.keys()].sort((a, b) => a - b);
  return { ids, logprobs: ids.map((id) => byId.get(id)) };
}

// ---------------------------------------------------------------- every accepted file

test('pasted files: the options keep what each stack keeps, with the prompt and output apart', () => {
  const vocab = 151936;
  const z = normalLogits(vocab, 2.5, 11);
  const histories = [
    { prompt: [], output: [] },
    { prompt: [50257, 220, 13], output: [] },
    { prompt: [5, 9, 9], output: [9, 1, 107, 2] },
  ];
  const files = readdirSync(FIXTURES).filter((f) => !f.startsWith('bart-'));
  assert.equal(files.length, 12);
  for (const file of files) {
    const [, name, pipeline] = stack.FIXTURE_STACKS.find(([pattern]) => pattern.test(file));
    const config = fixture(file);
    const { options } = PROFILES[name](config);
    for (const h of histories) {
      const got = summary(ref.referenceChain(z, options, { prompt: h.prompt, history: h.output }));
      const want = summary(pipeline(config, z, h));
      assert.deepEqual(got.ids, want.ids, `${file}: kept set`);
      got.logprobs.forEach((lp, i) =>
        assert.ok(Math.abs(lp - want.logprobs[i]) <= 1e-9, `${file}: logprob of ${got.ids[i]}`),
      );
    }
  }
});

// ---------------------------------------------------------------- Hugging Face

test("fromTransformers: Whisper's generation_config.json loads; its own keys are ignored as HF keeps them", () => {
  const { options, ignored } = fromTransformers(fixture('whisper-tiny-generation_config.json'));
  assert.deepEqual(options.stopTokenIds, [50257]);
  assert.deepEqual(options.beginSuppressTokens, [220, 50257]);
  assert.equal(options.suppressTokens.length, 88);
  assert.equal(options.temperature, 0, 'no do_sample: greedy');
  for (const key of [
    'alignment_heads',
    'lang_to_id',
    'task_to_id',
    'is_multilingual',
    'no_timestamps_token_id',
    'max_initial_timestamp_index',
    'prev_sot_token_id',
    'return_timestamps',
    'forced_decoder_ids',
    'decoder_start_token_id',
    'transformers_version',
  ])
    assert.ok(ignored.includes(key), key);
});

test("fromTransformers: a model's own keys are ignored; an unknown key is a TypeError naming it", () => {
  assert.throws(
    () => fromTransformers({ do_sample: true, temprature: 0.7 }),
    (e) => e instanceof LogitkitTypeError && /unknown key "temprature"/.test(e.message),
  );
  assert.deepEqual(
    fromTransformers({ do_sample: true, lang_to_id: {}, alignment_heads: [[1, 0]] }).ignored,
    ['alignment_heads', 'lang_to_id'],
  );
  const documented = {
    cache_implementation: 'hybrid',
    output_scores: true,
    output_logits: true,
    return_dict_in_generate: true,
    num_assistant_tokens: 5,
    assistant_confidence_threshold: 0.4,
    prompt_lookup_num_tokens: 10,
    decoder_start_token_id: 0,
    _from_model_config: true,
    generation_kwargs: {},
  };
  assert.deepEqual(fromTransformers(documented).ignored.sort(), Object.keys(documented).sort());
});

test('fromTransformers: keys that would change sampling in HF stay errors', () => {
  assertRangeError(
    () =>
      fromTransformers({
        ...fixture('whisper-tiny-generation_config.json'),
        return_timestamps: true,
      }),
    'generationConfig.return_timestamps',
  );
  assertRangeError(
    () => fromTransformers({ generation_kwargs: { temperature: 0.5 } }),
    'generationConfig.generation_kwargs',
  );
  assertRangeError(
    () => fromTransformers({ watermarking_config: { greenlist_ratio: 0.25 } }),
    'generationConfig.watermarking_config',
  );
  // BART's summarisation file is beam search (num_beams 4), which a sampler does not do.
  assertRangeError(
    () => fromTransformers(fixture('bart-large-cnn-generation_config.json')),
    'generationConfig.num_beams',
  );
});

// ---------------------------------------------------------------- llama.cpp

test("fromLlamaCpp: the OpenAI-compatible endpoints' logprobs, as oaicompat_chat_params_parse maps them", () => {
  const top = (params) => fromLlamaCpp(params).options.topLogprobs;
  assert.equal(top({ logprobs: true, top_logprobs: 3 }), 3);
  assert.equal(top({ logprobs: true }), 20, 'top_logprobs defaults to 20');
  assert.equal(top({ logprobs: false }), undefined);
  assert.equal(top({ logprobs: 2 }), 2, '/v1/completions: the count');
  const both = fromLlamaCpp({ n_probs: 5, logprobs: true, top_logprobs: 3 });
  assert.equal(both.options.topLogprobs, 5, 'n_probs in the body wins');
  assert.deepEqual(both.ignored, ['logprobs', 'top_logprobs']);
  assert.equal(fromLlamaCpp({ logprobs: true }).options.logprobsMode, 'raw');
  assertRangeError(() => fromLlamaCpp({ logprobs: false, top_logprobs: 3 }), 'params.top_logprobs');
  assertRangeError(() => fromLlamaCpp({ top_logprobs: 3 }), 'params.top_logprobs');
});

test('fromLlamaCpp: keys the server passes by are ignored; response_format schemas and echo stay errors', () => {
  const passed = {
    slot_id: 0,
    system_prompt: 'You are terse.',
    penalty_prompt: 'the the the',
    user: 'u',
    metadata: { a: 1 },
    store: false,
    service_tier: 'auto',
    reasoning_effort: 'low',
    response_format: { type: 'text' },
    echo: false,
  };
  assert.deepEqual(fromLlamaCpp(passed).ignored.sort(), Object.keys(passed).sort());
  assertRangeError(
    () => fromLlamaCpp({ response_format: { type: 'json_object' } }),
    'params.response_format',
  );
  assertRangeError(
    () => fromLlamaCpp({ response_format: { type: 'json_schema', json_schema: { schema: {} } } }),
    'params.response_format',
  );
  assertRangeError(() => fromLlamaCpp({ echo: true }), 'params.echo');
  assertRangeError(() => fromLlamaCpp({ best_of: 2 }), 'params.best_of');
  assert.throws(() => fromLlamaCpp({ slot_idd: 0 }), /unknown key "slot_idd"/);
});

test('fromLlamaCpp: pasted request files', () => {
  const chat = fromLlamaCpp(fixture('llamacpp-v1-chat-completions-request.json'));
  assert.equal(chat.options.topLogprobs, 3);
  assert.deepEqual(chat.ignored.sort(), [
    'max_tokens',
    'messages',
    'model',
    'response_format',
    'stream',
    'user',
  ]);
  const legacy = fromLlamaCpp(fixture('llamacpp-legacy-completion-request.json'));
  assert.ok(legacy.ignored.includes('slot_id') && legacy.ignored.includes('system_prompt'));
  assert.equal(
    fromLlamaCpp(fixture('llamacpp-v1-completions-request.json')).options.topLogprobs,
    2,
  );
});

// ---------------------------------------------------------------- vLLM

test("fromVllm: beam search's length_penalty and early_stopping are ignored; use_beam_search stays an error", () => {
  const old = fromVllm(fixture('vllm-beam-era-sampling-params.json'));
  assert.ok(old.ignored.includes('length_penalty') && old.ignored.includes('early_stopping'));
  assert.deepEqual(fromVllm({ length_penalty: 1.3, early_stopping: true }).ignored, [
    'length_penalty',
    'early_stopping',
  ]);
  const server = { cache_salt: 's', return_token_ids: true, mm_processor_kwargs: {}, user: 'u' };
  assert.deepEqual(fromVllm(server).ignored.sort(), Object.keys(server).sort());
  const served = fromVllm(fixture('vllm-completions-request.json'));
  assert.ok(served.ignored.includes('user') && served.ignored.includes('length_penalty'));
  assertRangeError(
    () => fromVllm({ use_beam_search: true, length_penalty: 1.3 }),
    'samplingParams.use_beam_search',
  );
});

// ---------------------------------------------------------------- OpenAI

test('fromOpenAI: a chat request with tools, storage and routing fields', () => {
  const { options, ignored } = fromOpenAI(fixture('openai-chat-request-tools.json'));
  assert.equal(options.topLogprobs, 2);
  assert.deepEqual(ignored.sort(), [
    'messages',
    'metadata',
    'modalities',
    'model',
    'n',
    'parallel_tool_calls',
    'prediction',
    'service_tier',
    'store',
    'stream',
    'stream_options',
    'tool_choice',
    'tools',
    'user',
  ]);
  const more = {
    reasoning_effort: 'minimal',
    audio: { voice: 'alloy', format: 'wav' },
    prompt_cache_retention: '24h',
    safety_identifier: 'h',
  };
  assert.deepEqual(fromOpenAI(more).ignored.sort(), Object.keys(more).sort());
});

test('fromOpenAI: a Responses request: top_logprobs alone asks for logprobs, text.format is response_format', () => {
  const { options, ignored } = fromOpenAI(fixture('openai-responses-request.json'));
  assert.equal(options.topLogprobs, 4);
  assert.equal(options.logprobsMode, 'raw');
  assert.deepEqual(ignored.sort(), [
    'include',
    'input',
    'instructions',
    'max_output_tokens',
    'metadata',
    'model',
    'store',
    'text',
    'truncation',
  ]);
  assertRangeError(
    () =>
      fromOpenAI({
        input: 'hi',
        text: { format: { type: 'json_schema', name: 'x', schema: { type: 'object' } } },
      }),
    'request.text',
  );
  assertRangeError(() => fromOpenAI({ messages: [], top_logprobs: 3 }), 'request.top_logprobs');
});
