import { ConfigReader } from './config-reader.js';
import type { ProfileResult, ProfileSamplingOptions, SequenceBias } from './profile.js';

// HF's defaults for keys a generation config leaves out: GenerationConfig._get_default_generation_params
// (src/transformers/generation/configuration_utils.py, transformers 5.x). min_p has none (None: off).
const DEFAULTS = {
  do_sample: false,
  temperature: 1,
  top_k: 50,
  top_p: 1,
  typical_p: 1,
  epsilon_cutoff: 0,
  eta_cutoff: 0,
  repetition_penalty: 1,
  no_repeat_ngram_size: 0,
  min_length: 0,
} as const;

// Keys that do not change the next-token distribution of one sampling step: lengths and stopping,
// outputs, caching, special ids used elsewhere, metadata, and speculative decoding (which keeps
// the target distribution).
const IGNORED = [
  'max_length',
  'max_new_tokens',
  'early_stopping',
  'max_time',
  'stop_strings',
  'num_return_sequences',
  'length_penalty',
  'use_cache',
  'cache_implementation',
  'cache_config',
  'max_cache_len',
  'return_legacy_cache',
  'prefill_chunk_size',
  'output_attentions',
  'output_hidden_states',
  'output_scores',
  'output_logits',
  'return_dict_in_generate',
  'pad_token_id',
  'bos_token_id',
  'decoder_start_token_id',
  'renormalize_logits',
  'remove_invalid_values',
  'token_healing',
  'low_memory',
  'compile_config',
  'disable_compile',
  'is_assistant',
  'num_assistant_tokens',
  'num_assistant_tokens_schedule',
  'assistant_confidence_threshold',
  'prompt_lookup_num_tokens',
  'max_matching_ngram_size',
  'assistant_early_exit',
  'assistant_lookbehind',
  'target_lookbehind',
  'use_mtp',
  'continuous_batching_config',
  'transformers_version',
  '_from_model_config',
  '_commit_hash',
];

// Decoding modes and processors logitkit's sampler does not reproduce, with the value that leaves
// them off (GenerationConfig.get_generation_mode and GenerationMixin._get_logits_processor).
const UNSUPPORTED: [string, (v: unknown) => boolean, string][] = [
  ['num_beams', (v) => v === 1, 'is beam search, which a sampler does not do'],
  ['num_beam_groups', (v) => v === 1, 'is group beam search, which a sampler does not do'],
  ['diversity_penalty', (v) => v === 0, 'applies to group beam search only'],
  ['penalty_alpha', (v) => v === 0, 'is contrastive search, which needs the model'],
  ['dola_layers', () => false, 'is DoLa decoding, which needs the model'],
  ['constraints', () => false, 'is constrained beam search'],
  ['force_words_ids', () => false, 'is constrained beam search'],
  [
    'guidance_scale',
    (v) => v === 1,
    'is classifier-free guidance, which needs a second forward pass',
  ],
  ['encoder_repetition_penalty', (v) => v === 1, 'needs the encoder input ids'],
  ['encoder_no_repeat_ngram_size', (v) => v === 0, 'needs the encoder input ids'],
  ['exponential_decay_length_penalty', () => false, 'is not implemented by logitkit'],
  ['forced_bos_token_id', () => false, 'forces a token, which the sampler does not do'],
  [
    'forced_eos_token_id',
    () => false,
    'forces a token at max_length, which the sampler does not know',
  ],
  ['watermarking_config', () => false, 'is not implemented by logitkit'],
  ['top_h', () => false, 'is not implemented by logitkit'],
  // The wild card: generate() takes these as its own keyword arguments, sampling ones included.
  [
    'generation_kwargs',
    (v) => typeof v === 'object' && v !== null && Object.keys(v).length === 0,
    'passes keyword arguments to generate(): give them as keys of the config',
  ],
  // Model-specific keys that a model's own generate() turns into a logits processor.
  [
    'return_timestamps',
    (v) => v === false,
    "is Whisper's timestamp rules (WhisperTimeStampLogitsProcessor), which logitkit does not implement",
  ],
];

