// The reference GBNF recognizer: llama.cpp's GBNF syntax (grammars/README.md and the parser in
// src/llama-grammar.cpp of llama.cpp), parsed by its own code and recognised by a plain Earley
// parser over Unicode scalar values decoded from UTF-8 bytes. It is the oracle the grammar engine's
// token masks are checked against, so it is written to be obviously correct, not fast: no lexer,
// no precomputed automaton, no caches beyond the Earley chart.
//
// Language: a grammar matches sequences of Unicode scalar values (U+0000..U+10FFFF without the
// surrogates U+D800..U+DFFF) encoded as UTF-8. Byte strings that are not valid UTF-8 (overlong
// forms, surrogates, values above U+10FFFF, stray continuation bytes) are never accepted, not even
// as prefixes. A negated class [^...] and `.` match any scalar value not excluded.
//
// Syntax, as llama.cpp parses it, with these deliberate differences (each one a clear GbnfError,
// where llama.cpp would silently change the language or misbehave):
//   - a rule defined twice is an error (llama.cpp keeps the last definition);
//   - a repetition count above 2000 is an error (llama.cpp makes {m,n} with n > 2000 unbounded);
//   - {m,n} with n < m, a range [b-a] with b > a, an empty class [] or [^] (llama.cpp reads it as
//     the empty string), and a literal character that is not a scalar value (\uD800) are errors;
//   - token references (<[id]>, <text>, !<...>) are errors: they name vocabulary entries, not
//     bytes, and this recognizer works on bytes.
// Rule names may hold letters, digits, '-' and '_'.
//
// API:
//   const g = compileGbnf(text, { root: 'root' });   // throws GbnfError (.position: string index)
//   g.acceptsPrefix(bytes)   // bytes can be extended to a string of the language
//   g.accepts(bytes)         // bytes are a string of the language
//   let s = g.start();       // incremental: s.feed(bytes) -> a new state or null (dead);
//   s.canEnd()               // s's bytes are a complete string of the language
// `bytes` is a Uint8Array, an array of byte values, or a JS string (encoded as UTF-8).
// States are immutable: feeding one state twice explores two continuations.

/** A GBNF text that does not parse, or names an undefined rule; `position` is a string index. */
export class GbnfError extends Error {
  constructor(message, position) {
    super(position >= 0 ? `${message} (at ${position})` : message);
    this.name = 'GbnfError';
    this.position = position;
  }
}

/** The largest {m,n} count accepted (llama.cpp's MAX_REPETITION_THRESHOLD). */
export const MAX_REPETITION = 2000;

const MAX_SCALAR = 0x10ffff;
const SURROGATE_LO = 0xd800;
const SURROGATE_HI = 0xdfff;

// ---- Parser: text -> { rules: Map<name, { alts, position }> } -------------------------------------
// AST nodes: { t: 'lit', cps } | { t: 'cls', neg, ranges } | { t: 'any' } | { t: 'ref', name, pos }
//          | { t: 'group', alts } | { t: 'rep', node, min, max }   (max = Infinity when unbounded)
// alts is an array of sequences; a sequence is an array of nodes.

const isWordChar = (c) => /[A-Za-z0-9_-]/.test(c);
const isDigit = (c) => c >= '0' && c <= '9';

