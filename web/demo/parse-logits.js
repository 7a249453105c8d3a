// Turns pasted text into logits and token labels. Pure: no DOM, no logitkit, so Node can test it.
//
// Accepted shapes (detected in this order):
//   JSON array    [8, 6, 5, -1]   or  [["Paris", 8], ...]  or  [{"token": "Paris", "logit": 8}, ...]
//   JSON object   {" Paris": 8, " London": 6}
//   CSV           token,logit lines; a header row is optional; fields may be "quoted" ("" escapes a quote)
//   token lines   Paris 8.0   (the last field is the logit; the rest, or a "quoted" first field, the token)
//   numbers       8, 6, 5, -1  or  8 6 5 -1, on one line or many
// -inf / -Infinity is a masked token (probability 0). NaN and +Infinity are refused here, with where.
//
// Contract: parseLogits(text) returns { labels, logits, format } on success, or { error } where
// error = { message, index?, line?, column?, start?, end? }: index is the 0-based entry at fault,
// line/column are 1-based, start/end are offsets into `text` (for selecting the bad entry).

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;
const NEG_INF = /^-(?:inf|infinity|∞)$/i;
const POS_INF = /^\+?(?:inf|infinity|∞)$/i;
const FLOAT32_MAX = 3.4028234663852886e38;
// A token column or field: its text first; an id column only when there is no text column
// (a CSV of id,token,logit labels tokens by their text).
const TOKEN_HEADER = /^(?:token|tokens|label|text|word|name)$/i;
const ID_HEADER = /^(?:id|token_id)$/i;
const LOGIT_HEADER = /^(?:logit|logits|score|value|z)$/i;

/**
 * Reads one logit from a field. Returns { value } or { problem } (a phrase for the message).
 * @param {string} raw
 * @returns {{ value: number } | { problem: string }}
 */
export function readLogit(raw) {
  const s = raw.trim().replace(/\u2212/g, '-');
  if (NUMBER.test(s)) {
    const value = Number(s);
    if (Math.abs(value) > FLOAT32_MAX) return { problem: 'is outside the float32 range' };
    return { value };
  }
  if (NEG_INF.test(s)) return { value: -Infinity };
  if (POS_INF.test(s))
    return { problem: 'is +Infinity (only -Infinity, a masked token, is allowed)' };
  if (/^[+-]?nan$/i.test(s)) return { problem: 'is NaN' };
  if (s === '') return { problem: 'is empty' };
  return { problem: 'is not a number' };
}

/**
 * @typedef {{ message: string, index?: number, line?: number, column?: number, start?: number, end?: number }} ParseError
 * @typedef {{ labels: string[], logits: Float32Array, format: string, error?: undefined }} Parsed  format: 'json-array' | 'json-object' | 'csv' | 'numbers'
 * @param {string} text
 * @returns {Parsed | { error: ParseError }}
 */
export function parseLogits(text) {
  const trimmed = text.trim();
  if (trimmed === '') return { error: { message: 'Paste some logits first.' } };
  const first = trimmed[0];
  if (first === '{') return parseJson(text, 'json-object');
  if (first === '[') return parseJson(text, 'json-array');
  return parseText(text);
}

// ---------- JSON ----------

function parseJson(text, format) {
  let data;
  try {
    data = JSON.parse(text);
  } catch (e) {
    // A flat array that is not quite JSON ([1 2 3], [1, 2, abc]) reads as a list, which can point
    // at the bad entry. Anything nested gets JSON's own message, with a position when it gives one.
    if (format === 'json-array' && !/[[{]/.test(text.trim().slice(1))) {
      // Blank out the brackets (keeping newlines) so offsets, lines and columns stay true to `text`.
      const open = text.indexOf('[');
      const close = text.lastIndexOf(']');
      const end = close > open ? close : text.length;
      const blank = (s) => s.replace(/[^\n]/g, ' ');
      const list = parseText(
        blank(text.slice(0, open + 1)) + text.slice(open + 1, end) + blank(text.slice(end)),
      );
      return list.error ? list : { ...list, format: 'json-array' };
    }
    return { error: jsonSyntaxError(text, /** @type {Error} */ (e)) };
  }
  if (format === 'json-object') return fromObject(objectEntries(text));
  if (!Array.isArray(data)) return { error: { message: 'Expected a JSON array or object.' } };
  if (data.length === 0) return { error: { message: 'The array is empty.' } };
  const labels = [];
  const logits = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const entry = readJsonEntry(data[i], i);
    if ('problem' in entry)
      return {
        error: { message: `Entry ${i + 1} (${snippet(data[i])}) ${entry.problem}.`, index: i },
      };
    labels.push(entry.label);
    logits[i] = entry.value;
  }
  return { labels, logits, format };
}

/**
 * The members of the top-level JSON object in `text` (already known to be valid JSON), in source
 * order and with duplicates kept: JSON.parse would merge duplicate keys and move integer-like keys
 * ("12") ahead of the others. Returns [{ key, value, start, end }], start/end the key's offsets.
 */
function objectEntries(text) {
  const entries = [];
  let i = text.indexOf('{') + 1;
  const skipSpace = () => {
    while (/\s/.test(text[i] ?? '')) i++;
  };
  const stringEnd = (at) => {
    let j = at + 1;
    while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
    return j + 1;
  };
  for (;;) {
    skipSpace();
    if (text[i] === '}') break;
    const keyStart = i;
    i = stringEnd(i);
    const key = JSON.parse(text.slice(keyStart, i));
    skipSpace();
    i++; // ':'
    skipSpace();
    const valueStart = i;
    let depth = 0;
    while (i < text.length) {
      const c = text[i];
      if (c === '"') {
        i = stringEnd(i);
        continue;
      }
      if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        if (depth === 0) break;
        depth--;
      } else if (c === ',' && depth === 0) break;
      i++;
    }
    entries.push({
      key,
      value: JSON.parse(text.slice(valueStart, i)),
      start: keyStart,
      end: valueStart,
    });
    if (text[i] === ',') i++;
  }
  return entries;
}

