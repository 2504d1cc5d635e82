// ---------------------------------------------------------------------------
// The rules the office workbench's two elements share (<xianjiao-office> and its
// 单位汇总 tab <xianjiao-units>): buttons, focus, the drop area, status and error
// lines, sortable tables. Each shadow root adopts this sheet first, then its own.
// ---------------------------------------------------------------------------

export const OFFICE_BASE_CSS = `
:host([hidden]) { display: none; }
* { box-sizing: border-box; }
h3 { font-size: 1.1em; margin: 1em 0 .4em; }
p { margin: .4em 0; }
button { background: #f3f4f6; border: 1px solid #6b7280; border-radius: .35em; padding: .3em .9em; cursor: pointer; min-height: 44px; min-width: 44px; }
button:hover { background: #e5e7eb; }
button.primary { background: #1d4ed8; color: #fff; border-color: #1e3a8a; }
:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
.muted { color: #4b5563; }
.drop { border: 2px dashed #6b7280; border-radius: .5em; padding: 1em; margin: .75em 0; display: flex; flex-wrap: wrap; gap: .5em 1em; align-items: center; background: #f9fafb; }
.drop.over { border-color: #1d4ed8; background: #eff6ff; }
.drop p { margin: 0; }
.vh { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.status { min-height: 1.6em; }
.error { color: #991b1b; white-space: pre-wrap; word-break: break-word; }
.actions { display: flex; flex-wrap: wrap; gap: .5em; margin: .6em 0; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #d1d5db; padding: .3em .5em; text-align: left; vertical-align: top; }
thead th { position: sticky; top: 0; background: #f3f4f6; z-index: 1; vertical-align: middle; }
th[aria-sort=ascending] button::after { content: " ▲"; }
th[aria-sort=descending] button::after { content: " ▼"; }
`;

let base = null;
/** The shared sheet, made once (throws where constructable stylesheets are missing: callers fall back to <style>). */
export function officeBaseSheet() {
  if (!base) { base = new CSSStyleSheet(); base.replaceSync(OFFICE_BASE_CSS); }
  return base;
}
