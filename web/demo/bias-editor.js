// The logit-bias editor: rows of token (a label, or an index as 12 or #12) -> bias (a number, or
// -inf to ban). It owns its DOM and reports rows as typed through onChange(rows); resolving them
// to token ids is analyse.js's job, and problems come back through showProblems().
import { html, uid } from './dom.js';

export function biasEditor({ onChange }) {
  const listId = uid('token-labels');
  const datalist = html('datalist', { id: listId });
  const rowsBox = html('ul', { class: 'bias-rows' });
  const empty = html(
    'p',
    { class: 'hint bias-empty' },
    'No bias. A bias is added to a token’s logit before anything else; −inf bans it.',
  );
  // A problem of the bias as a whole (every token banned), under the editor, not under one row.
  const summary = html('p', { class: 'field-error bias-summary', 'aria-live': 'polite' });
  let rows = [];
  const problemsById = [];

  const emit = () => onChange(rows.map((r) => ({ ...r })));

  function render(focusRow) {
    rowsBox.replaceChildren();
    problemsById.length = 0;
    rows.forEach((row, i) => {
      const tokenId = uid('bias-token');
      const biasId = uid('bias-value');
      const problemId = uid('bias-problem');
      const problem = html('p', { class: 'field-error', id: problemId, 'aria-live': 'polite' });
      problemsById.push(problem);
      /** A text field editing `key` of this row. */
      const rowField = (key, id, placeholder, extra = {}) =>
        html('input', {
          id,
          type: 'text',
          value: row[key],
          autocomplete: 'off',
          spellcheck: 'false',
          placeholder,
          'aria-describedby': problemId,
          oninput: (e) => {
            rows[i][key] = e.target.value;
            emit();
          },
          ...extra,
        });
      const tokenInput = rowField('token', tokenId, 'token or #index', { list: listId });
      const biasInput = rowField('bias', biasId, 'e.g. 2 or -inf');
      rowsBox.append(
        html(
          'li',
          { class: 'bias-row' },
          html('label', { for: tokenId, class: 'small' }, `Token ${i + 1}`),
          tokenInput,
          html('label', { for: biasId, class: 'small' }, 'bias'),
          biasInput,
          html(
            'button',
            {
              type: 'button',
              class: 'icon',
              'aria-label': `Remove bias row ${i + 1}`,
              title: 'Remove',
              onclick: () => {
                rows.splice(i, 1);
                render(Math.min(i, rows.length - 1));
                emit();
              },
            },
            '×',
          ),
          problem,
        ),
      );
      if (i === focusRow) queueMicrotask(() => tokenInput.focus());
    });
    empty.hidden = rows.length > 0;
  }

  const add = html(
    'button',
    {
      type: 'button',
      class: 'secondary',
      onclick: () => {
        rows.push({ token: '', bias: '' });
        render(rows.length - 1);
        emit();
      },
    },
    '+ Add bias',
  );
  const element = html(
    'fieldset',
    { class: 'bias-editor' },
    html('legend', {}, 'Logit bias'),
    empty,
    rowsBox,
    summary,
    add,
    datalist,
  );

  return {
    element,
    /** Replaces the rows (restoring from the URL); does not call onChange. */
    setRows(next) {
      rows = next.map((r) => ({ token: r.token, bias: r.bias }));
      render(-1);
    },
    /** Offers the labels as suggestions (skipped for very large vocabularies). */
    setLabels(labels) {
      datalist.replaceChildren(
        ...(labels.length <= 2000 ? labels.map((l) => html('option', { value: l })) : []),
      );
    },
    /** A message about the bias as a whole ('' clears it). */
    showSummary(message) {
      if (summary.textContent !== message) summary.textContent = message;
    },
    /** problems: [{ row, message }] from resolveBias. */
    showProblems(problems) {
      problemsById.forEach((el, i) => {
        const mine = problems
          .filter((p) => p.row === i)
          .map((p) => p.message)
          .join(' ');
        if (el.textContent !== mine) el.textContent = mine;
        for (const input of el.parentElement.querySelectorAll('input')) {
          if (mine) input.setAttribute('aria-invalid', 'true');
          else input.removeAttribute('aria-invalid');
        }
      });
    },
  };
}