// Keys that are not GenerationConfig fields but that models ship in generation_config.json (HF
// keeps them as attributes, GenerationConfig.__init__'s "additional attributes"): Whisper's
// decoder-prompt tokens (forced_decoder_ids, lang_to_id, task_to_id, no_timestamps_token_id,
// prev_sot_token_id; WhisperForConditionalGeneration.generate builds the prompt from them, which
// the caller feeds with accept(tokens, { prompt: true })), its word-timestamp alignment_heads, and
// max_initial_timestamp_index, read only by the timestamp processor. None changes a sampling step.
const MODEL_IGNORED = [
  'forced_decoder_ids',
  'alignment_heads',
  'lang_to_id',
  'task_to_id',
  'is_multilingual',
  'no_timestamps_token_id',
  'prev_sot_token_id',
  'max_initial_timestamp_index',
];

/**
 * A Hugging Face `generation_config.json` (a `GenerationConfig` as JSON) as sampling options with
 * `generate()`'s semantics: `compat: 'transformers'` (top-k keeps every token tied with the k-th,
 * penalties and n-gram blocking see the whole `input_ids`, prompt included), HF's defaults for keys
 * left out (`top_k` 50 when sampling) and its processors: `sequence_bias`, `bad_words_ids` (the EOS
 * token alone is never a bad word), `min_length` / `min_new_tokens` (with `eos_token_id` as
 * `stopTokenIds`), `suppress_tokens`, `begin_suppress_tokens`.
 *
 * `do_sample` false (HF's default) is greedy decoding: `temperature: 0`, and the warpers
 * (temperature, top_k, top_p, min_p, typical_p, epsilon_cutoff, eta_cutoff) go to `ignored`, as
 * `generate()` builds none. Lengths, outputs, caching and metadata keys go to `ignored` too.
 *
 * An unknown key is a `LogitkitTypeError`, as in the other profiles, so that a misspelt key
 * (`temprature`) is never silently dropped. The keys models ship beside `GenerationConfig`'s own
 * fields and that no sampling step reads (Whisper's `lang_to_id`, `alignment_heads`,
 * `forced_decoder_ids`, ...) are known and go to `ignored`; a model-specific key that a model's
 * `generate()` turns into a logits processor is refused (Whisper's `return_timestamps: true`: a
 * `LogitkitRangeError`).
 *
 * @param generationConfig the parsed JSON of a `generation_config.json`.
 * @returns `{ options, ignored }`; `options` goes to `lk.createSampler(options)` as it is.
 * @throws LogitkitTypeError for an unknown key or a value of the wrong type, naming its JSON path
 *   (`generationConfig.top_k`); LogitkitRangeError for a value HF refuses (`temperature` 0 with
 *   `do_sample`, `top_k` < 0, ...) or a mode a sampler cannot reproduce (`num_beams` > 1,
 *   contrastive search, guidance, forced BOS / EOS tokens, Whisper's timestamps, non-empty
 *   `generation_kwargs`).
 */
