// An audit event as a sentence in the reader's language ("Ana assigned 2 participants to
// Budi"): the catalogue holds one sentence per action under pmoAudit.sentence.<action>,
// and every sentence is given the same values, so a sentence may use any of them.
// lib/i18n/audit-sentences.test.ts finds every action the code writes and fails when one
// has no sentence in either catalogue.

export type SentenceEvent = {
  action: string;
  actorId: string | null;
  actorName: string | null;
  subjectName: string | null;
  before: unknown;
  after: unknown;
};

export type SentenceWords = {
  /** The actor when no person is behind the event. */
  system: string;
  /** A person or record the log cannot name (an erased account, an unknown identifier). */
  someone: string;
  /** A stage code in the reader's language. */
  stage: (code: string) => string;
};

export type SentenceValues = {
  actor: string;
  subject: string;
  count: number;
  from: string;
  to: string;
  target: string;
};

/** The catalogue key of an action's sentence ("participant.assign" → "sentence.participant.assign"). */
export function sentenceKey(action: string): string {
  return `sentence.${action}`;
}

function field(value: unknown, name: string): unknown {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>)[name] : undefined;
}

const text = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : typeof v === "number" ? String(v) : null);

/** The figure an event counts: exported rows, imported rows, queued messages… */
function countOf(after: unknown): number {
  for (const name of ["rowCount", "imported", "rows", "queued", "ready", "participants", "services", "received"]) {
    const v = field(after, name);
    if (typeof v === "number") return v;
  }
  return 1;
}

/**
 * The values of an event's sentence. `count` is the number of events the sentence stands
 * for when several are told as one (assignments made together), otherwise the figure the
 * event itself counts.
 */
export function sentenceValues(e: SentenceEvent, words: SentenceWords, count?: number): SentenceValues {
  const stageOr = (v: unknown) => {
    const code = text(v);
    return code ? words.stage(code) : null;
  };
  const before = (name: string) => field(e.before, name);
  const after = (name: string) => field(e.after, name);
  return {
    actor: e.actorId ? (e.actorName ?? words.someone) : words.system,
    // A failed sign-in names the account if there is one, else the masked identifier typed.
    subject: e.subjectName ?? text(after("identifier")) ?? words.someone,
    count: count ?? countOf(e.after),
    from: stageOr(before("stage")) ?? text(before("caseworkerName")) ?? text(before("count")) ?? "—",
    to: stageOr(after("stage")) ?? text(after("caseworkerName")) ?? text(after("count")) ?? "—",
    target: text(after("caseworkerName")) ?? words.someone,
  };
}
