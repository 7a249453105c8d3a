// The wasm tokenizer against the training script's Python encoder (tests/fixtures/model/
// tokenizer.json), and round trips of text through encode and decode.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BOS, EOS } from '../../examples/model/index.js';
import { defaultModel, runtimes2, TOKENIZER_FIXTURE } from './model-support.mjs';

function decodeAll(model, ids) {
  const decoder = new TextDecoder();
  let text = '';
  for (let i = 1; i < ids.length; i++)
    text += decoder.decode(model.decode(ids[i - 1], ids[i]), { stream: true });
  return text + decoder.decode();
}

describe('model tokenizer', () => {
  test('encodes like the Python encoder the model was trained with', async () => {
    const { simd } = await runtimes2();
    const { model, logits } = defaultModel(simd);
    for (const { text, tokens } of TOKENIZER_FIXTURE.cases)
      assert.deepEqual(Array.from(model.encode(text)), tokens, JSON.stringify(text));
    model.dispose();
    logits.dispose();
  });

  test('round-trips text, including characters outside the vocabulary (byte fallback)', async () => {
    const { simd } = await runtimes2();
    const { model, logits } = defaultModel(simd);
    const texts = [
      'In the beginning God created the heaven and the earth.',
      'Line one\nLine two\n\nthree  spaces   here',
      'Zoë’s naïve café: 😀 and 中文, ½ ∑ — “quoted”',
      ' leading space',
      'x',
      '',
    ];
    for (const text of texts) {
      const ids = Array.from(model.encode(text));
      assert.equal(ids[0], BOS);
      assert.equal(decodeAll(model, ids), text);
      assert.ok(ids.every((t) => t >= 0 && t < model.vocabSize));
    }
    const withEos = Array.from(model.encode('Amen.', { bos: false, eos: true }));
    assert.notEqual(withEos[0], BOS);
    assert.equal(withEos.at(-1), EOS);
    model.dispose();
    logits.dispose();
  });

  test('pieces and labels: " the" keeps its space except right after BOS; byte tokens decode to bytes', async () => {
    const { simd } = await runtimes2();
    const { model, logits } = defaultModel(simd);
    const [, the] = model.encode('the');
    assert.equal(model.piece(the), ' the');
    assert.equal(new TextDecoder().decode(model.decode(BOS, the)), 'the');
    assert.equal(new TextDecoder().decode(model.decode(5, the)), ' the');
    assert.equal(model.piece(3 + 0x0a), '<0x0A>');
    assert.deepEqual(Array.from(model.decode(5, 3 + 0xe2)), [0xe2]);
    assert.equal(model.piece(model.vocabSize + 5), '');
    model.dispose();
    logits.dispose();
  });
});
