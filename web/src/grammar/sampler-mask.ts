// The grammar stage's side of a draw: the matcher's next-token mask, copied from the grammar
// module's memory into the sampler's grammar stage (ceil(V / 32) words, one copy; the stage is
// cpp/src/stages/grammar.cpp, whose list is the mask).
import { LogitkitStateError, throwIfFailed } from '../errors.js';
import type { Heap } from '../heap.js';
import { stageIndex } from '../sampling/stages.js';
import type { GrammarMatcher } from './matcher.js';

const GRAMMAR_STAGE = stageIndex('grammar');

/** Sets the sampler's grammar stage to `matcher`'s mask for the next token. */
export function setGrammarMask(
  heap: Heap,
  handle: number,
  matcher: GrammarMatcher,
  fn: string,
): void {
  // Named here, not as the matcher call that would fail ("GrammarMatcher.isTerminated: used after
  // dispose()"), which the caller of sample() never made.
  if (matcher.disposed) {
    throw new LogitkitStateError(
      `${fn}: the grammar matcher was disposed; give the sampler a live matcher (createSampler({ grammar }))`,
    );
  }
  if (matcher.isTerminated()) {
    throw new LogitkitStateError(
      `${fn}: the grammar matcher has terminated (it accepted a stop token); reset() it to start again`,
    );
  }
  const words = matcher.bitmaskWords;
  const pointer = heap.region('grammarMask', words * 4);
  const mask = new Uint32Array(heap.buffer, pointer, words);
  matcher.fillNextTokenBitmask(mask);
  // Where the grammar may end, its stop tokens are the way out; a vocabulary without any leaves
  // an empty mask, which the draw would report as a bias/ban problem.
  if (matcher.canTerminate() && mask.every((word) => word === 0)) {
    throw new LogitkitStateError(
      `${fn}: the grammar has reached its end, and the vocabulary has no stop token to allow there: pass stopTokenIds to createTokenizerInfo, or create the matcher with { terminateWithoutStopToken: true }`,
    );
  }
  throwIfFailed(heap.module._samplerSetList(handle, GRAMMAR_STAGE, pointer, 0, 0, words), fn);
}

/** Detaches the grammar stage (a reused sampler whose options have no grammar). */
export function clearGrammarMask(heap: Heap, handle: number, fn: string): void {
  throwIfFailed(heap.module._samplerSetList(handle, GRAMMAR_STAGE, 0, 0, 0, 0), fn);
}