function parse(text) {
  let pos = 0;
  const rules = new Map();
  const at = (i = 0) => (pos + i < text.length ? text[pos + i] : '');
  const fail = (message, where = pos) => {
    throw new GbnfError(message, where);
  };

  function space(newlineOk) {
    for (;;) {
      const c = at();
      if (c === ' ' || c === '\t' || (newlineOk && (c === '\r' || c === '\n'))) {
        pos++;
      } else if (c === '#') {
        while (pos < text.length && text[pos] !== '\r' && text[pos] !== '\n') pos++;
      } else {
        return;
      }
    }
  }

  function name() {
    const start = pos;
    while (pos < text.length && isWordChar(text[pos])) pos++;
    if (pos === start) fail('expecting a rule name');
    return text.slice(start, pos);
  }

  function hex(digits) {
    const start = pos;
    let value = 0;
    for (let i = 0; i < digits; i++) {
      const c = at();
      if (!/[0-9a-fA-F]/.test(c)) fail(`expecting ${digits} hex digits`, start);
      value = value * 16 + parseInt(c, 16);
      pos++;
    }
    return value;
  }

  // One character of a literal or class: an escape or one code point of the text.
  function char() {
    const start = pos;
    if (at() === '\\') {
      const e = at(1);
      pos += 2;
      switch (e) {
        case 'x':
          return hex(2);
        case 'u':
          return hex(4);
        case 'U':
          return hex(8);
        case 't':
          return 9;
        case 'r':
          return 13;
        case 'n':
          return 10;
        case '\\':
        case '"':
        case '[':
        case ']':
        case '-':
          return e.codePointAt(0);
        default:
          fail(`unknown escape \\${e}`, start);
      }
    }
    if (pos >= text.length) fail('unexpected end of input');
    const cp = text.codePointAt(pos);
    if (cp >= SURROGATE_LO && cp <= SURROGATE_HI) fail('lone surrogate in the grammar text');
    pos += cp > 0xffff ? 2 : 1;
    return cp;
  }

  function count() {
    const start = pos;
    while (isDigit(at())) pos++;
    if (pos === start) fail('expecting an integer');
    const n = Number(text.slice(start, pos));
    if (n > MAX_REPETITION) fail(`repetition count ${n} exceeds ${MAX_REPETITION}`, start);
    return n;
  }

  // The items `readOne(itemStart)` reads up to `close` (consumed); the end of the text before it
  // is an unterminated `what` opened at `start`.
  function itemsUntil(close, what, start, readOne) {
    const items = [];
    while (at() !== close) {
      if (pos >= text.length) fail(`unterminated ${what}`, start);
      items.push(readOne(pos));
    }
    pos++;
    return items;
  }

  function sequence(nested) {
    const seq = [];
    const repeat = (min, max, where) => {
      if (seq.length === 0) fail('expecting an item before */+/?/{', where);
      if (max < min) fail(`repetition {${min},${max}} has max < min`, where);
      seq.push({ t: 'rep', node: seq.pop(), min, max });
    };
    for (;;) {
      const c = at();
      const start = pos;
      if (c === '"') {
        pos++;
        const cps = itemsUntil('"', 'literal', start, (charStart) => {
          const cp = char();
          if (cp > MAX_SCALAR || (cp >= SURROGATE_LO && cp <= SURROGATE_HI)) {
            fail(`literal character U+${cp.toString(16)} is not a Unicode scalar value`, charStart);
          }
          return cp;
        });
        seq.push({ t: 'lit', cps });
        space(nested);
      } else if (c === '[') {
        pos++;
        let neg = false;
        if (at() === '^') {
          neg = true;
          pos++;
        }
        const ranges = itemsUntil(']', 'character class', start, (rangeStart) => {
          const lo = char();
          let hi = lo;
          if (at() === '-' && at(1) !== ']') {
            if (pos + 1 >= text.length) fail('unterminated character class', start);
            pos++;
            hi = char();
            if (hi < lo) fail('character range out of order', rangeStart);
          }
          return [lo, hi];
        });
        if (ranges.length === 0) fail('empty character class (llama.cpp reads it as "")', start);
        seq.push({ t: 'cls', neg, ranges });
        space(nested);
      } else if (c === '<' || c === '!') {
        fail('token references (<...>) are not supported by a byte-level grammar');
      } else if (c !== '' && isWordChar(c)) {
        seq.push({ t: 'ref', name: name(), pos: start });
        space(nested);
      } else if (c === '(') {
        pos++;
        space(true);
        const alts = alternates(true);
        if (at() !== ')') fail("expecting ')'");
        pos++;
        seq.push({ t: 'group', alts });
        space(nested);
      } else if (c === '.') {
        pos++;
        seq.push({ t: 'any' });
        space(nested);
      } else if (c === '*' || c === '+' || c === '?') {
        pos++;
        space(nested);
        if (c === '*') repeat(0, Infinity, start);
        else if (c === '+') repeat(1, Infinity, start);
        else repeat(0, 1, start);
      } else if (c === '{') {
        pos++;
        space(nested);
        if (!isDigit(at())) fail('expecting an integer');
        const min = count();
        space(nested);
        let max = Infinity;
        if (at() === '}') {
          max = min;
          pos++;
        } else if (at() === ',') {
          pos++;
          space(nested);
          if (isDigit(at())) {
            max = count();
            space(nested);
          }
          if (at() !== '}') fail("expecting '}'");
          pos++;
        } else {
          fail("expecting ',' or '}'");
        }
        space(nested);
        repeat(min, max, start);
      } else {
        return seq;
      }
    }
  }

  function alternates(nested) {
    const alts = [sequence(nested)];
    while (at() === '|') {
      pos++;
      space(true);
      alts.push(sequence(nested));
    }
    return alts;
  }

  space(true);
  while (pos < text.length) {
    const start = pos;
    const ruleName = name();
    space(false);
    if (text.slice(pos, pos + 3) !== '::=') fail("expecting '::='");
    pos += 3;
    space(true);
    const alts = alternates(false);
    if (at() === '\r') pos += at(1) === '\n' ? 2 : 1;
    else if (at() === '\n') pos++;
    else if (pos < text.length) fail('expecting newline or end');
    if (rules.has(ruleName)) fail(`rule '${ruleName}' is defined twice`, start);
    rules.set(ruleName, { alts, position: start });
    space(true);
  }
  return rules;
}

