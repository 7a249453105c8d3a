// The page state and its URL-hash form. The address bar holds the settings only:
// #mode=paste&T=0.5&k=2&p=0.9&minp=0&seed=42&log=1&bias=[["Rome","2"]] (keys at their default are
// left out). Pasted data (logits, an API response, possibly sensitive) stays out of the URL and so
// out of the browser's history, unless the user asks for a share link (encodeState with
// withData): then it is added as in=<text>, deflate-compressed as `inz` (base64url) when long.
// The "API response" mode adds: api=<response text> (apiz compressed), th=<low-confidence
// threshold>, ch=<the provider's choice index>, seq=refusal|prompt (which token sequence).
import API_EXAMPLE from './examples/openai-chat.json?raw';

export const EXAMPLE_INPUT = `{
  " Paris": 8.0,
  " London": 6.0,
  " Rome": 5.0,
  " banana": -1.0
}`;

export const DEFAULTS = Object.freeze({
  mode: 'paste',
  input: EXAMPLE_INPUT,
  temperature: 1,
  topK: 0,
  topP: 1,
  minP: 0,
  seed: 42,
  /** Rows of the logit-bias editor as typed: [{ token: 'Paris' | '#3' | '3', bias: '-inf' | '2.5' }]. */
  bias: [],
  logScale: false,
  /** API mode: the pasted response (JSON, stream chunk array, SSE or NDJSON text). */
  apiInput: API_EXAMPLE,
  /** API mode: probability below which a token is low-confidence (lowConfidenceSpans' threshold). */
  threshold: 0.5,
  /** API mode: the provider's index of the choice shown (the first choice when absent). */
  choice: 0,
  /** API mode: 'answer', or a choice's 'refusal' / 'prompt' token sequence. */
  sequence: 'answer',
});

export { API_EXAMPLE };

const NUMERIC = {
  temperature: 'T',
  topK: 'k',
  topP: 'p',
  minP: 'minp',
  seed: 'seed',
  threshold: 'th',
  choice: 'ch',
};
const SEQUENCES = ['answer', 'refusal', 'prompt'];
/** Long texts in the hash: [state field, plain key, compressed key]. */
const TEXTS = [
  ['input', 'in', 'inz'],
  ['apiInput', 'api', 'apiz'],
];
const COMPRESS_OVER = 1500; // characters of input

/**
 * @param {{ withData?: string[] }} [options] withData: the pasted texts to include, by state
 *   field ('input', 'apiInput'), for a share link; none by default.
 * @returns {Promise<string>} the hash (without '#') for a state.
 */
export async function encodeState(state, { withData = [] } = {}) {
  const q = new URLSearchParams();
  if (state.mode !== DEFAULTS.mode) q.set('mode', state.mode);
  for (const [name, key] of Object.entries(NUMERIC)) {
    if (state[name] !== DEFAULTS[name]) q.set(key, String(state[name]));
  }
  if (state.logScale) q.set('log', '1');
  if (state.bias.length > 0)
    q.set('bias', JSON.stringify(state.bias.map((r) => [r.token, r.bias])));
  if (state.sequence !== DEFAULTS.sequence) q.set('seq', state.sequence);
  for (const [name, plain, packedKey] of TEXTS.filter(([field]) => withData.includes(field))) {
    if (state[name] === DEFAULTS[name]) continue;
    const packed = state[name].length > COMPRESS_OVER ? await deflate(state[name]) : null;
    if (packed !== null) q.set(packedKey, packed);
    else q.set(plain, state[name]);
  }
  return q.toString();
}

/** Reads a hash (with or without '#'); unknown or malformed keys fall back to defaults. */
export async function decodeState(hash) {
  const q = new URLSearchParams(hash.replace(/^#/, ''));
  const state = { ...DEFAULTS, bias: [] };
  if (q.has('mode')) state.mode = q.get('mode');
  for (const [name, key] of Object.entries(NUMERIC)) {
    const raw = q.get(key);
    if (raw !== null && raw.trim() !== '' && Number.isFinite(Number(raw)))
      state[name] = Number(raw);
  }
  state.logScale = q.get('log') === '1';
  try {
    const rows = JSON.parse(q.get('bias') ?? '[]');
    if (Array.isArray(rows))
      state.bias = rows
        .filter(Array.isArray)
        .map(([token, bias]) => ({ token: String(token ?? ''), bias: String(bias ?? '') }));
  } catch {
    // A hand-edited, broken bias list: start without one.
  }
  if (SEQUENCES.includes(q.get('seq'))) state.sequence = q.get('seq');
  for (const [name, plain, packedKey] of TEXTS) {
    if (q.has(plain)) state[name] = q.get(plain);
    else if (q.has(packedKey)) state[name] = (await inflate(q.get(packedKey))) ?? DEFAULTS[name];
  }
  return state;
}

async function deflate(text) {
  if (typeof CompressionStream !== 'function') return null;
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

async function inflate(b64) {
  try {
    const binary = atob(b64.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
    return await new Response(stream).text();
  } catch {
    return null;
  }
}
