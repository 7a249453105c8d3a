// A causal LM's ONNX session driven with a key/value cache (batch 1), for onnxruntime-node and
// onnxruntime-web alike: pass the `ort` module you use. The model takes Hugging Face's inputs
// (input_ids, attention_mask, position_ids, past_key_values.{i}.key/value) and returns logits and
// present.{i}.key/value, as examples/model/export_onnx.py's export and transformers.js models do.

/** Feeds tokens to the model; the cache keeps every token fed so far. */
export class KvCacheDecoder {
  /**
   * @param {typeof import('onnxruntime-common')} ort the onnxruntime module (node or web)
   * @param {import('onnxruntime-common').InferenceSession} session
   * @param {{ num_hidden_layers: number, num_key_value_heads: number, num_attention_heads: number,
   *   hidden_size: number, head_dim?: number }} config the model's config.json
   */
  constructor(ort, session, config) {
    this.ort = ort;
    this.session = session;
    /** How many tokens the cache holds (the position of the next token fed). */
    this.length = 0;
    const headDim = config.head_dim ?? config.hidden_size / config.num_attention_heads;
    this.past = {};
    for (let l = 0; l < config.num_hidden_layers; l++)
      for (const kind of ['key', 'value'])
        this.past[`past_key_values.${l}.${kind}`] = new ort.Tensor('float32', new Float32Array(0), [
          1,
          config.num_key_value_heads,
          0,
          headDim,
        ]);
  }

  /**
   * Runs the model on `tokens` (those it has not seen yet) and returns its outputs: `logits` is
   * `[1, tokens.length, vocab]`, and the cache now holds these tokens too.
   * @param {readonly number[]} tokens
   */
  async run(tokens) {
    const { ort } = this;
    const int64 = (values, dims) =>
      new ort.Tensor('int64', BigInt64Array.from(values, BigInt), dims);
    const total = this.length + tokens.length;
    const outputs = await this.session.run({
      input_ids: int64(tokens, [1, tokens.length]),
      attention_mask: int64(new Array(total).fill(1), [1, total]),
      position_ids: int64(
        tokens.map((_, i) => this.length + i),
        [1, tokens.length],
      ),
      ...this.past,
    });
    this.past = {};
    for (const name of Object.keys(outputs))
      if (name.startsWith('present.'))
        this.past[name.replace('present.', 'past_key_values.')] = outputs[name];
    this.length = total;
    return outputs;
  }
}
