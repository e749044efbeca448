import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { createTranslator } from "next-intl";
import { describe, expect, it } from "vitest";
import { messagesFor } from "./messages";
import { sentenceKey, sentenceValues } from "./audit-sentences";

// Every audit action the code base writes reads as a sentence in both languages. The
// actions are found in the source, not listed by hand: an `action:` property (with every
// string literal of its expression, so `a ? "x.y" : "x.z"` counts both) in lib/, db/, app/
// and scripts/, and every action an `insert into audit_events` statement writes (the
// migrations' SQL functions, SQL in the code).

const ROOT = join(__dirname, "..", "..");

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "node_modules" ? [] : files(path, ext);
    return ext.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

function actionsInCode(): string[] {
  const found = new Set<string>();
  const code = ["lib", "db", "app", "scripts"].flatMap((dir) => files(join(ROOT, dir), /\.m?tsx?$/));
  for (const path of code) {
    const source = readFileSync(path, "utf8");
    for (const m of source.matchAll(/\baction:\s*([^,\n}]+)/g)) {
      for (const literal of m[1].matchAll(/"([a-z_]+\.[a-z_]+)"/g)) found.add(literal[1]);
    }
  }
  // Events written in SQL: by the migrations' functions, and by statements in the code.
  for (const path of [...code, ...files(join(ROOT, "db", "migrations"), /\.sql$/)]) {
    const source = readFileSync(path, "utf8");
    for (const m of source.matchAll(/insert into audit_events[\s\S]{0,600}?(?:;|`)/gi)) {
      for (const literal of m[0].matchAll(/'([a-z_]+\.[a-z_]+)'/g)) found.add(literal[1]);
    }
  }
  return [...found].sort();
}

describe("audit sentences", () => {
  const actions = actionsInCode();

  it("finds the actions the code writes", () => {
    // A floor, so that a broken search cannot pass by finding nothing.
    expect(actions.length).toBeGreaterThan(35);
    expect(actions).toEqual(expect.arrayContaining(["participant.assign", "participant.unassign", "participant.register", "auth.sign_in", "identity.rotate_keys", "help_request.create", "service_log.correct"]));
  });

  for (const locale of ["id", "en"] as const) {
    it(`has a sentence for every action in ${locale}, which renders with the values every sentence gets`, () => {
      const t = createTranslator({ locale, messages: messagesFor(locale), namespace: "pmoAudit" });
      const missing = actions.filter((a) => !t.has(sentenceKey(a) as never));
      expect(missing).toEqual([]);
      const words = { system: "SYSTEM", someone: "SOMEONE", stage: (s: string) => `<${s}>` };
      for (const action of actions) {
        const values = sentenceValues(
          { action, actorId: "a", actorName: "Ana", subjectName: "Siti", before: { stage: "registration" }, after: { stage: "training", caseworkerName: "Budi", rowCount: 3 } },
          words,
        );
        const text = t(sentenceKey(action) as never, values as never);
        expect(text, action).not.toMatch(/[{}]|pmoAudit/);
      }
    });
  }

  it("tells assignments made together as one sentence, with the caseworker's name", () => {
    const t = createTranslator({ locale: "en", messages: messagesFor("en"), namespace: "pmoAudit" });
    const words = { system: "System", someone: "someone", stage: (s: string) => s };
    const event = { action: "participant.assign", actorId: "a", actorName: "Ana", subjectName: "Siti", before: { caseworkerId: null }, after: { caseworkerId: "b", caseworkerName: "Budi" } };
    expect(t(sentenceKey(event.action) as never, sentenceValues(event, words, 2) as never)).toBe("Ana assigned 2 participants to Budi");
    expect(t(sentenceKey(event.action) as never, sentenceValues(event, words) as never)).toBe("Ana assigned Siti to Budi");
    const stage = { action: "participant.stage_change", actorId: "a", actorName: "Ana", subjectName: "Siti", before: { stage: "registration" }, after: { stage: "training" } };
    expect(t(sentenceKey(stage.action) as never, sentenceValues(stage, words) as never)).toBe("Ana moved Siti from registration to training");
    const id = createTranslator({ locale: "id", messages: messagesFor("id"), namespace: "pmoAudit" });
    expect(id(sentenceKey(event.action) as never, sentenceValues(event, words) as never)).toBe("Ana menugaskan Siti kepada Budi");
    expect(id(sentenceKey(event.action) as never, sentenceValues(event, words, 2) as never)).toBe("Ana menugaskan 2 peserta kepada Budi");
    const system = { action: "demo.seed", actorId: null, actorName: null, subjectName: null, before: null, after: null };
    expect(t(sentenceKey(system.action) as never, sentenceValues(system, words) as never)).toBe("The demo data was loaded");
  });
});
