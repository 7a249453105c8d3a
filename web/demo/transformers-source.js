// The transformers.js source of the model worker: a causal LM run by transformers.js on ONNX
// Runtime Web, either the bundled ONNX export of the default model (served with the page, so it
// works offline) or a Hugging Face model id (fetched from the Hub by the user's browser). logitkit
// draws every token through its transformers.js adapter (logitkit/transformers,
// LogitkitLogitsProcessor in 'sample' mode), so the seeded sampler and its stages are the same as
// with the llama2.c engine. The generation runs one `generate()` call per token with the key/value
// cache passed back in (`return_dict_in_generate`), so the page can pause and single-step it.
import {
  AutoConfig,
  AutoModelForCausalLM,
  AutoTokenizer,
  Tensor,
  env,
} from '@huggingface/transformers';
import { LogitkitLogitsProcessor, tokenizerInfoFromHuggingFace } from 'logitkit/transformers';

/** The bundled export's id under `models/` (see vite.config.js: the build copies it there). */
export const BUNDLED_ID = 'kjv-onnx';

/** A Hugging Face model id: `name` or `owner/name` (letters, digits, '-', '_', '.'). */
const MODEL_ID = /^(?:[A-Za-z0-9][\w.-]{0,95}\/)?[A-Za-z0-9][\w.-]{0,95}$/;

/** An error the page shows by the model source (never a crash of the worker). */
export class ModelSourceError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ModelSourceError';
    this.source = true;
  }
}

/**
 * Loads a model with transformers.js.
 * @param lk the worker's logitkit instance (its samplers and buffers)
 * @param {{ modelId: string | null, base: string }} request `modelId` null for the bundled export;
 *   `base` the page's URL, which the bundled files and ONNX Runtime's binary are relative to
 * @param {(text: string) => void} progress download progress, in words
 * @throws ModelSourceError with the reason when the model cannot be fetched or is no causal LM
 */
export async function transformersSource(lk, { modelId, base }, progress) {
  const remote = modelId !== null;
  if (remote && !MODEL_ID.test(modelId))
    throw new ModelSourceError(
      `"${modelId}" is not a Hugging Face model id: write it as owner/name, e.g. onnx-community/Qwen2.5-0.5B-Instruct.`,
    );
  env.allowLocalModels = !remote;
  env.allowRemoteModels = remote;
  // A path, not a URL: transformers.js 4.3 checks that a local file exists only for paths.
  env.localModelPath = new URL('models/', base).pathname;
  env.useBrowserCache = remote; // the bundled files come from the page's own origin
  // transformers.js points ONNX Runtime at a CDN; without wasmPaths ONNX Runtime Web loads the
  // binary beside its own bundle, which Vite copies into the build (an asset like any other).
  delete env.backends.onnx.wasm.wasmPaths;
  const id = remote ? modelId : BUNDLED_ID;
  const options = { progress_callback: reportProgress(progress) };
  let tokenizer;
  let config;
  let model;
  try {
    config = await AutoConfig.from_pretrained(id, options);
    tokenizer = await AutoTokenizer.from_pretrained(id, options);
    model = await AutoModelForCausalLM.from_pretrained(id, {
      ...options,
      device: 'wasm',
      ...(remote ? {} : { dtype: 'fp32' }),
    });
  } catch (error) {
    throw new ModelSourceError(loadFailure(id, remote, error));
  }
  const vocabSize = config.vocab_size;
  const label = tokenLabels(tokenizer);
  let info = null;
  return {
    lk,
    label,
    vocabSize,
    /** The vocabulary for grammar masks, from the tokenizer's own tokenizer.json and config. */
    tokenizerInfo() {
      info ??= tokenizerInfoFromHuggingFace(lk, tokenizer, { vocabSize });
      return info;
    },
    info: {
      kind: 'transformers',
      name: remote ? modelId : 'King James Bible model, ONNX export (bundled)',
      config: {
        modelType: config.model_type,
        layers: config.num_hidden_layers ?? config.n_layer ?? null,
        hidden: config.hidden_size ?? config.n_embd ?? null,
        vocabSize,
        context: contextOf(config),
      },
    },
    start: (prompt) => transformersGeneration(lk, { model, tokenizer, config, label }, prompt),
    dispose() {
      model.dispose();
      info?.then(
        (i) => i.dispose(),
        () => {},
      );
    },
  };
}

function reportProgress(progress) {
  return (event) => {
    if (event.status === 'progress' && event.total)
      progress(`Fetching ${event.file}: ${Math.round((100 * event.loaded) / event.total)}%`);
    else if (event.status === 'initiate') progress(`Fetching ${event.file}…`);
  };
}

/** Why a model could not be loaded, in words the page shows as they are. */
function loadFailure(id, remote, error) {
  const reason = String(error?.message ?? error);
  if (!remote) return `The bundled ONNX model could not be loaded: ${reason}`;
  const offline = /fetch|network|load failed/i.test(reason) || error?.name === 'TypeError';
  return offline
    ? `Could not fetch ${id} from the Hugging Face Hub: the network request failed (${reason}). Check the connection; the bundled models work offline.`
    : `Could not load ${id} from the Hugging Face Hub: ${reason}. transformers.js needs a repository with ONNX weights (onnx/model*.onnx), such as those under onnx-community/.`;
}

