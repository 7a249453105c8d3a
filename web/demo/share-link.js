// "Copy link" (the settings, as the address bar holds them) and "Copy share link" (the settings
// and the pasted data, for someone else to see the same view). The data goes into a link only on
// request, and only up to SHARE_LIMIT characters: a longer link is refused with its size, and the
// settings link is offered instead. The link is copied to the clipboard when the browser allows it
// and always shown in a field, to copy by hand.
import { html, uid } from './dom.js';
import { encodeState } from './state.js';

/** The longest share link made (characters): beyond this, links break in chat apps and servers. */
export const SHARE_LIMIT = 32_000;

/**
 * @param {{ store, dataField: 'input' | 'apiInput' | null, dataName: string | null }} options
 *   without a dataField (a mode with nothing pasted) only the settings link is offered.
 */
export function shareLinks({ store, dataField, dataName }) {
  const fieldId = uid('share-link');
  const field = html('input', {
    id: fieldId,
    type: 'text',
    readonly: true,
    class: 'share-field',
    hidden: true,
    'aria-label': 'Link',
  });
  const message = html('p', { class: 'hint share-msg', 'aria-live': 'polite' });
  const linkButton = html('button', { type: 'button', onclick: () => copy(false) }, 'Copy link');
  const shareButton = dataField
    ? html('button', { type: 'button', onclick: () => copy(true) }, 'Copy share link')
    : null;
  const element = html(
    'div',
    { class: 'share' },
    html('div', { class: 'row' }, linkButton, shareButton),
    html(
      'p',
      { class: 'hint' },
      dataField
        ? `The address bar holds your settings, not your ${dataName}: bookmark it or reload, and the settings come back. “Copy share link” adds the ${dataName}, for someone else to see this view.`
        : 'The address bar holds your settings: bookmark it or share it, and they come back.',
    ),
    field,
    message,
  );

  async function copy(withData) {
    const state = store.get();
    const hash = await encodeState(state, { withData: withData ? [dataField] : [] });
    const link = `${location.origin}${location.pathname}${location.search}${hash ? `#${hash}` : ''}`;
    if (withData && link.length > SHARE_LIMIT) {
      field.hidden = true;
      message.textContent = `Too large to share as a link: ${link.length.toLocaleString('en')} characters with the ${dataName}, the limit is ${SHARE_LIMIT.toLocaleString('en')}. Use “Copy link” for the settings and send the ${dataName} separately.`;
      message.dataset.result = 'too-large';
      return;
    }
    field.value = link;
    field.hidden = false;
    let copied = false;
    try {
      await navigator.clipboard.writeText(link);
      copied = true;
    } catch {
      // No clipboard permission (or not a secure context): the field below has the link.
    }
    message.dataset.result = withData ? 'share' : 'settings';
    message.textContent =
      `${copied ? 'Copied' : 'Copy this link'} (${link.length.toLocaleString('en')} characters)` +
      (withData ? `: it contains your ${dataName}.` : ': the settings only.');
    if (!copied) field.select();
  }

  return { element };
}
