// Float64 ports of four stacks' whole next-token pipelines, each reading the stack's own config
// (its keys, defaults and value rules) and built from the stage references in chain-reference.mjs
// where a stage is the same. They are the oracle the profile functions (fromLlamaCpp, ...) and the
// `compat` rules are tested against. Read from (commit of each file as stored when read):
// - llama.cpp (ggml-org/llama.cpp): src/llama-sampling.cpp @0344068c, common/sampling.cpp
//   @00efb3e1 (common_sampler_init, common_sampler_types_from_names / _from_chars),
//   common/common.h @001d906a (common_params_sampling defaults), tools/server/server-task.cpp
//   @00efb3e1 (params_from_json_cmpl), tools/server/server-context.cpp (prompt tokens accepted).
// - transformers (huggingface/transformers): generation/logits_process.py @00857b6c,
//   generation/utils.py @000034a4 (_get_logits_processor: order and build conditions),
//   GenerationConfig._get_default_generation_params (5.x).
// - vLLM (vllm-project/vllm): vllm/v1/sample/sampler.py (Sampler.forward, apply_logits_processors),
//   model_executor/layers/utils.py apply_penalties, v1/sample/ops/bad_words.py @17daac61,
//   v1/sample/ops/topk_topp_sampler.py @01fa3fe7 (apply_top_k_top_p_pytorch),
//   v1/sample/logits_processor/builtin.py @0272a72c, vllm/sampling_params.py @00388f65.
// - OpenAI: the API reference (Chat Completions / Completions create) and its "parameter details"
//   page for presence and frequency penalties.
// Each returns the kept candidates { id, z } (z: the final scaled logit), most probable first.
import { readFileSync } from 'node:fs';
import * as st from './chain-reference.mjs';

// Each stack's defaults for the keys a config leaves out, as data written from that stack's source
// (named in the file), so this oracle never reads the tables of the profiles it checks.
const DEFAULTS = JSON.parse(
  readFileSync(new URL('./fixtures/stack-defaults.json', import.meta.url), 'utf8'),
);
const LLAMA_DEFAULTS = DEFAULTS.llamaCpp.defaults;
const LLAMA_CHARS = DEFAULTS.llamaCpp.samplerChars;
const HF_DEFAULTS = DEFAULTS.transformers.defaults;
const VLLM_DEFAULTS = DEFAULTS.vllm.defaults;
const OPENAI_DEFAULTS = DEFAULTS.openai.defaults;

const given = (config) =>
  Object.fromEntries(Object.entries(config).filter(([, v]) => v !== null && v !== undefined));
const finite = (c) => st.sortDesc(c.filter((x) => x.z !== -Infinity));
const candidates = (z) => Array.from(z, (v, id) => ({ id, z: v }));
const onRow = (c, n, op) => {
  const z = new Array(n).fill(-Infinity);
  for (const x of c) z[x.id] = x.z;
  op(z);
  return c.map((x) => ({ id: x.id, z: z[x.id] }));
};

// ---------------------------------------------------------------- llama.cpp server

// llama_sampler_min_p_apply in logit space: keep z >= max + log(p), else the sorted fallback
// (first token always, then min_keep).
function llamaMinP(c, p, minKeep) {
  if (p <= 0 || c.length === 0) return c;
  const s = st.sortDesc(c);
  const cut = s[0].z + Math.log(p);
  let i = 1;
  while (i < s.length && !(s[i].z < cut && i >= minKeep)) i++;
  return s.slice(0, i);
}

// get_overlapping_token_sequences: a breaker string is every token containing it, plus every token
// ending with a proper prefix of it (from an occurrence of its first character) followed by the
// tokenization of the rest, cut to 20 tokens.
export function overlappingSequences(vocab, tokenize, str) {
  const out = [];
  vocab.forEach((word, id) => {
    if (word.includes(str)) {
      out.push([id]);
      return;
    }
    for (let pos = word.indexOf(str[0]); pos !== -1; pos = word.indexOf(str[0], pos + 1)) {
      let i = 1;
      let match = true;
      for (; i < str.length && i + pos < word.length; i++) {
        if (word[pos + i] !== str[i]) {
          match = false;
          break;
        }
      }
      if (!match) continue;
      const seq = [id, ...tokenize(str.slice(i)).slice(0, 20)];
      if (!out.some((other) => other.join() === seq.join())) out.push(seq);
    }
  });
  return out;
}

/**
 * llama.cpp server: params_from_json_cmpl, then common_sampler_init's chain ([logit_bias,] the
 * `samplers` list, dist; or with mirostat: [logit_bias,] temp, mirostat), on a history where the
 * prompt and the output share one ring (the server accepts every prompt token into the sampler).
 * `xtcU` is XTC's uniform draw, `mu` mirostat's; string DRY breakers need `vocab` (token texts)
 * and `tokenize`; `eog` lists the end-of-generation tokens `ignore_eos` bans.
 */
