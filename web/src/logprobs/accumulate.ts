/**
 * Collects tokens per choice index while parsers walk the chunks, then finishes each choice
 * (text rebuilt from bytes, offsets filled in). Streams add chunk by chunk to the same choice,
 * by the rule in token-run.ts; choices with different indices (n > 1) stay apart.
 */
import { finishSequence } from './bytes.js';
import { TokenRun } from './token-run.js';
import type { LogprobChoice } from './types.js';

/** A choice under construction. `refusal` and `prompt` exist once a parser asks for them. */
export class DraftChoice {
  readonly answer = new TokenRun();
  private refusalRun: TokenRun | undefined;
  private promptRun: TokenRun | undefined;

  /** The refusal sequence (OpenAI chat), created on first use. */
  refusal(): TokenRun {
    return (this.refusalRun ??= new TokenRun());
  }

  /** The prompt sequence (vLLM, SGLang, TGI), created on first use. */
  prompt(): TokenRun {
    return (this.promptRun ??= new TokenRun());
  }

  hasPrompt(): boolean {
    return this.promptRun !== undefined;
  }

  finish(index: number): LogprobChoice {
    const choice: LogprobChoice = { index, ...finishSequence(this.answer.tokens) };
    if (this.refusalRun !== undefined) choice.refusal = finishSequence(this.refusalRun.tokens);
    if (this.promptRun !== undefined) choice.prompt = finishSequence(this.promptRun.tokens);
    return choice;
  }
}

export class ChoiceAccumulator {
  private readonly drafts = new Map<number, DraftChoice>();

  /** The draft for `index`, created empty on first use. */
  choice(index: number): DraftChoice {
    let draft = this.drafts.get(index);
    if (draft === undefined) {
      draft = new DraftChoice();
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
    return this.indices().map((index) => (this.drafts.get(index) as DraftChoice).finish(index));
  }
}
