// A short introduction at the top of each mode, for a learner: what the mode shows, how to read
// its token labels, and where to read more (the guide; the article the example comes from).
import { html } from './dom.js';

export const GUIDE_URL =
  'https://github.com/logitkit/logitkit/blob/main/docs/GUIDE.md#you-are-learning-how-logits-become-text';

const TOKEN_MARKS =
  'Token labels make whitespace visible: ␣ is a space (most tokens start with one), ↵ a newline, ⇥ a tab.';

const INTROS = {
  paste: [
    'A language model scores every token it could write next; these raw scores are its logits. Softmax turns them into probabilities, temperature sharpens or flattens them, and top-k, top-p and min-p cut the unlikely tail before a token is drawn.',
    'Paste logits of your own, or start from the example of the article “Logits in an LLM: Raw Scores to a Logits Probability Distribution” (AI/TLDR), four candidate tokens with the logits 8, 6, 5 and −1. Move a control and watch the distribution change.',
  ],
  api: [
    'A hosted model (OpenAI, Gemini, Ollama, llama.cpp, vLLM) can return the log-probability of each token it wrote, and of the alternatives it considered. Paste such a response to see how sure the model was of each token, the perplexity of the answer, and where it hesitated.',
  ],
  model: [
    'A small language model (1.6 million parameters, trained on the King James Bible) runs in this page and writes text one token at a time. Each token is drawn from the distribution its logits give under the settings at that moment; select a token to see that distribution.',
  ],
};

/** The introduction of mode `id` ('paste', 'api' or 'model'). */
export function modeIntro(id) {
  return html(
    'div',
    { class: 'mode-intro', 'data-intro': id },
    ...INTROS[id].map((text) => html('p', {}, text)),
    html(
      'p',
      { class: 'hint' },
      TOKEN_MARKS,
      ' ',
      html('a', { href: GUIDE_URL }, 'The guide for learners'),
      ' explains each step.',
    ),
  );
}