export function llamaCppPipeline(
  request,
  z32,
  { history = [], xtcU = 1, mu, vocab, tokenize, eog = [] } = {},
) {
  const p = { ...LLAMA_DEFAULTS, ...given(request) };
  if (p.dry_base < 1) p.dry_base = LLAMA_DEFAULTS.dry_base;
  const n = z32.length;
  const minKeep = p.min_keep;
  let c = candidates(z32);

  // logit_bias: an object or [token, bias] pairs; `false` is -inf; malformed entries are skipped.
  const pairs = Array.isArray(p.logit_bias)
    ? p.logit_bias.filter((el) => Array.isArray(el) && el.length === 2)
    : Object.entries(p.logit_bias ?? {}).map(([k, v]) => [Number(k), v]);
  for (const [token, bias] of pairs) {
    const b = typeof bias === 'number' ? bias : bias === false ? -Infinity : undefined;
    if (b !== undefined && Number.isInteger(token) && token >= 0 && token < n) c[token].z += b;
  }
  if (p.ignore_eos) for (const t of eog) c[t].z = -Infinity;

  if (p.mirostat !== 0) {
    c = st.temperature(c, p.temperature);
    const m = mu ?? 2 * p.mirostat_tau;
    c = p.mirostat === 1 ? st.mirostatV1(c, m, 100, n) : st.mirostatV2(c, m);
    return finite(c);
  }
  const names =
    typeof p.samplers === 'string'
      ? [...p.samplers].map((ch) => LLAMA_CHARS[ch]).filter(Boolean)
      : p.samplers.filter((name) => LLAMA_DEFAULTS.samplers.includes(name));
  const history64 = (last) =>
    last < 0 ? history : history.slice(Math.max(0, history.length - last));
  for (const name of names) {
    switch (name) {
      case 'penalties': {
        const last = p.repeat_last_n === -1 ? -1 : Math.max(p.repeat_last_n, 0);
        if (last === 0) break;
        if (p.repeat_penalty === 1 && p.frequency_penalty === 0 && p.presence_penalty === 0) break;
        const w = history64(last);
        c = onRow(c, n, (z) =>
          st.penalties(z, w, -1, p.repeat_penalty, p.frequency_penalty, p.presence_penalty),
        );
        break;
      }
      case 'dry': {
        if (p.dry_multiplier === 0 || p.dry_penalty_last_n === 0) break;
        if (!vocab) throw new Error('llamaCppPipeline: string DRY breakers need a vocabulary');
        const breakers = p.dry_sequence_breakers
          .filter((b) => b.length > 0)
          .flatMap((b) => overlappingSequences(vocab, tokenize, b.slice(0, 40)));
        c = onRow(c, n, (z) =>
          st.dry(
            z,
            history,
            p.dry_multiplier,
            p.dry_base,
            p.dry_allowed_length,
            p.dry_penalty_last_n,
            breakers,
          ),
        );
        break;
      }
      case 'top_n_sigma':
        c = st.topNSigma(
          c.filter((x) => x.z !== -Infinity),
          p.top_n_sigma,
        );
        break;
      case 'top_k':
        if (p.top_k > 0) c = st.sortDesc(c).slice(0, p.top_k);
        break;
      case 'typ_p':
        c = st.typicalLlama(c, p.typical_p, minKeep);
        break;
      case 'top_p':
        if (p.top_p < 1) c = st.topP(c, p.top_p, minKeep);
        break;
      case 'min_p':
        c = llamaMinP(c, p.min_p, minKeep);
        break;
      case 'xtc':
        c = st.xtc(c, p.xtc_probability, p.xtc_threshold, minKeep, xtcU);
        break;
      case 'temperature':
        c = st.dynatemp(c, p.temperature, p.dynatemp_range, p.dynatemp_exponent);
        break;
      default:
        break;
    }
  }
  return finite(c);
}

// ---------------------------------------------------------------- transformers generate()

/**
 * transformers: _get_logits_processor's processors in their order on input_ids = prompt + output,
 * then greedy (do_sample false) or the warpers (min_tokens_to_keep 1) in their order.
 */