export function fromTransformers(generationConfig: Record<string, unknown>): ProfileResult {
  const r = new ConfigReader('fromTransformers', 'generationConfig', generationConfig);
  const doSample = r.boolean('do_sample', DEFAULTS.do_sample);
  const options: ProfileSamplingOptions = { compat: 'transformers' };

  const eos = r.tokenIds('eos_token_id');
  if (eos !== undefined && eos.length > 0) options.stopTokenIds = eos;

  const sequenceBias = readSequenceBias(r);
  if (sequenceBias !== undefined) options.sequenceBias = sequenceBias;
  // RepetitionPenaltyLogitsProcessor: penalty > 0, over every token of input_ids.
  const repetition = r.number('repetition_penalty', DEFAULTS.repetition_penalty, {
    min: 0,
    minExclusive: true,
  });
  if (repetition !== 1) {
    options.repetitionPenalty = repetition;
    options.penaltyLastN = -1;
  }
  const ngram = r.integer('no_repeat_ngram_size', DEFAULTS.no_repeat_ngram_size);
  if (ngram > 0) options.noRepeatNgramSize = ngram;
  // NoBadWordsLogitsProcessor drops a bad word that is exactly one EOS token.
  const badWords = r
    .tokenSequences('bad_words_ids')
    ?.filter((word) => !(word.length === 1 && eos?.includes(word[0]!)));
  if (badWords !== undefined && badWords.length > 0) options.badWordsIds = badWords;
  // MinLength / MinNewTokensLength are built only when an EOS token is known.
  const minLength = r.integer('min_length', DEFAULTS.min_length, { min: 0 });
  const minNewTokens = r.integer('min_new_tokens', undefined, { min: 0 });
  if (options.stopTokenIds !== undefined) {
    if (minLength > 0) options.minLength = minLength;
    if (minNewTokens !== undefined && minNewTokens > 0) options.minNewTokens = minNewTokens;
  }
  const suppress = r.tokenIds('suppress_tokens');
  if (suppress !== undefined && suppress.length > 0) options.suppressTokens = suppress;
  const beginSuppress = r.tokenIds('begin_suppress_tokens');
  if (beginSuppress !== undefined && beginSuppress.length > 0)
    options.beginSuppressTokens = beginSuppress;

  const warpers = [
    'temperature',
    'top_k',
    'top_p',
    'min_p',
    'typical_p',
    'epsilon_cutoff',
    'eta_cutoff',
  ];
  if (!doSample) {
    // Greedy search: argmax of the processed logits; no warper is built.
    options.temperature = 0;
    r.ignore(...warpers);
  } else {
    options.temperature = r.number('temperature', DEFAULTS.temperature, {
      min: 0,
      minExclusive: true,
    });
    options.topK = r.integer('top_k', DEFAULTS.top_k, { min: 0 });
    // TopPLogitsWarper is built for top_p < 1 and refuses top_p < 0; top_p 0 keeps one token.
    options.topP = Math.min(1, r.number('top_p', DEFAULTS.top_p, { min: 0 }));
    const minP = r.number('min_p', undefined, { min: 0, max: 1 });
    if (minP !== undefined) options.minP = minP;
    // TypicalLogitsWarper is built for typical_p < 1 and refuses typical_p <= 0.
    const typical = r.number('typical_p', DEFAULTS.typical_p);
    if (typical <= 0) r.rangeError('typical_p', `must be > 0, got ${typical}`);
    if (typical < 1) options.typicalP = typical;
    // Epsilon and eta warpers are built only for values strictly inside (0, 1).
    const epsilon = r.number('epsilon_cutoff', DEFAULTS.epsilon_cutoff);
    if (epsilon > 0 && epsilon < 1) options.epsilonCutoff = epsilon;
    const eta = r.number('eta_cutoff', DEFAULTS.eta_cutoff);
    if (eta > 0 && eta < 1) options.etaCutoff = eta;
  }

  for (const [key, isNoOp, why] of UNSUPPORTED) r.unsupported(key, isNoOp, why);
  r.ignore(...IGNORED, ...MODEL_IGNORED);
  return { options, ignored: r.finish() };
}

// SequenceBiasLogitsProcessor's list form, [[token ids], bias] pairs (JSON has no tuple keys).
function readSequenceBias(r: ConfigReader): SequenceBias[] | undefined {
  const value = r.raw('sequence_bias');
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0)
    r.typeError('sequence_bias', 'must be a non-empty array of [token ids, bias] pairs');
  return value.map((pair: unknown, i) => {
    const where = `${r.path('sequence_bias')}[${i}]`;
    if (
      !Array.isArray(pair) ||
      pair.length !== 2 ||
      !Array.isArray(pair[0]) ||
      pair[0].length === 0
    ) {
      r.typeError('sequence_bias', `[${i}] must be a pair [non-empty token-id array, bias]`);
    }
    // HF's list form takes positive token ids only (all_token_bias_pairs_are_valid).
    const tokens = (pair[0] as unknown[]).map((id, j) => {
      const token = r.tokenId(id, `${where}[0][${j}]`);
      if (token === 0)
        r.rangeError('sequence_bias', `[${i}][0][${j}] must be a positive token id (HF refuses 0)`);
      return token;
    });
    return [tokens, r.checkNumber(pair[1], `${where}[1]`)] as const;
  });
}