// ---- Lowering: AST -> plain BNF (productions over nonterminal ids and terminal classes) ----------
// A symbol >= 0 is a nonterminal id; a symbol < 0 is the terminal class number ~symbol.

function classMatches(cls, cp) {
  let inside = false;
  for (const [lo, hi] of cls.ranges) if (lo <= cp && cp <= hi) inside = true;
  return inside !== cls.neg;
}

// Whether some scalar value in [lo, hi] (surrogates excluded) matches the class.
function classMatchesSome(cls, lo, hi) {
  const pieces = [];
  if (lo < SURROGATE_LO) pieces.push([lo, Math.min(hi, SURROGATE_LO - 1)]);
  if (hi > SURROGATE_HI) pieces.push([Math.max(lo, SURROGATE_HI + 1), Math.min(hi, MAX_SCALAR)]);
  for (const [a, b] of pieces) {
    if (a > b) continue;
    if (!cls.neg) {
      for (const [x, y] of cls.ranges) if (x <= b && y >= a) return true;
    } else {
      // Is some point of [a, b] outside every range? Walk the ranges in order of their start.
      let next = a;
      const sorted = [...cls.ranges].sort((p, q) => p[0] - q[0]);
      for (const [x, y] of sorted) {
        if (x > next) break;
        if (y >= next) next = y + 1;
        if (next > b) break;
      }
      if (next <= b) return true;
    }
  }
  return false;
}

function lower(rules, root) {
  const ids = new Map();
  const prods = []; // { lhs, rhs }
  const classes = [];
  let nextId = 0;
  for (const name of rules.keys()) ids.set(name, nextId++);
  const fresh = () => nextId++;
  const terminal = (cls) => {
    classes.push(cls);
    return ~(classes.length - 1);
  };

  // Appends the symbols for `node` to `out`.
  function symbols(node, out) {
    switch (node.t) {
      case 'lit':
        for (const cp of node.cps) out.push(terminal({ neg: false, ranges: [[cp, cp]] }));
        return;
      case 'cls':
        out.push(terminal({ neg: node.neg, ranges: node.ranges }));
        return;
      case 'any':
        out.push(terminal({ neg: true, ranges: [] }));
        return;
      case 'ref':
        if (!ids.has(node.name)) throw new GbnfError(`undefined rule '${node.name}'`, node.pos);
        out.push(ids.get(node.name));
        return;
      case 'group': {
        const id = fresh();
        for (const seq of node.alts) prods.push({ lhs: id, rhs: sequence(seq) });
        out.push(id);
        return;
      }
      case 'rep': {
        // E ::= node; then min copies of E and either E* (left recursion: R ::= | R E) or
        // a chain of (max - min) optional copies O_j ::= | E O_(j-1).
        const e = fresh();
        prods.push({ lhs: e, rhs: sequence([node.node]) });
        for (let i = 0; i < node.min; i++) out.push(e);
        if (node.max === Infinity) {
          const r = fresh();
          prods.push({ lhs: r, rhs: [] }, { lhs: r, rhs: [r, e] });
          out.push(r);
        } else if (node.max > node.min) {
          let prev = -1;
          for (let j = 0; j < node.max - node.min; j++) {
            const o = fresh();
            prods.push({ lhs: o, rhs: [] }, { lhs: o, rhs: prev < 0 ? [e] : [e, prev] });
            prev = o;
          }
          out.push(prev);
        }
        return;
      }
    }
  }
  function sequence(seq) {
    const out = [];
    for (const node of seq) symbols(node, out);
    return out;
  }

  for (const [name, rule] of rules) {
    for (const seq of rule.alts) prods.push({ lhs: ids.get(name), rhs: sequence(seq) });
  }
  if (!ids.has(root)) throw new GbnfError(`the grammar has no rule '${root}'`, -1);
  const start = fresh();
  prods.push({ lhs: start, rhs: [ids.get(root)] });
  return { prods, classes, start, count: nextId };
}

