// Boots the page: loads the kernels, reads the state from the URL hash, and shows the mode
// switcher with the current mode. The page is a client of the public `logitkit` API only.
import { load } from 'logitkit';
import { html } from './dom.js';
import { MODES } from './modes.js';
import { createStore } from './store.js';

const status = document.getElementById('status');
const tabs = document.getElementById('modes');
const panel = document.getElementById('mode-panel');

try {
  const [lk, store] = await Promise.all([load(), createStore()]);
  status.textContent = lk.simd
    ? 'Kernels: WebAssembly SIMD'
    : 'Kernels: WebAssembly (baseline, no SIMD)';
  status.dataset.ready = 'true';
  // For the curious: the loaded instance in the devtools console, as `await load()` returns it.
  window.logitkit = lk;
  mountModes(lk, store);
} catch (error) {
  status.textContent = `Could not load the kernels: ${error.message}`;
  status.classList.add('is-error');
  throw error;
}

function mountModes(lk, store) {
  const mounted = new Map();
  const buttons = MODES.map((mode, i) =>
    html(
      'button',
      {
        type: 'button',
        role: 'tab',
        id: `tab-${mode.id}`,
        'aria-controls': 'mode-panel',
        onclick: () => store.set({ mode: mode.id }),
        onkeydown: (e) => {
          const d = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
          if (d === 0) return;
          const next = MODES[(i + d + MODES.length) % MODES.length];
          store.set({ mode: next.id });
          document.getElementById(`tab-${next.id}`).focus();
        },
      },
      mode.label,
    ),
  );
  tabs.replaceChildren(...buttons);

  const show = (id) => {
    const mode = MODES.find((m) => m.id === id) ?? MODES[0];
    buttons.forEach((b, i) => {
      const on = MODES[i] === mode;
      b.setAttribute('aria-selected', String(on));
      b.tabIndex = on ? 0 : -1;
    });
    panel.setAttribute('aria-labelledby', `tab-${mode.id}`);
    for (const [modeId, el] of mounted) el.hidden = modeId !== mode.id;
    if (!mounted.has(mode.id)) {
      const el = html('div', { 'data-mode': mode.id });
      panel.append(el);
      mounted.set(mode.id, el);
      mode.mount(el, { lk, store });
    }
  };
  show(store.get().mode);
  store.subscribe((state, change) => {
    if ('mode' in change) show(state.mode);
  });
}
