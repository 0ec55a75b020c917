// Moving keyboard focus to a shot's block once React has drawn it: after a keyboard move, a new
// shot or an undo the block may be a new element, or one React has just moved in the page.

function blockOf(id: string): HTMLElement | null {
  return document.querySelector<HTMLElement>(`[data-shot-id="${CSS.escape(id)}"]`);
}

/** Focuses the block of `id` on the next frame. With keepFocus, only scrolls it into view (the
 * button that made the shot keeps the focus). */
export function focusShotBlock(id: string, options: { keepFocus?: boolean } = {}): void {
  requestAnimationFrame(() => {
    const block = blockOf(id);
    if (block === null) return;
    if (options.keepFocus === true) block.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    else block.focus();
  });
}
