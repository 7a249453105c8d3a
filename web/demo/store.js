// The page state, kept in step with the URL hash: set() writes the hash (replaceState, debounced,
// so typing does not flood history); a hash changed from outside (a pasted link, back/forward)
// is read back and announced to subscribers with { external: true }.
import { decodeState, encodeState } from './state.js';

export async function createStore() {
  let state = await decodeState(location.hash);
  const listeners = new Set();
  let timer = 0;
  let written = location.hash.replace(/^#/, '');

  const notify = (change, external) => listeners.forEach((fn) => fn(state, change, external));

  async function write() {
    const snapshot = state;
    const hash = await encodeState(snapshot);
    if (snapshot !== state) return; // a newer set() schedules its own write
    written = hash;
    history.replaceState(null, '', hash === '' ? location.pathname + location.search : `#${hash}`);
  }

  addEventListener('hashchange', async () => {
    const hash = location.hash.replace(/^#/, '');
    if (hash === written) return;
    written = hash;
    state = await decodeState(hash);
    notify(state, true);
  });

  return {
    get: () => state,
    set(change) {
      state = { ...state, ...change };
      clearTimeout(timer);
      timer = setTimeout(write, 120);
      notify(change, false);
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}