function contextOf(config) {
  return config.max_position_embeddings ?? config.n_positions ?? config.max_seq_len ?? null;
}

/**
 * A token's label as it reads inside a text (" the" keeps its space, which decoding a token alone
 * may strip), with tokens that are no whole character shown as their piece.
 */
function tokenLabels(tokenizer) {
  const anchor = tokenizer.encode('a', { add_special_tokens: false })[0];
  const prefix = tokenizer.decode([anchor]);
  const labels = new Map();
  return (token) => {
    let text = labels.get(token);
    if (text === undefined) {
      const special = tokenizer.all_special_ids?.includes(token);
      text = special
        ? tokenizer.decode([token])
        : tokenizer.decode([anchor, token]).slice(prefix.length);
      if (text.includes('\uFFFD')) text = `<${token}>`;
      labels.set(token, text);
    }
    return text;
  };
}

function ids(tokens) {
  return new Tensor('int64', BigInt64Array.from(tokens, BigInt), [1, tokens.length]);
}

function transformersGeneration(lk, { model, tokenizer, config, label }, prompt) {
  const tokens = Array.from(tokenizer.encode(prompt));
  const context = contextOf(config) ?? Infinity;
  if (tokens.length === 0) throw new ModelSourceError('The prompt has no tokens.');
  if (tokens.length >= context)
    throw new ModelSourceError(
      `The prompt is ${tokens.length} tokens; the model's context is ${context}.`,
    );
  const promptLength = tokens.length;
  const eos = [config.eos_token_id, model.generation_config?.eos_token_id]
    .flat()
    .filter((t) => Number.isInteger(t));
  const bos = tokenizer.bos_token_id ?? config.bos_token_id;
  const buffer = lk.allocLogits(config.vocab_size);
  let processor = null;
  let cache = null;
  let stop = null;
  // The text so far, decoded whole: a SentencePiece decoder strips the space before the first
  // token it decodes, so decoding the new tokens alone would glue them to the prompt.
  const decode = () => tokenizer.decode(tokens, { skip_special_tokens: true });
  let text = decode();
  return {
    tokens,
    promptLength,
    get stop() {
      return stop;
    },
    promptTokens() {
      let so = '';
      return tokens.map((token, i) => {
        const now = tokenizer.decode(tokens.slice(0, i + 1), { skip_special_tokens: true });
        const piece = now.startsWith(so) ? now.slice(so.length) : now;
        so = now;
        return { token, label: label(token), text: piece };
      });
    },
    /** logitkit's processor with `options`; throws (LogitkitError) before replacing on a bad option. */
    setSampling(options) {
      const next = new LogitkitLogitsProcessor(lk, options, { mode: 'sample' });
      processor?.dispose();
      processor = next;
    },
    async step({ temperature, shown, constraint }) {
      let before = null;
      let allowed = null;
      // Runs before logitkit's processor: reads the model's distribution, then the constraint.
      const observe = (inputIds, logits) => {
        const row = logits.data.subarray(0, buffer.length);
        buffer.array.set(row);
        before = lk.topLogprobs(buffer, shown, { temperature });
        if (constraint) {
          allowed = constraint.apply(buffer);
          row.set(buffer.array);
          logits.data.fill(-Infinity, buffer.length); // ids past the vocabulary are no tokens
        }
        return logits;
      };
      const pos = tokens.length - 1;
      const output = await model.generate({
        input_ids: ids(tokens),
        attention_mask: ids(tokens.map(() => 1)),
        past_key_values: cache,
        max_new_tokens: 1,
        do_sample: false,
        return_dict_in_generate: true,
        logits_processor: [observe, processor],
      });
      cache = output.past_key_values;
      const result = processor.lastResults[0];
      const token = Number(output.sequences.data.at(-1));
      if (token !== result.token)
        throw new Error(`transformers.js appended token ${token}, logitkit drew ${result.token}`);
      tokens.push(token);
      constraint?.accept(token);
      // llama2.c's convention, as the other source: BOS means the model began a new text (unless
      // BOS is also the end-of-text token, as GPT-2's <|endoftext|> is).
      if (token === bos && bos !== tokenizer.eos_token_id) stop = 'bos';
      else if (eos.includes(token)) stop = 'eos';
      else if (tokens.length >= context) stop = 'length';
      const now = decode();
      // A character split over byte tokens decodes to U+FFFD until it is whole: hold it back.
      let piece = '';
      if (!now.endsWith('\uFFFD') || stop !== null) {
        piece = now.startsWith(text) ? now.slice(text.length) : now;
        text = now;
      }
      return { token, pos, result, text: piece, stop, before, allowed };
    },
    dispose() {
      processor?.dispose();
      processor = null;
      buffer.dispose();
      cache?.dispose?.();
      cache = null;
    },
  };
}