export function transformersPipeline(config, z32, { prompt = [], output = [] } = {}) {
  const g = { ...HF_DEFAULTS, ...given(config) };
  const ids = [...prompt, ...output];
  const eos = g.eos_token_id === undefined ? undefined : [].concat(g.eos_token_id);
  const z = Array.from(z32);
  if (g.sequence_bias) st.sequenceBias(z, ids, g.sequence_bias);
  if (g.repetition_penalty !== 1) st.repetition(z, ids, g.repetition_penalty);
  if (g.no_repeat_ngram_size > 0) st.noRepeatNgram(z, ids, g.no_repeat_ngram_size);
  if (g.bad_words_ids) {
    const words = g.bad_words_ids.filter((w) => !(w.length === 1 && eos?.includes(w[0])));
    st.badWords(z, ids, words, true);
  }
  if (eos && g.min_length > 0 && ids.length < g.min_length) st.suppress(z, eos);
  if (eos && g.min_new_tokens > 0 && output.length < g.min_new_tokens) st.suppress(z, eos);
  if (g.suppress_tokens) st.suppress(z, g.suppress_tokens);
  if (g.begin_suppress_tokens && ids.length === prompt.length)
    st.suppress(z, g.begin_suppress_tokens);
  let c = finite(candidates(z));
  if (!g.do_sample) return st.temperature(c, 0);
  if (g.temperature !== 1) c = st.temperature(c, g.temperature);
  if (g.top_k !== 0) c = st.topKTies(c, g.top_k, 1);
  if (g.top_p < 1) c = st.topP(c, g.top_p, 1);
  if (g.min_p !== undefined) c = st.minP(c, g.min_p, 1);
  if (g.typical_p < 1) c = st.typical(c, g.typical_p, 1);
  if (g.epsilon_cutoff > 0 && g.epsilon_cutoff < 1) c = st.epsilon(c, g.epsilon_cutoff, 1, true);
  if (g.eta_cutoff > 0 && g.eta_cutoff < 1) c = st.eta(c, g.eta_cutoff, 1, true);
  return st.sortDesc(c);
}

// ---------------------------------------------------------------- vLLM v1 sampler

/**
 * vLLM (a SamplingParams dict or a server request): SamplingParams.__post_init__'s temperature rules, then Sampler.forward: allowed ids, bad
 * words (on the output), min_tokens and logit_bias, penalties (repetition on prompt and output,
 * presence / frequency on the output), greedy below 1e-5, else temperature, min_p, top_k (ties
 * kept), top_p. `eos` joins the stop tokens min_tokens bans, as the engine adds it.
 */
export function vllmPipeline(params, z32, { prompt = [], output = [], eos = [] } = {}) {
  const s = { ...VLLM_DEFAULTS, ...given(params) };
  let t = s.temperature;
  if (t > 0 && t < 1e-2) t = 1e-2;
  const z = Array.from(z32);
  if (s.allowed_token_ids) {
    const allowed = new Set(s.allowed_token_ids);
    z.forEach((_, i) => allowed.has(i) || (z[i] = -Infinity));
  }
  st.badWords(z, output, s._bad_words_token_ids ?? []);
  const stop = [...(s.stop_token_ids ?? []), ...(s._all_stop_token_ids ?? []), ...eos];
  if (s.min_tokens > 0 && output.length < s.min_tokens) st.suppress(z, stop);
  // A server request's biases are clamped to [-100, 100] (SamplingParams.from_optional).
  const request = 'messages' in s || 'prompt' in s || 'model' in s;
  for (const [k, b] of Object.entries(s.logit_bias ?? {}))
    z[Number(k)] += request ? Math.min(100, Math.max(-100, b)) : b;
  if (s.repetition_penalty !== 1 || s.frequency_penalty !== 0 || s.presence_penalty !== 0)
    st.penaltiesSplit(
      z,
      prompt,
      output,
      -1,
      s.repetition_penalty,
      s.frequency_penalty,
      s.presence_penalty,
    );
  let c = finite(candidates(z));
  if (t < 1e-5) return st.temperature(c, 0);
  c = st.temperature(c, t);
  if (s.min_p > 0) c = st.minP(c, s.min_p, 1);
  if (s.top_k > 0) c = st.topKTies(c, s.top_k, 1);
  if (s.top_p < 1) c = st.topP(c, s.top_p, 1);
  return st.sortDesc(c);
}

// ---------------------------------------------------------------- OpenAI

/**
 * OpenAI, as documented: logit_bias added to the logits, presence / frequency with c[j] the count of
 * token j sampled so far, temperature (0 taken as greedy), top_p.
 */
export function openaiPipeline(request, z32, { output = [] } = {}) {
  const q = { ...OPENAI_DEFAULTS, ...given(request) };
  const z = Array.from(z32);
  for (const [k, b] of Object.entries(q.logit_bias ?? {})) z[Number(k)] += b;
  st.presenceFrequency(z, output, q.frequency_penalty, q.presence_penalty);
  let c = finite(candidates(z));
  c = st.temperature(c, q.temperature);
  if (q.top_p < 1) c = st.topP(c, q.top_p, 1);
  return st.sortDesc(c);
}

/**
 * The config files of tests/fixtures/profiles/, each with its stack: the profile function's name
 * (`fromLlamaCpp`, ...) and the pipeline that reads it, as (config, z, { prompt, output }).
 */
export const FIXTURE_STACKS = [
  [
    /^llamacpp-/,
    'fromLlamaCpp',
    (c, z, h) => llamaCppPipeline(c, z, { history: [...h.prompt, ...h.output] }),
  ],
  [/generation_config\.json$/, 'fromTransformers', transformersPipeline],
  [/^vllm-/, 'fromVllm', vllmPipeline],
  [/^openai-/, 'fromOpenAI', openaiPipeline],
];
