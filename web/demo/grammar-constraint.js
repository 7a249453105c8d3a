// "Constrain output" in the model worker: logitkit's grammar engine masks, at every step, the
// tokens that cannot continue the output toward a string of the language (a JSON Schema, a regular
// expression, or a GBNF grammar), then the sampler draws among the rest. The vocabulary comes from
// the model's own tokenizer (see each source's `tokenizerInfo()`); the prompt is context, only the
// generated tokens are constrained. A compiled grammar is kept while the source and the text stay.

/** The kinds the page offers, and how each compiles. */
const COMPILE = {
  // Compact JSON (no whitespace between tokens): a small model would otherwise spend its context
  // on runs of spaces, which flexible JSON whitespace allows.
  json_schema: (compiler, text) => compiler.compileJSONSchema(text, { whitespace: 'compact' }),
  regex: (compiler, text) => compiler.compileRegex(text),
  gbnf: (compiler, text) => compiler.compileGrammar(text),
};

/** An error the page shows under the constraint box. */
function constraintError(error) {
  const out = error instanceof Error ? error : new Error(String(error));
  out.constraint = true;
  return out;
}

/**
 * Compiles `spec` for `source`'s vocabulary, reusing `previous` when it is for the same source and
 * text (the caller disposes the one it replaces).
 * @param spec `{ kind: 'json_schema' | 'regex' | 'gbnf', text }`
 * @returns `{ source, key, compiled }`
 * @throws the compiler's LogitkitGrammarError (with its position or JSON pointer), marked for the
 *   constraint box
 */
export async function compileConstraint(lk, source, spec, previous) {
  const key = `${spec.kind}\n${spec.text}`;
  if (previous?.source === source && previous.key === key) return previous;
  if (!(spec.kind in COMPILE))
    throw constraintError(new Error(`Unknown kind of constraint "${spec.kind}".`));
  try {
    const info = await source.tokenizerInfo();
    const compiler = await lk.createGrammarCompiler(info);
    return { source, key, compiled: await COMPILE[spec.kind](compiler, spec.text) };
  } catch (error) {
    throw constraintError(error);
  }
}

/**
 * One generation's constraint: `apply(buffer)` masks the disallowed tokens of a LogitsBuffer in
 * place (`lk.applyBitmask`: -Infinity where the bit is clear) and returns how many the grammar
 * allowed; `accept(token)` advances it.
 */
export async function startConstraint(lk, compiled) {
  const matcher = await lk.createGrammarMatcher(compiled);
  const words = new Uint32Array(matcher.bitmaskWords);
  return {
    apply(buffer) {
      const mask = matcher.fillNextTokenBitmask(words);
      lk.applyBitmask(buffer, mask);
      return allowedCount(mask, buffer.length);
    },
    accept(token) {
      if (!matcher.acceptToken(token))
        throw new Error(`The grammar does not allow token ${token} here (it was masked).`);
    },
    dispose: () => matcher.dispose(),
  };
}

/** The set bits of `mask` among ids 0..vocab-1. */
function allowedCount(mask, vocab) {
  let count = 0;
  for (let w = 0; w < mask.length && w * 32 < vocab; w++) {
    let bits = mask[w] >>> 0;
    const room = vocab - w * 32;
    if (room < 32) bits &= (1 << room) - 1;
    while (bits !== 0) {
      bits &= bits - 1;
      count += 1;
    }
  }
  return count;
}