// Keeps only productions whose symbols can all derive some string: then every Earley item has a
// completion, so a non-empty Earley set means a viable prefix.
function pruneUnproductive(g) {
  const productive = new Array(g.count).fill(false);
  const terminalOk = g.classes.map((cls) => classMatchesSome(cls, 0, MAX_SCALAR));
  const ok = (s) => (s >= 0 ? productive[s] : terminalOk[~s]);
  for (let changed = true; changed;) {
    changed = false;
    for (const p of g.prods) {
      if (!productive[p.lhs] && p.rhs.every(ok)) {
        productive[p.lhs] = true;
        changed = true;
      }
    }
  }
  g.prods = g.prods.filter((p) => productive[p.lhs] && p.rhs.every(ok));
}

// ---- Earley recognition --------------------------------------------------------------------------

class EarleySet {
  constructor() {
    this.items = []; // [prod, dot, origin]
    this.keys = new Set();
    this.waiting = new Map(); // nonterminal -> items whose next symbol it is
  }
  add(prod, dot, origin, g) {
    const key = `${prod},${dot},${origin}`;
    if (this.keys.has(key)) return;
    this.keys.add(key);
    const item = [prod, dot, origin];
    this.items.push(item);
    const next = g.prods[prod].rhs[dot];
    if (next !== undefined && next >= 0) {
      if (!this.waiting.has(next)) this.waiting.set(next, []);
      this.waiting.get(next).push(item);
    }
  }
}

// Runs prediction and completion over `set` (the k-th set of `chart`) to closure.
function closeSet(g, chart, k) {
  const set = chart[k];
  for (let i = 0; i < set.items.length; i++) {
    const [p, dot, origin] = set.items[i];
    const rhs = g.prods[p].rhs;
    if (dot === rhs.length) {
      const lhs = g.prods[p].lhs;
      for (const [q, d, o] of chart[origin].waiting.get(lhs) ?? []) set.add(q, d + 1, o, g);
    } else if (rhs[dot] >= 0) {
      const sym = rhs[dot];
      for (const q of g.byLhs[sym]) set.add(q, 0, k, g);
      // Aycock & Horspool: a nullable nonterminal may be stepped over at once.
      if (g.nullable[sym]) set.add(p, dot + 1, origin, g);
    }
  }
}

// Strict UTF-8: the scalar values [lo, hi] that a lead byte and some continuation bytes can still
// become, or null when no valid encoding starts this way.
function utf8Range(bytes) {
  const b0 = bytes[0];
  let n;
  let value;
  if (b0 < 0x80) return bytes.length === 1 ? { n: 1, lo: b0, hi: b0 } : null;
  if (b0 >= 0xc0 && b0 < 0xe0) [n, value] = [2, b0 & 0x1f];
  else if (b0 >= 0xe0 && b0 < 0xf0) [n, value] = [3, b0 & 0x0f];
  else if (b0 >= 0xf0 && b0 < 0xf8) [n, value] = [4, b0 & 0x07];
  else return null;
  if (bytes.length > n) return null;
  for (let i = 1; i < bytes.length; i++) {
    if ((bytes[i] & 0xc0) !== 0x80) return null;
    value = value * 64 + (bytes[i] & 0x3f);
  }
  const rest = n - bytes.length;
  let lo = value * 64 ** rest;
  let hi = lo + 64 ** rest - 1;
  const [min, max] = [
    [0, 0],
    [0, 0],
    [0x80, 0x7ff],
    [0x800, 0xffff],
    [0x10000, MAX_SCALAR],
  ][n];
  lo = Math.max(lo, min);
  hi = Math.min(hi, max);
  // Exclude surrogates: a range lying inside them is empty.
  if (lo >= SURROGATE_LO && hi <= SURROGATE_HI) return null;
  if (lo > hi) return null;
  return { n, lo, hi };
}

