/**
 * Collects tokens per choice index while parsers walk the chunks, then finishes each choice
 * (text rebuilt from bytes, offsets filled in). Streams append chunk by chunk to the same choice;
 * choices with different indices (n > 1) stay apart.
 */
import { finishSequence } from './bytes.js';
import type { LogprobChoice, LogprobToken } from './types.js';

/** A choice under construction. Parsers append to its arrays. */
export interface DraftChoice {
  readonly tokens: LogprobToken[];
  refusal: LogprobToken[] | undefined;
  prompt: LogprobToken[] | undefined;
}

export class ChoiceAccumulator {
  private readonly drafts = new Map<number, DraftChoice>();

  /** The draft for `index`, created empty on first use. */
  choice(index: number): DraftChoice {
    let draft = this.drafts.get(index);
    if (draft === undefined) {
      draft = { tokens: [], refusal: undefined, prompt: undefined };
      this.drafts.set(index, draft);
    }
    return draft;
  }

  /** Indices seen so far, ascending. */
  indices(): number[] {
    return [...this.drafts.keys()].sort((a, b) => a - b);
  }

  /** The finished choices, sorted by index. */
  finish(): LogprobChoice[] {
    return this.indices().map((index) => {
      const draft = this.drafts.get(index) as DraftChoice;
      const choice: LogprobChoice = { index, ...finishSequence(draft.tokens) };
      if (draft.refusal !== undefined) choice.refusal = finishSequence(draft.refusal);
      if (draft.prompt !== undefined) choice.prompt = finishSequence(draft.prompt);
      return choice;
    });
  }
}
