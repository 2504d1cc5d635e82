
// ---- Types of the JSON the Engine returns (same as `xianjiao … --json`; the serde form of core/src/*.rs) ----
/** A problem found while loading rule files (`code` is stable; `message` is Chinese + English; `hint`: what to do, in Chinese). */
/** The column vocabulary every reader of sheets matches headers with (`sheetColumns()`): accepted names per column. */
export interface SheetColumns { member: string[]; rater_group: string[]; tier: string[]; respondent_group: string[]; total: string[]; }
/** Where in the pipeline a problem is found (core/src/codes.rs); `syntax`, `file`, `limit` and `script` stop the file. */
export type Stage = 'syntax' | 'file' | 'limit' | 'script' | 'merge' | 'model' | 'function' | 'origin' | 'eval';
/** A row of the table of codes (`diagnosticCodes()` in the playground build). */
export interface CodeRow { code: string; stage: Stage; stops: boolean; severity: 'error' | 'warning'; zh: string; en: string; }
export interface Diagnostic {
  code: string; severity: 'error' | 'warning'; file: string; line: number; col: number; message: string; hint: string; stage: Stage;
  /** The message's parameters, e.g. `{kind, key, field, allowed}` for `field.unknown`. */
  args?: Record<string, unknown>;
}
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
/** `progress`: done (true), an amount, sessions, or for a requirement completed by a vote (`vote:`) the count per tier. */
export interface Profile { role: string; unit?: string | null; batch?: string | null; conditions?: string[]; progress?: Record<string, number | boolean | Session[] | Record<string, number>>; on?: string | null; }
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
/** A date read from an itemised entry (年/月/日 as written; null where the text leaves it out). */
export interface ItemDate { text: string; year: number | null; month: number | null; day: number | null; }
/** An itemised entry of a material (整改方案: one line per measure). */
export interface ItemState { class: string; heading: string; no: number; start: number; end: number; missing: string[]; date: ItemDate | null; }
export interface PartState { name: string; found: boolean; start: number | null; missing_fields: string[]; }
export interface MaterialReport { kind: string; role: string; chars: number; min_chars: number | null; parts: PartState[]; areas_covered: string[]; areas_missing: string[]; items?: ItemState[]; findings: Finding[]; pass: boolean; reasons: string[]; quoted?: number; }

/** A row that was not counted (`row`: its line; `field`: the column at fault, if one is). */
export interface Rejection { row: number; field?: string; reason: string; }
export interface RowCounts { read: number; scored: number; rejected: number; }
/** One sheet: `member`, `rater_group` and one key per form item (values as numbers or strings). */
export type Sheet = Record<string, string | number | null>;
export interface GroupScore { sheets: number; used: number; mean: number; weight: number; items: Record<string, number>; }
/** The committee's decision on a member (from a decisions file), when there is one. */
export interface Decision { outcome: string; handling?: string; note?: string; }
/** One subject (member or unit): `suggestion` marks an outcome that is only the rules' suggestion. */
export interface MemberScore { member: string; id?: string; composite: number; groups: Record<string, GroupScore>; items: Record<string, number>; sheets: number; missing_groups?: string[]; outcome?: string; suggestion?: boolean; decision?: Decision; }
/** Where a form's outcome rule comes from and what it can give (labels, handling). */
export interface OutcomeInfo extends Origin { suggestion: boolean; labels: string[]; handling: string[]; }
/** `notes`: rows under the data that are notes (注:…, 测评人签名 …), passed over and named (`file` when several sources). `rater_group`: taken from the sheet's or file's name. */
/** `renamed`: member names counted otherwise than written (invisible characters, spaces inside, NFC), each once. */
/** The CLI's `--json` only: a file or sheet read or skipped (`unknown_columns`: header cells the form does not read). */
export interface SourceInfo { file: string; sheet?: string; status: 'read' | 'skipped'; reason?: string; encoding?: string; header_row?: number; unknown_columns?: string[]; rater_group?: string; points_row?: number; }
export interface ScoreReport { form: string; items: [string, number][]; members: MemberScore[]; rejected: Rejection[]; rows: RowCounts; outcome_rule: OutcomeInfo; unmatched_decisions?: string[]; renamed?: { from: string; to: string }[]; notes?: (Rejection & { file?: string })[]; sheets?: SourceInfo[]; }

/** `{unit, tier}` (one respondent) or `{unit, <tier>: count, …}` (tallies). */
export type VoteRow = Record<string, string | number | null>;
/** `groups`: respondents per respondent group (附件6), when the vote declares groups. */
export interface Tally { subject: string; counts: Record<string, number>; total: number; rate: number; shares: Record<string, number>; triggered: boolean; action?: string; groups?: Record<string, number>; }
export interface VoteReport { vote: string; tiers: string[]; rate_of: string[]; subjects: Tally[]; overall: Tally; rejected: Rejection[]; rows: RowCounts; }

/** One unit's (or the total's) exam participation and average. */
export interface ExamStats { unit: string; expected: number; took: number; returned: number; participation: number; return_rate: number; average: number | null; }
export interface ExamReport { exam: string; questions: number | null; points: number; units: ExamStats[]; overall: ExamStats; rejected: Rejection[]; rows: RowCounts; }

