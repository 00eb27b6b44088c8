// A control that removes its own row (Remove, Restore, Re-add) would drop the keyboard focus to
// the page; the focus goes instead to the control that undoes it, once that is rendered.

const WAIT_MS = 1_000;

/** Focuses the element with `id` as soon as it is in the document, if within a second. */
export function focusById(id: string): void {
  const started = performance.now();
  const attempt = () => {
    const element = document.getElementById(id);
    if (element) element.focus();
    else if (performance.now() - started < WAIT_MS) requestAnimationFrame(attempt);
  };
  attempt();
}