class State {
  constructor(grammar, chart, length, pending) {
    this.grammar = grammar;
    this.chart = chart; // shared between states; this state owns chart[0 .. length-1]
    this.length = length;
    this.pending = pending; // bytes of an incomplete UTF-8 sequence
  }

  /** Whether the bytes fed so far are a complete string of the language. */
  canEnd() {
    if (this.pending.length > 0) return false;
    const g = this.grammar.g;
    const last = this.chart[this.length - 1];
    for (const [p, dot, origin] of last.items) {
      if (p === g.startProd && dot === 1 && origin === 0) return true;
    }
    return false;
  }

  /** The state after `bytes`, or null when no string of the language starts that way. */
  feed(bytes) {
    let state = this;
    for (const b of toBytes(bytes)) {
      state = state.feedByte(b);
      if (state === null) return null;
    }
    return state;
  }

  feedByte(byte) {
    const pending = [...this.pending, byte];
    const range = utf8Range(pending);
    if (range === null) return null;
    const g = this.grammar.g;
    const last = this.chart[this.length - 1];
    if (pending.length < range.n) {
      // Incomplete character: viable iff some expected terminal accepts a possible completion.
      for (const [p, dot] of last.items) {
        const sym = g.prods[p].rhs[dot];
        if (sym < 0 && classMatchesSome(g.classes[~sym], range.lo, range.hi)) {
          return new State(this.grammar, this.chart, this.length, pending);
        }
      }
      return null;
    }
    const cp = range.lo;
    const next = new EarleySet();
    for (const [p, dot, origin] of last.items) {
      const sym = g.prods[p].rhs[dot];
      if (sym < 0 && classMatches(g.classes[~sym], cp)) next.add(p, dot + 1, origin, g);
    }
    if (next.items.length === 0) return null;
    // Copy-on-write: extend the shared chart only when no other state has extended it already.
    const chart = this.chart.length === this.length ? this.chart : this.chart.slice(0, this.length);
    chart.push(next);
    closeSet(g, chart, this.length);
    return new State(this.grammar, chart, this.length + 1, []);
  }
}

function toBytes(bytes) {
  if (typeof bytes === 'string') return new TextEncoder().encode(bytes);
  return bytes;
}

class GbnfGrammar {
  constructor(g) {
    this.g = g;
    const first = new EarleySet();
    const chart = [first];
    if (g.prods.some((p) => p.lhs === g.start)) {
      first.add(g.startProd, 0, 0, g);
      closeSet(g, chart, 0);
    }
    this.initial = new State(this, chart, 1, []);
  }

  /** The state before any byte. */
  start() {
    return this.initial;
  }

  /** Whether the language is empty (no string at all matches). */
  isEmpty() {
    return this.initial.chart[0].items.length === 0;
  }

  /** Whether `bytes` can be extended to a string of the language. */
  acceptsPrefix(bytes) {
    return !this.isEmpty() && this.initial.feed(bytes) !== null;
  }

  /** Whether `bytes` is a string of the language. */
  accepts(bytes) {
    const state = this.initial.feed(bytes);
    return state !== null && state.canEnd();
  }
}

/**
 * Parses a GBNF text and prepares it for recognition.
 * @param {string} text  the grammar, in llama.cpp's GBNF syntax
 * @param {{ root?: string }} [options]  the start rule (default 'root')
 * @returns {GbnfGrammar}
 * @throws {GbnfError} on a syntax error, an undefined rule or a missing root
 */
export function compileGbnf(text, { root = 'root' } = {}) {
  if (typeof text !== 'string') throw new TypeError('compileGbnf: text must be a string');
  const g = lower(parse(text), root);
  pruneUnproductive(g);
  g.byLhs = Array.from({ length: g.count }, () => []);
  g.prods.forEach((p, i) => g.byLhs[p.lhs].push(i));
  g.startProd = g.prods.findIndex((p) => p.lhs === g.start);
  g.nullable = new Array(g.count).fill(false);
  for (let changed = true; changed;) {
    changed = false;
    for (const p of g.prods) {
      if (!g.nullable[p.lhs] && p.rhs.every((s) => s >= 0 && g.nullable[s])) {
        g.nullable[p.lhs] = true;
        changed = true;
      }
    }
  }
  return new GbnfGrammar(g);
}
