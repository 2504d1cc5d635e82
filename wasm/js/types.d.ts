
// ---- Types of the JSON the Engine returns (same as `xianjiao ... --json`) ----
export interface Diagnostic { code: string; severity: 'error' | 'warning'; file: string; line: number; col: number; message: string; }
export interface ScheduleQuery { unit: string; on?: string; done?: string[]; }
export interface Schedule {
  unit: string; on: string | null;
  phases: { name: string; start: string; end: string; days: number; status?: string }[];
  steps: { phase: string; no: number; name: string; start: string | null; end: string | null; note?: string; status?: string }[];
  current_phase: string | null; due: string[]; overdue: string[];
}
export interface Profile { role: string; unit?: string | null; conditions?: string[]; progress?: Record<string, number | boolean>; on?: string; }
export interface ChecklistItem { id: string; phase: string; label: string; status: 'done' | 'pending' | 'overdue' | 'exempt' | 'not_applicable'; reason: string; due: string | null; required?: number; have?: number; unit?: string; substitute?: string; note?: string; }
export interface Checklist { role: string; unit: string | null; on: string | null; items: ChecklistItem[]; summary: Record<string, number>; gates: { phase: string; met: boolean; blocking: string[]; note?: string }[]; }
export interface Finding { code: string; level: 'error' | 'warning' | 'info'; message: string; start: number | null; end: number | null; phrase?: string; }
export interface MaterialReport { kind: string; role: string; chars: number; min_chars: number | null; parts: { name: string; found: boolean; start: number | null; missing_fields: string[] }[]; areas_covered: string[]; areas_missing: string[]; findings: Finding[]; pass: boolean; reasons: string[]; }
export interface Rejection { row: number; field?: string; reason: string; }
export interface ScoreReport { form: string; items: [string, number][]; members: { member: string; composite: number; groups: Record<string, { sheets: number; used: number; mean: number; weight: number; items: Record<string, number> }>; items: Record<string, number>; sheets: number; missing_groups?: string[]; outcome?: string }[]; rejected: Rejection[]; rows: { read: number; scored: number; rejected: number }; }
export interface Tally { subject: string; counts: Record<string, number>; total: number; rate: number; shares: Record<string, number>; triggered: boolean; action?: string; }
export interface VoteReport { vote: string; tiers: string[]; rate_of: string[]; subjects: Tally[]; overall: Tally; rejected: Rejection[]; rows: { read: number; scored: number; rejected: number }; }
/** The <xianjiao-widget> custom element. */
export declare class XianjiaoWidget extends HTMLElement { loadSources(sources: Record<string, string>, entry: string): Promise<void>; }
export declare function fetchRules(url: string): Promise<{ sources: Record<string, string>; entry: string }>;
