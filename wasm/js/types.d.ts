
// ---- Types of the JSON the Engine returns (same as `xianjiao … --json`; the serde form of core/src/*.rs) ----
/** A problem found while loading rule files (`code` is stable; `message` is Chinese + English). */
export interface Diagnostic { code: string; severity: 'error' | 'warning'; file: string; line: number; col: number; message: string; }
/** Thrown by Engine methods: a JS Error with the core's stable code. */
export interface EngineError extends Error { code: string; }

export type StepStatus = 'upcoming' | 'current' | 'overdue' | 'done' | 'past';
export interface ScheduleQuery { unit: string; batch?: string | null; on?: string | null; done?: string[]; }
/** A phase; start/end/days are null where the rules leave a date open. */
export interface PhaseRow { name: string; start: string | null; end: string | null; days: number | null; extend_days?: number; status?: StepStatus; }
/** A notice due before a step (提前两天公示). */
export interface Notice { step: string; on: string; label: string; }
export interface StepRow { phase: string; no: number; name: string; start: string | null; end: string | null; note?: string; status?: StepStatus; }
export interface Schedule { unit: string; batch: string | null; on: string | null; phases: PhaseRow[]; steps: StepRow[]; current_phase: string | null; due: string[]; overdue: string[]; notices?: Notice[]; }

/** One study session, for requirements counted by session (session_min). */
export interface Session { date: string; hours: number; }
export interface Profile { role: string; unit?: string | null; batch?: string | null; conditions?: string[]; progress?: Record<string, number | boolean | Session[]>; on?: string | null; }
export type ItemStatus = 'done' | 'pending' | 'overdue' | 'exempt' | 'not_applicable';
/** A catalogue code plus parameters; word it with `word(lang, msg)` (one catalogue for zh and en). */
export interface Msg { code: string; params: Record<string, number | string | string[] | Msg>; }
export interface ChecklistItem { id: string; phase: string; label: string; status: ItemStatus; reason: string; why: Msg[]; due: string | null; required?: number; have?: number; unit?: string; substitute?: string; note?: string; computed?: boolean; short_sessions?: string[]; }
export interface ChecklistSummary { done: number; pending: number; overdue: number; exempt: number; not_applicable: number; }
export interface GateState { phase: string; met: boolean; blocking: string[]; blocking_labels: string[]; note?: string; }
export interface Checklist { role: string; unit: string | null; batch: string | null; on: string | null; items: ChecklistItem[]; summary: ChecklistSummary; gates: GateState[]; unknown_progress?: string[]; }

export type FindingCode = 'chars.short' | 'part.missing' | 'part.field_missing' | 'part.order' | 'area.missing' | 'area.too_few' | 'item.field_missing' | 'item.field_empty' | 'item.date_invalid' | 'item.missing' | 'flag' | (string & {});
/** Offsets are in Unicode scalar values (not UTF-16 units). A flagged phrase found several
 * times is one finding: `at` lists every place `[start, end]` in text order (`start`/`end` are the first). */
export interface Finding { code: FindingCode; level: 'error' | 'warning'; message: string; msg: Msg; start: number | null; end: number | null; phrase?: string; at?: [number, number][]; item?: number; field?: string; }
/** An itemised entry of a material (整改方案: one line per measure). */
export interface ItemState { class: string; heading: string; no: number; start: number; end: number; missing: string[]; }
export interface PartState { name: string; found: boolean; start: number | null; missing_fields: string[]; }
export interface MaterialReport { kind: string; role: string; chars: number; min_chars: number | null; parts: PartState[]; areas_covered: string[]; areas_missing: string[]; items?: ItemState[] | null; findings: Finding[]; pass: boolean; reasons: string[]; }

export interface Rejection { row: number; field?: string; reason: string; }
export interface RowCounts { read: number; scored: number; rejected: number; }
/** One sheet: `member`, `rater_group` and one key per form item (values as numbers or strings). */
export type Sheet = Record<string, string | number | null>;
export interface GroupScore { sheets: number; used: number; mean: number; weight: number; items: Record<string, number>; }
export interface MemberScore { member: string; composite: number; groups: Record<string, GroupScore>; items: Record<string, number>; sheets: number; missing_groups?: string[]; outcome?: string; }
export interface ScoreReport { form: string; items: [string, number][]; members: MemberScore[]; rejected: Rejection[]; rows: RowCounts; }

/** `{unit, tier}` (one respondent) or `{unit, <tier>: count, …}` (tallies). */
export type VoteRow = Record<string, string | number | null>;
export interface Tally { subject: string; counts: Record<string, number>; total: number; rate: number; shares: Record<string, number>; triggered: boolean; action?: string; }
export interface VoteReport { vote: string; tiers: string[]; rate_of: string[]; subjects: Tally[]; overall: Tally; rejected: Rejection[]; rows: RowCounts; }

export interface Named { name: string; label?: string | null; }
export interface Rules {
  campaign: { name: string; level?: string | null; source?: string | null };
  roles: { name: string; label?: string | null; group: boolean }[];
  conditions: Named[]; units: Named[];
  phases: { name: string; start: string; end: string; min_days?: number | null; note?: string | null }[];
  steps: { phase: string; name: string; window?: { start: string; end: string } | null; windows: [string, { start: string; end: string }][]; note?: string | null }[];
  requirements: { id: string; phase: string; label: string; roles: string[]; min?: number | null; unit?: string | null; due: unknown; exempt: [string, string][]; substitute: [string, string][]; check?: string | null; note?: string | null }[];
  materials: { kind: string; min_chars: [string, number][]; parts: { name: string; markers: string[]; fields: { name: string; markers: string[] }[] }[]; areas: { name: string; markers: string[] }[]; min_areas?: number | null; extra_areas: [string, { name: string; markers: string[] }[]][]; flags: { phrases: string[]; level: string; reason: string }[] }[];
  forms: { name: string; subject: string; total: number; items: [string, number][]; groups: [string, number][]; trim: boolean; trim_min: number; outcome: unknown }[];
  votes: { name: string; tiers: string[]; rate_of: string[]; below?: number | null; above?: number | null; action?: string | null }[];
  gates: { phase: string; requires: string[]; note?: string | null }[];
}
export interface TestResult { name: string; file: string; line: number; col: number; pass: boolean; failures: string[]; }
export interface RuleFunction { name: string; params: string; zh: string; en: string; example: string; }
export interface ExplainItem { kind: string; key: string; change: 'added' | 'overridden' | 'removed' | 'inherited'; parent?: unknown; effective?: unknown; }
export interface Explain { files: string[]; items: ExplainItem[]; counts: Record<string, number>; }
export interface HighlightFinding { start: number | null; end: number | null; at?: [number, number][]; level: string; message: string; }
