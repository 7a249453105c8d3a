// The content of the heatmap's tooltip for one cell: each token's probability and logprob and
// the provider's top alternatives. Unknown values are said in words, never shown as NaN: the
// below-top-N sentinel (OpenAI's −9999) is "below the top N", a missing logprob is "not sent".
import { entropyEstimate, margin } from 'logitkit/logprobs';
import { html } from './dom.js';
import { formatLog, formatProb, showToken } from './format.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * @param {import('logitkit/logprobs').LogprobToken[]} tokens the sequence
 * @param {{ tokenStart: number, tokenEnd: number }} cell
 * @param {string} cellText the cell's text as shown in the heatmap
 * @param {{ p: number | null }} joint the cell's probability (see cellProbability)
 */
export function tooltipContent(tokens, cell, cellText, joint) {
  const count = cell.tokenEnd - cell.tokenStart;
  const parts = [];
  if (count > 1) {
    parts.push(
      html(
        'p',
        { class: 'tip-joint' },
        `${count} byte-level tokens make up `,
        html('span', { class: 'tok' }, showToken(cellText)),
        joint.p === null ? '.' : `; together p = ${formatProb(joint.p)}.`,
      ),
    );
  }
  for (let i = cell.tokenStart; i < cell.tokenEnd; i++) parts.push(tokenDetails(tokens[i], i));
  return parts;
}

function tokenDetails(token, index) {
  // Most likely first by probability (providers send that order, but not every server keeps it);
  // the sort is stable, and alternatives without a number (sentinel, absent) go last.
  const alternatives = [...token.topLogprobs].sort(
    (a, b) => (known(b) > known(a)) - (known(b) < known(a)),
  );
  const rank = alternatives.findIndex((a) => a.token === token.token && sameBytes(a, token));
  const m = margin(token);
  const entropy = entropyEstimate(token);
  const head = html(
    'p',
    { class: 'tip-head' },
    html('span', { class: 'tok' }, showToken(token.token)),
    html('span', { class: 'hint' }, ` token ${index}`),
    escapedBytes(token),
  );
  return html(
    'section',
    { class: 'tip-token', 'data-token-index': index },
    head,
    html(
      'dl',
      { class: 'kv' },
      html('dt', {}, 'p'),
      html('dd', { 'data-p': '' }, probabilityText(token)),
      html('dt', {}, 'logprob'),
      html('dd', {}, logprobText(token)),
      rank >= 0 && token.logprob !== null
        ? [html('dt', {}, 'rank'), html('dd', {}, `${rank + 1} of ${alternatives.length} listed`)]
        : null,
      m === null
        ? null
        : [
            html('dt', { title: 'p of the most likely known token minus the second' }, 'margin'),
            html('dd', {}, formatProb(m)),
          ],
      entropy === null
        ? null
        : [
            html(
              'dt',
              { title: 'entropy at this position, bounded from the listed alternatives (nats)' },
              'entropy',
            ),
            html(
              'dd',
              {},
              entropy.upper - entropy.lower < 5e-5
                ? entropy.lower.toFixed(4)
                : `${entropy.lower.toFixed(3)}–${entropy.upper.toFixed(3)}`,
            ),
          ],
    ),
    token.belowTopN
      ? html(
          'p',
          { class: 'tip-note' },
          'The API sent −9999 here: the token was not in its top N, so its probability is unknown but very small.',
        )
      : null,
    !token.belowTopN && token.logprob === null
      ? html('p', { class: 'tip-note' }, 'The API sent no logprob for this token.')
      : null,
    alternatives.length === 0
      ? html('p', { class: 'hint' }, 'The response lists no alternatives here.')
      : html(
          'table',
          { class: 'tip-alts' },
          html('caption', {}, `Top ${alternatives.length} alternatives`),
          html(
            'thead',
            {},
            html(
              'tr',
              {},
              html('th', { scope: 'col' }, 'Token'),
              html('th', { scope: 'col', class: 'num' }, 'p'),
              html('th', { scope: 'col', class: 'num' }, 'logprob'),
            ),
          ),
          html(
            'tbody',
            {},
            alternatives.map((alt, k) =>
              html(
                'tr',
                { class: k === rank ? 'is-chosen' : null },
                html(
                  'td',
                  {},
                  html('span', { class: 'tok' }, showToken(alt.token)),
                  k === rank ? html('span', { class: 'chosen-mark' }, ' chosen') : null,
                ),
                html('td', { class: 'num' }, probabilityText(alt)),
                html('td', { class: 'num' }, logprobText(alt)),
              ),
            ),
          ),
        ),
    rank < 0 && alternatives.length > 0
      ? html('p', { class: 'hint' }, 'The chosen token is not among the listed alternatives.')
      : null,
  );
}

/** An alternative's logprob for sorting: unknown ones below every number. */
function known(entry) {
  return entry.belowTopN || entry.logprob === null ? -Infinity : entry.logprob;
}

/** p as text: a number, or what is known instead. */
export function probabilityText(entry) {
  if (entry.belowTopN) return 'below the top N';
  if (entry.logprob === null) return 'not sent';
  return formatProb(Math.exp(entry.logprob));
}

function logprobText(entry) {
  if (entry.belowTopN) return '−9999 (sentinel)';
  if (entry.logprob === null) return 'not sent';
  return formatLog(entry.logprob);
}

/** For a token that is not valid UTF-8 on its own (half an emoji), its bytes in hex. */
function escapedBytes(token) {
  if (token.bytes === undefined) return null;
  try {
    strictUtf8.decode(Uint8Array.from(token.bytes));
    return null;
  } catch {
    return html(
      'span',
      { class: 'hint' },
      ` bytes ${token.bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ')}`,
    );
  }
}

function sameBytes(a, b) {
  if (a.bytes === undefined || b.bytes === undefined) return true;
  return a.bytes.length === b.bytes.length && a.bytes.every((x, i) => x === b.bytes[i]);
}