function fromObject(entries) {
  if (entries.length === 0) return { error: { message: 'The object is empty.' } };
  const labels = [];
  const logits = new Float32Array(entries.length);
  const seen = new Map();
  for (let i = 0; i < entries.length; i++) {
    const { key, value, start } = entries[i];
    if (seen.has(key)) {
      return {
        error: {
          message: `Token ${JSON.stringify(key)} appears twice (entries ${seen.get(key) + 1} and ${i + 1}); each token has one logit.`,
          index: i,
          start,
          end: start + JSON.stringify(key).length,
        },
      };
    }
    seen.set(key, i);
    const read = jsonNumber(value);
    if ('problem' in read) {
      return {
        error: {
          message: `Token ${JSON.stringify(key)} (entry ${i + 1}): its logit ${snippet(value)} ${read.problem}.`,
          index: i,
        },
      };
    }
    labels.push(key);
    logits[i] = read.value;
  }
  return { labels, logits, format: 'json-object' };
}

function readJsonEntry(entry, i) {
  if (Array.isArray(entry)) {
    if (entry.length !== 2) return { problem: 'should be a number or a [token, logit] pair' };
    const read = jsonNumber(entry[1]);
    return 'problem' in read
      ? { problem: `has a logit that ${read.problem}` }
      : { label: String(entry[0]), value: read.value };
  }
  if (entry !== null && typeof entry === 'object') {
    const keys = Object.keys(entry);
    const tokenKey = keys.find((k) => TOKEN_HEADER.test(k)) ?? keys.find((k) => ID_HEADER.test(k));
    const logitKey = Object.keys(entry).find((k) => LOGIT_HEADER.test(k));
    if (logitKey === undefined) return { problem: 'has no "logit" field' };
    const read = jsonNumber(entry[logitKey]);
    if ('problem' in read) return { problem: `has a logit that ${read.problem}` };
    return { label: tokenKey === undefined ? `#${i}` : String(entry[tokenKey]), value: read.value };
  }
  const read = jsonNumber(entry);
  return 'problem' in read ? read : { label: `#${i}`, value: read.value };
}

function jsonNumber(value) {
  if (typeof value === 'number') return readLogit(String(value));
  if (typeof value === 'string') return readLogit(value);
  return { problem: 'is not a number' };
}

function snippet(value) {
  const s = JSON.stringify(value) ?? String(value);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

function jsonSyntaxError(text, e) {
  const m = /position (\d+)/.exec(e.message);
  const lc = /line (\d+) column (\d+)/.exec(e.message);
  const error = { message: `Not valid JSON: ${e.message}` };
  if (lc) Object.assign(error, { line: Number(lc[1]), column: Number(lc[2]) });
  else if (m)
    Object.assign(
      error,
      { start: Number(m[1]), end: Number(m[1]) + 1 },
      lineColumn(text, Number(m[1])),
    );
  return error;
}

// ---------- CSV, token lines, number lists ----------

/** 1-based line and column of an offset. */
export function lineColumn(text, offset) {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/**
 * Splits one line into fields with their offsets. Commas split when the line has one outside
 * quotes (CSV), whitespace otherwise. Double quotes group a field ("" is a literal quote).
 * A trailing comma ("1, 2,") adds no field; an empty field between commas is kept (and refused later).
 */
function splitLine(line, offset) {
  const csv = hasUnquotedComma(line);
  const fields = [];
  let i = 0;
  for (;;) {
    while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
    if (i >= line.length) break;
    const start = i;
    let value = '';
    const quoted = line[i] === '"';
    if (quoted) {
      i++;
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') {
          value += '"';
          i += 2;
        } else if (line[i] === '"') {
          i++;
          break;
        } else value += line[i++];
      }
    }
    const stop = csv ? /,/ : /\s/;
    while (i < line.length && !stop.test(line[i])) i++;
    if (!quoted) value = line.slice(start, i).trim();
    fields.push({
      value,
      quoted,
      start: offset + start,
      end: offset + start + line.slice(start, i).trimEnd().length,
    });
    if (csv && line[i] === ',') {
      i++;
      // An empty field: another comma follows (the end of the line is a trailing comma, no field).
      const rest = /^[ \t]*/.exec(line.slice(i))[0].length;
      if (line[i + rest] === ',')
        fields.push({ value: '', quoted: false, start: offset + i, end: offset + i });
    }
  }
  return { fields, csv };
}

