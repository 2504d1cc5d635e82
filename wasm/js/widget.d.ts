
// ---- <xianjiao-widget> (import 'xianjiao/widget', or the one-file www/pkg/xianjiao.js) ----
/**
 * The member widget. Attributes: rules (URL of the entry rule file), unit, lang ('zh' | 'en'), today (YYYY-MM-DD), batch.
 * It sets data-viewport="missing" on itself when the host page has no `<meta name="viewport">` (it then warns in the console;
 * see DEPLOY.md). Printing: its 自查报告 button prints the checklist and material result only (never the calculator's trial
 * numbers) from a document of its own; Ctrl+P on the host page gets the widget's print CSS (no controls, the whole draft).
 */
export declare class XianjiaoWidget extends HTMLElement {
  /** Loads rules from text instead of the `rules` attribute: file name → rule text. */
  loadSources(sources: Record<string, string>, entry: string): Promise<void>;
}
/** Fetches an entry rule file and the parents it extends (same origin and directory only). */
export declare function fetchRules(url: string, lang?: 'zh' | 'en'): Promise<{ sources: Record<string, string>; entry: string }>;
declare global {
  interface HTMLElementTagNameMap { 'xianjiao-widget': XianjiaoWidget; }
}
