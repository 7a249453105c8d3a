// "Constrain output": a JSON Schema, a regular expression or a GBNF grammar that the generated
// text must follow, with examples. The worker compiles it with logitkit's grammar engine for the
// loaded model's vocabulary and masks, at every step, the tokens that cannot continue the output;
// each step then shows how many tokens the grammar allowed. It applies from the next Generate.
import { html, uid } from './dom.js';

const KINDS = [
  ['none', 'No constraint'],
  ['json_schema', 'JSON Schema'],
  ['regex', 'Regular expression'],
  ['gbnf', 'GBNF grammar'],
];

/** Examples per kind: [name, text]. Small enough for the default model's 256-token context. */
const EXAMPLES = {
  json_schema: [
    [
      'A person of the Bible',
      JSON.stringify(
        {
          type: 'object',
          properties: {
            name: { type: 'string', maxLength: 16 },
            age: { type: 'integer', minimum: 1, maximum: 969 },
            tribe: { enum: ['Judah', 'Levi', 'Benjamin', 'Ephraim'] },
          },
          required: ['name', 'age', 'tribe'],
          additionalProperties: false,
        },
        null,
        2,
      ),
    ],
    [
      'A list of words',
      JSON.stringify(
        {
          type: 'array',
          items: { type: 'string', pattern: '^[a-z]{2,10}$' },
          minItems: 2,
          maxItems: 4,
        },
        null,
        2,
      ),
    ],
  ],
  regex: [
    ['Yea or nay, then a short sentence', ' (Yea|Nay), [a-z ]{5,40}\\.'],
    ['A verse reference', ' [1-9][0-9]?:[1-9][0-9]?'],
  ],
  gbnf: [
    [
      'Who said what',
      [
        'root    ::= " " subject " " verb " " object "."',
        'subject ::= "the LORD" | "the king" | "Moses" | "the people"',
        'verb    ::= "spake unto" | "went unto" | "blessed"',
        'object  ::= "Israel" | "Aaron" | "them" | "the land of " [A-Z] [a-z]{2,8}',
      ].join('\n'),
    ],
  ],
};

/** @param {{ onChange?: () => void }} [options] */
export function constraintBox({ onChange = () => {} } = {}) {
  const kindId = uid('constraint-kind');
  const textId = uid('constraint-text');
  const exampleId = uid('constraint-example');
  const kind = html(
    'select',
    { id: kindId, onchange: () => showKind(true) },
    ...KINDS.map(([value, label]) => html('option', { value }, label)),
  );
  const text = html('textarea', {
    id: textId,
    rows: 6,
    spellcheck: 'false',
    class: 'constraint-text',
    oninput: () => {
      error.replaceChildren();
      onChange();
    },
  });
  const example = html('select', {
    id: exampleId,
    onchange: () => {
      const chosen = EXAMPLES[kind.value]?.[Number(example.value)];
      if (chosen) text.value = chosen[1];
      error.replaceChildren();
      onChange();
    },
  });
  const error = html('div', { class: 'field-error constraint-error', role: 'alert' });
  const fields = html(
    'div',
    { class: 'constraint-fields' },
    html('div', { class: 'select-field' }, html('label', { for: exampleId }, 'Example'), example),
    html('label', { for: textId }, 'Grammar'),
    text,
    error,
  );
  const result = html('div', { class: 'constraint-result', 'aria-live': 'polite' });
  const element = html(
    'div',
    { class: 'constraint-box' },
    html(
      'p',
      { class: 'hint' },
      'logitkit’s grammar engine masks, at every step, every token that cannot continue the output toward a text the grammar accepts; the sampler draws among the rest. The prompt is context: only the generated text is constrained. Each step shows how many tokens the grammar allowed. JSON is compact (no whitespace between tokens); a regular expression must match the whole output. Applies from the next Generate.',
    ),
    html('div', { class: 'select-field' }, html('label', { for: kindId }, 'Constrain with'), kind),
    fields,
    result,
  );

  function showKind(fillExample) {
    const examples = EXAMPLES[kind.value] ?? [];
    fields.hidden = kind.value === 'none';
    example.replaceChildren(
      ...examples.map(([name], i) => html('option', { value: String(i) }, name)),
    );
    if (fillExample) text.value = examples[0]?.[1] ?? '';
    error.replaceChildren();
    result.replaceChildren();
    onChange();
  }
  showKind(false);

  return {
    element,
    /** The constraint for the worker: null, or `{ kind, text }`. */
    value: () => (kind.value === 'none' ? null : { kind: kind.value, text: text.value }),
    /** A compilation error, under the grammar. */
    showError(message) {
      error.replaceChildren(html('p', {}, message));
    },
    clear() {
      error.replaceChildren();
      result.replaceChildren();
    },
    /**
     * The constrained output so far, exactly as generated. `stop`: null while it goes on; 'eos'
     * when the grammar's text is complete (the grammar allows the end-of-text token only there);
     * else why it stopped before.
     */
    showOutput({ kind: outputKind, text: output, stop }) {
      let status = 'Generating…';
      if (stop === 'eos') {
        status = 'Complete: the grammar allowed the end of text here, and the model drew it.';
        if (outputKind === 'json_schema') {
          let parses = true;
          try {
            JSON.parse(output);
          } catch {
            parses = false;
          }
          status += parses ? ' It parses as JSON.' : ' It does not parse as JSON.';
        }
      } else if (stop !== null) {
        status = `Stopped before the grammar’s text was complete (${stop === 'length' ? 'the context is full' : stop}).`;
      }
      result.replaceChildren(
        html('p', { class: 'hint', 'data-constraint-status': stop ?? 'running' }, status),
        html('pre', { class: 'constraint-output', 'data-constrained-output': '' }, output),
      );
    },
  };
}