function hasUnquotedComma(line) {
  let inQuote = false;
  for (const c of line) {
    if (c === '"') inQuote = !inQuote;
    else if (c === ',' && !inQuote) return true;
  }
  return false;
}

function parseText(text) {
  const rows = [];
  let offset = 0;
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() !== '') rows.push({ ...splitLine(line, offset), text: line, offset });
    offset += raw.length + 1;
  }
  const isNum = (f) => !f.quoted && 'value' in readLogit(f.value);
  const allNumeric = rows.every((r) => r.fields.every(isNum));
  const header =
    rows.length > 1 && rows[0].fields.length >= 2 && rows[0].fields.every((f) => !isNum(f))
      ? rows[0]
      : null;
  const pairs =
    !allNumeric &&
    (header !== null ||
      (rows.every((r) => (r.csv ? r.fields.length === 2 : r.fields.length >= 2)) &&
        rows.some((r) => !isNum(r.fields[0]))));
  if (pairs) return parsePairs(text, header ? rows.slice(1) : rows, header);
  return parseList(text, rows);
}

function parseList(text, rows) {
  const labels = [];
  const values = [];
  for (const row of rows) {
    for (const f of row.fields) {
      const read = f.quoted ? { problem: 'is not a number' } : readLogit(f.value);
      const index = values.length;
      if ('problem' in read)
        return {
          error: fieldError(
            text,
            f,
            `Entry ${index + 1}${describeField(f)} at %where% ${read.problem}.`,
            index,
          ),
        };
      labels.push(`#${index}`);
      values.push(read.value);
    }
  }
  if (values.length === 0) return { error: { message: 'No numbers found.' } };
  return { labels, logits: Float32Array.from(values), format: 'numbers' };
}

function parsePairs(text, rows, header) {
  let tokenCol = 0;
  let logitCol = -1; // -1: the last field
  if (header) {
    const names = header.fields.map((f) => f.value.trim());
    const text = names.findIndex((n) => TOKEN_HEADER.test(n));
    const t = text >= 0 ? text : names.findIndex((n) => ID_HEADER.test(n));
    const l = names.findIndex((n) => LOGIT_HEADER.test(n));
    if (l >= 0) logitCol = l;
    if (t >= 0) tokenCol = t;
  }
  const labels = [];
  const logits = new Float32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const { fields, csv, text: line, offset } = rows[i];
    const where = lineColumn(text, offset);
    const need = Math.max(tokenCol, logitCol) + 1;
    if (fields.length < Math.max(2, need)) {
      return {
        error: {
          message: `Line ${where.line} (entry ${i + 1}) needs a token and a logit.`,
          index: i,
          line: where.line,
          column: 1,
          start: offset,
          end: offset + line.length,
        },
      };
    }
    const logitField = logitCol >= 0 ? fields[logitCol] : fields[fields.length - 1];
    const read = logitField.quoted ? { problem: 'is not a number' } : readLogit(logitField.value);
    if ('problem' in read) {
      return {
        error: fieldError(
          text,
          logitField,
          `The logit${describeField(logitField)} of entry ${i + 1} at %where% ${read.problem}.`,
          i,
        ),
      };
    }
    // Whitespace-separated lines keep inner spaces of unquoted tokens: "New York 3.2" is "New York".
    const tokenField = fields[tokenCol];
    const label =
      !csv && logitCol < 0 && !tokenField.quoted && fields.length > 2
        ? text.slice(tokenField.start, fields[fields.length - 2].end)
        : tokenField.value;
    labels.push(label);
    logits[i] = read.value;
  }
  if (rows.length === 0) return { error: { message: 'Only a header row; no logits found.' } };
  return { labels, logits, format: 'csv' };
}

function describeField(f) {
  const s = f.value.length > 30 ? `${f.value.slice(0, 27)}...` : f.value;
  return s === '' ? '' : ` ${JSON.stringify(s)}`;
}

function fieldError(text, field, template, index) {
  const { line, column } = lineColumn(text, field.start);
  return {
    message: template.replace('%where%', `line ${line}, column ${column}`),
    index,
    line,
    column,
    start: field.start,
    end: field.end,
  };
}