// The typed rules (`Engine.rules()`, and each item of `Engine.explain()`): the serde form of core/src/model.
/** Where a declaration comes from: `source` (the seed's words), `local` (a locality's own), `required` (locked by the parent). */
export interface Origin { source?: string; local?: string; required?: true; }
export interface Campaign extends Origin { name: string; level: string | null; batch: string | null; }
export interface Batch extends Origin { name: string; label: string | null; }
export interface Role extends Origin { name: string; label: string | null; group: boolean; }
export interface Named extends Origin { name: string; label: string | null; /** A condition only: the roles and unit types it counts for (absent: any). */ roles?: string[]; units?: string[]; }
/** A phase's dates (null where the rules leave them open); `extend_days` is added to `end`. */
/** `windows`: [unit type, its dates] where a unit type's dates differ (`windows: #{ 机关: [start, end] }`). */
export interface PhaseDates extends Origin { start: string | null; end: string | null; extend_days: number; windows?: [string, PhaseDates][]; }
/** `dates`: the campaign's own; `batches`: [batch, its dates] where a batch has others. */
export interface Phase extends Origin { name: string; dates: PhaseDates; batches: [string, PhaseDates][]; min_days: number | null; note: string | null; }
export interface StepWindow { start: string; end: string; }
export interface Announce { days_before: number; label: string; }
/** `windows`: [unit type, window] where a unit type has its own. */
export interface Step extends Origin { phase: string; name: string; window: StepWindow | null; windows: [string, StepWindow][]; announce: Announce | null; note: string | null; }
/** A requirement's due date: a step's end, a date, its phase's end, or a date per batch (other batches: the phase's end). */
export type Due = { step: string } | { date: string } | 'phaseend' | { batches: [string, string][] };
export interface Requirement extends Origin { id: string; phase: string; label: string; roles: string[]; units?: string[]; min: number | null; unit: string | null; session_min: number | null; due: Due; exempt: [string, string][]; substitute: [string, string][]; check: string | null; vote?: string; note: string | null; }
export interface Area { name: string; markers: string[]; }
export interface Part { name: string; markers: string[]; fields: Area[]; }
export interface Flag { phrases: string[]; level: string; reason: string; }
export interface ItemField { name: string; markers: string[]; date: boolean; }
export interface ItemClass { name: string; synonyms: string[]; }
export interface ItemRule { classes: ItemClass[]; fields: ItemField[]; min_items: number; }
export interface Material extends Origin { kind: string; min_chars: [string, number][]; parts: Part[]; areas: Area[]; min_areas: number | null; extra_areas: [string, Area[]][]; flags: Flag[]; items: ItemRule | null; }
/** A form's outcome: none, score tiers `[[at least, label]]`, or a rule-file function. */
export type Outcome = 'none' | { tiers: [number, string][] } | { hook: string };
export interface Form extends Origin { name: string; subject: string; total: number; items: [string, number][]; groups: [string, number][]; aliases: [string, string][]; trim: boolean; trim_min: number; outcome: Outcome; outcome_info: OutcomeInfo; }
export interface Vote extends Origin { name: string; tiers: string[]; aliases: [string, string][]; rate_of: string[]; below: number | null; above: number | null; majority: boolean; action: string | null; groups: string[]; }
export interface Exam extends Origin { name: string; questions: number | null; points: number; roles: string[]; }
export interface Gate extends Origin { phase: string; requires: string[]; note: string | null; }
/** A campaign office (先教办). */
export interface Office extends Origin { name: string; label: string | null; level: string | null; }
/** A 督导组: the office that sends it and the units it covers. */
export interface Oversight extends Origin { name: string; label: string | null; office: string | null; units: string[]; }
/** Where a phase's 转段申请 goes: the requirement the unit ticks, 督导组 review, the approving office, the 成效测评. */
export interface Application extends Origin { phase: string; requirement: string | null; review: boolean; approve: string | null; assessment: string | null; note: string | null; }
export interface Rules {
  campaign: Campaign; batches: Batch[]; roles: Role[]; conditions: Named[]; units: Named[];
  phases: Phase[]; steps: Step[]; requirements: Requirement[]; materials: Material[];
  forms: Form[]; votes: Vote[]; exams: Exam[]; gates: Gate[];
  offices: Office[]; oversights: Oversight[]; applications: Application[];
}
export interface TestResult { name: string; file: string; line: number; col: number; pass: boolean; failures: string[]; }
export interface RuleFunction { name: string; params: string; zh: string; en: string; example: string; }
/** The declaration kinds `explain` lists, each with the type of its `parent` / `effective`. */
export interface ExplainKinds { campaign: Campaign; batch: Batch; role: Role; condition: Named; unit: Named; phase: Phase; step: Step; require: Requirement; material: Material; form: Form; vote: Vote; exam: Exam; gate: Gate; office: Office; oversight: Oversight; application: Application; }
/** One declaration of the effective rules, with the parent's version (`key`: a step's is "phase/step"). */
export type ExplainItem = { [K in keyof ExplainKinds]: { kind: K; key: string; change: 'added' | 'overridden' | 'removed' | 'inherited'; parent: ExplainKinds[K] | null; effective: ExplainKinds[K] | null } }[keyof ExplainKinds];
export interface Explain { files: string[]; items: ExplainItem[]; counts: Partial<Record<'added' | 'overridden' | 'removed' | 'inherited', number>>; }
export interface HighlightFinding { start: number | null; end: number | null; at?: [number, number][]; level: string; message: string; }
