import { parse } from "csv-parse/sync";
import { desc, eq, inArray, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { auditEvents, coordinatorRegions, participants, regionProvinces, regions, users } from "@/db/schema";
import { createTestUser, freshDatabase, statusOf } from "@/db/test-utils";
import { makeKk, makeNik } from "@/lib/testing/identity";
import { createTestParticipant } from "@/lib/testing/participants";
import { maskNikLast4 } from "@/lib/validation";
import { NOT_ASSIGNED, parseParticipantFilter } from "@/lib/validation/pmo-participants";
import { recordAudit } from "./audit";
import { auditFilterOptions, listAuditEvents } from "./audit-log";
import type { SessionUser } from "./permissions";
import { exportParticipants, getParticipantForPmo, listCaseworkerChoices, listParticipantsForPmo } from "./pmo-participants";

// Issue 19, the coordinator's reads (docs/decisions/029-coordinator-reads.md): a coordinator
// of region A (East Java, 35) against participants of A, of region B (Central Java, 33) and
// of a province in no region (DKI Jakarta, 31). The list, the export, the case file and the
// audit log each answer region A's participants only, scoped in the query; anything else is
// 404 and writes nothing. The PMO's answers are unchanged.

let pmo: SessionUser;
let coordA: SessionUser;
let coordB: SessionUser;
let coordNone: SessionUser;
let cwA: SessionUser;
let cwB: SessionUser;
type Person = { id: string; nik: string; name: string };
let a1: Person;
let a2: Person;
let b1: Person;
let none1: Person;

const PURPOSE = "Verifikasi data peserta bersama Disnaker provinsi";

async function person(name: string, provinceCode: string, regencyCode: string, caseworkerId: string | null): Promise<Person> {
  const nik = makeNik({ birthDate: "1990-05-17", sex: "P", regencyCode });
  const made = await createTestParticipant({
    caseworkerId,
    form: { fullName: name, nik, kk: makeKk(regencyCode), provinceCode, regencyCode, address: `Jalan ${name}` },
  });
  return { id: made.participantId, nik, name };
}

async function region(name: string, provinces: string[], coordinator: SessionUser) {
  const [r] = await db.insert(regions).values({ name }).returning();
  await db.insert(regionProvinces).values(provinces.map((provinceCode) => ({ provinceCode, regionId: r.id })));
  await db.insert(coordinatorRegions).values({ userId: coordinator.id, regionId: r.id });
}

const newestEventId = async () => (await db.select({ id: auditEvents.id }).from(auditEvents).orderBy(desc(auditEvents.id)).limit(1))[0]?.id ?? 0;

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new TextDecoder().decode(new Uint8Array(await new Response(stream).arrayBuffer())).replace(/^\uFEFF/, "");
}

const csvRows = (text: string) => parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];

/** Every event of the viewer's audit log (all pages), oldest first. */
async function allEvents(viewer: SessionUser, query: Parameters<typeof listAuditEvents>[1] = {}) {
  const first = await listAuditEvents(viewer, query);
  const rows = [...first.rows];
  for (let page = 2; page <= first.pageCount; page++) rows.push(...(await listAuditEvents(viewer, { ...query, page })).rows);
  return { total: first.total, rows: rows.reverse() };
}

const concerns = (rows: { entityId: string | null; after: unknown }[], who: Person) =>
  rows.some((r) => r.entityId === who.id || (r.after as { participantId?: string } | null)?.participantId === who.id);

beforeAll(async () => {
  await freshDatabase();
  pmo = await createTestUser("pmo");
  coordA = await createTestUser("coordinator", { name: "Koordinator Timur" });
  coordB = await createTestUser("coordinator", { name: "Koordinator Tengah" });
  coordNone = await createTestUser("coordinator", { name: "Koordinator Kosong" });
  cwA = await createTestUser("caseworker", { name: "Pendamping Timur" });
  cwB = await createTestUser("caseworker", { name: "Pendamping Tengah" });
  await db.update(users).set({ provinceCode: "35" }).where(eq(users.id, cwA.id));
  await db.update(users).set({ provinceCode: "33" }).where(eq(users.id, cwB.id));
  await region("Kantor Wilayah Jawa Timur", ["35"], coordA);
  await region("Kantor Wilayah Jawa Tengah", ["33", "34"], coordB);
  a1 = await person("Ani Surabaya", "35", "3578", cwA.id);
  a2 = await person("Dewi Malang", "35", "3573", null);
  b1 = await person("Budi Semarang", "33", "3374", cwB.id);
  none1 = await person("Rina Jakarta", "31", "3174", null);
});

describe("the participant list for a coordinator", () => {
  it("lists their provinces' participants only, with exact totals, whatever the filter", async () => {
    const mine = await listParticipantsForPmo(coordA, parseParticipantFilter({}));
    expect(mine.rows.map((r) => r.id).sort()).toEqual([a1.id, a2.id].sort());
    expect(mine.total).toBe(2);
    expect(mine.provinces).toEqual(["35"]);
    expect(mine.rows.every((r) => r.provinceCode === "35")).toBe(true);
    // Totals read from the counters, and counted from the rows (a search), are both scoped.
    expect((await listParticipantsForPmo(coordA, parseParticipantFilter({ caseworker: NOT_ASSIGNED }))).rows.map((r) => r.id)).toEqual([a2.id]);
    expect((await listParticipantsForPmo(coordA, parseParticipantFilter({ caseworker: NOT_ASSIGNED }))).total).toBe(1);
    expect((await listParticipantsForPmo(coordA, parseParticipantFilter({ caseworker: cwB.id }))).total).toBe(0);
    expect((await listParticipantsForPmo(coordA, parseParticipantFilter({ countryCode: "HK" }))).total).toBe(2);
    const search = await listParticipantsForPmo(coordA, parseParticipantFilter({ q: "a" }));
    expect(search.rows.map((r) => r.id).sort()).toEqual([a1.id, a2.id].sort());
    expect(search.total).toBe(2);
  });

  it("finds nothing outside their provinces: another region's, or a province in no region", async () => {
    for (const filter of [{ provinceCode: "33" }, { provinceCode: "31" }, { q: "Budi" }, { q: "Rina" }, { q: b1.nik }, { q: none1.nik }]) {
      const list = await listParticipantsForPmo(coordA, parseParticipantFilter(filter));
      expect(list.rows, JSON.stringify(filter)).toEqual([]);
      expect(list.total, JSON.stringify(filter)).toBe(0);
    }
    // A whole NIK of their own region still finds its participant.
    expect((await listParticipantsForPmo(coordA, parseParticipantFilter({ q: a1.nik }))).rows.map((r) => r.id)).toEqual([a1.id]);
  });

  it("gives a two-province region both, a coordinator of no region nothing, and the PMO everyone", async () => {
    const b = await listParticipantsForPmo(coordB, parseParticipantFilter({}));
    expect(b.rows.map((r) => r.id)).toEqual([b1.id]);
    expect(b.provinces).toEqual(["33", "34"]);
    const empty = await listParticipantsForPmo(coordNone, parseParticipantFilter({}));
    expect(empty).toMatchObject({ rows: [], total: 0, provinces: [] });
    const all = await listParticipantsForPmo(pmo, parseParticipantFilter({}));
    expect(all.rows.map((r) => r.id).sort()).toEqual([a1.id, a2.id, b1.id, none1.id].sort());
    expect(all.provinces).toBeNull();
  });

  it("offers the caseworkers of their provinces as the filter's choices", async () => {
    expect((await listCaseworkerChoices(coordA)).map((c) => c.id)).toEqual([cwA.id]);
    expect((await listCaseworkerChoices(coordB)).map((c) => c.id)).toEqual([cwB.id]);
    expect(await listCaseworkerChoices(coordNone)).toEqual([]);
    expect((await listCaseworkerChoices(pmo)).map((c) => c.id).sort()).toEqual([cwA.id, cwB.id].sort());
  });

  it("refuses the other roles with 403", async () => {
    const participant = { id: crypto.randomUUID(), role: "participant", name: "Peserta", locale: "id" } as const;
    for (const viewer of [cwA, participant]) {
      expect(await statusOf(() => listParticipantsForPmo(viewer, {}))).toBe(403);
      expect(await statusOf(() => listCaseworkerChoices(viewer))).toBe(403);
      expect(await statusOf(() => getParticipantForPmo(viewer, a1.id))).toBe(403);
      expect(await statusOf(() => exportParticipants(viewer, parseParticipantFilter({})))).toBe(403);
      expect(await statusOf(() => listAuditEvents(viewer))).toBe(403);
      expect(await statusOf(() => auditFilterOptions(viewer))).toBe(403);
    }
  });
});

describe("a coordinator's case file", () => {
  it("shows their region's participant read-only, NIK, KK and phone masked, no address, and audits the reading", async () => {
    const before = await newestEventId();
    const file = await getParticipantForPmo(coordA, a1.id);
    const p = file.participant;
    expect(p).toMatchObject({ id: a1.id, fullName: a1.name, provinceCode: "35", identityMasked: true, address: null });
    expect(p.nik).toBe(maskNikLast4(a1.nik.slice(-4)));
    expect(p.nik).not.toContain(a1.nik.slice(0, 6));
    expect(p.kk).toMatch(/^•{12}\d{4}$/);
    expect(p.phone).toMatch(/•/);
    expect(p.caseworker?.name).toBe("Pendamping Timur");
    const events = await db.select().from(auditEvents).where(sql`${auditEvents.id} > ${before}`);
    expect(events.map((e) => [e.action, e.actorId, e.entityId, e.provinceCodes])).toEqual([["participant.view", coordA.id, a1.id, ["35"]]]);
  });

  it("is 404 for another region's participant, one in no region, an unknown or malformed id, and writes nothing", async () => {
    const before = await newestEventId();
    for (const id of [b1.id, none1.id, crypto.randomUUID(), "not-a-uuid"]) {
      expect(await statusOf(() => getParticipantForPmo(coordA, id)), id).toBe(404);
    }
    expect(await statusOf(() => getParticipantForPmo(coordB, a1.id))).toBe(404);
    expect(await statusOf(() => getParticipantForPmo(coordNone, a1.id))).toBe(404);
    expect(await newestEventId()).toBe(before);
  });

  it("leaves the PMO's file as it was: the whole NIK and address, audited as a showing of the NIK", async () => {
    const file = await getParticipantForPmo(pmo, b1.id);
    expect(file.participant).toMatchObject({ nik: b1.nik, identityMasked: false, address: `Jalan ${b1.name}` });
    const [event] = await db.select().from(auditEvents).orderBy(desc(auditEvents.id)).limit(1);
    expect([event.action, event.entityId, event.provinceCodes]).toEqual(["participant.view_nik", b1.id, ["33"]]);
  });
});

describe("a coordinator's export", () => {
  it("writes their provinces' participants only, NIKs and phones masked, and audits it with the provinces", async () => {
    const result = await exportParticipants(coordA, parseParticipantFilter({}));
    const records = csvRows(await readAll(result.stream));
    expect(result).toMatchObject({ full: false, rowCount: 2 });
    expect(records.map((r) => r.id).sort()).toEqual([a1.id, a2.id].sort());
    expect(records.every((r) => r.kode_provinsi === "35" && /^•{12}\d{4}$/.test(r.nik) && r.no_hp.includes("•"))).toBe(true);
    const [event] = await db.select().from(auditEvents).orderBy(desc(auditEvents.id)).limit(1);
    expect(event).toMatchObject({ action: "participant.export", actorId: coordA.id, provinceCodes: ["35"], after: { rowCount: 2, provinces: ["35"] } });
  });

  it("gives whole NIKs only with a purpose, still only their provinces', and audits the purpose", async () => {
    const result = await exportParticipants(coordA, parseParticipantFilter({}), { purpose: PURPOSE });
    const records = csvRows(await readAll(result.stream));
    expect(result.full).toBe(true);
    expect(Object.fromEntries(records.map((r) => [r.id, r.nik]))).toEqual({ [a1.id]: a1.nik, [a2.id]: a2.nik });
    const [event] = await db.select().from(auditEvents).orderBy(desc(auditEvents.id)).limit(1);
    expect(event).toMatchObject({ action: "participant.export_full", actorId: coordA.id, provinceCodes: ["35"], after: { purpose: PURPOSE, rowCount: 2 } });
    // A purpose too short is refused before anything is written.
    const before = await newestEventId();
    await expect(exportParticipants(coordA, parseParticipantFilter({}), { purpose: "x" })).rejects.toThrow();
    expect(await newestEventId()).toBe(before);
  });

  it("exports nothing of another province, even asked for by the filter", async () => {
    for (const provinceCode of ["33", "31"]) {
      const result = await exportParticipants(coordA, parseParticipantFilter({ provinceCode }), { purpose: PURPOSE });
      expect(result.rowCount).toBe(0);
      expect(csvRows(await readAll(result.stream))).toEqual([]);
      const [event] = await db.select().from(auditEvents).orderBy(desc(auditEvents.id)).limit(1);
      // Told to their own region's coordinators, not to the province asked for.
      expect(event.provinceCodes).toEqual(["35"]);
    }
    const xlsx = await exportParticipants(coordB, parseParticipantFilter({}), { format: "xlsx" });
    expect(xlsx.rowCount).toBe(1);
    await readAll(xlsx.stream);
  });

  it("leaves the PMO's export of everyone unchanged, concerning no region in particular", async () => {
    const result = await exportParticipants(pmo, parseParticipantFilter({}));
    expect(csvRows(await readAll(result.stream)).map((r) => r.id).sort()).toEqual([a1.id, a2.id, b1.id, none1.id].sort());
    const [event] = await db.select().from(auditEvents).orderBy(desc(auditEvents.id)).limit(1);
    expect(event.provinceCodes).toBeNull();
  });
});

describe("a coordinator's audit log", () => {
  it("holds the events on their region's participants and caseworkers only, the PMO's all of them", async () => {
    const mine = await allEvents(coordA);
    expect(mine.total).toBe(mine.rows.length);
    expect(concerns(mine.rows, a1) && concerns(mine.rows, a2)).toBe(true);
    expect(concerns(mine.rows, b1) || concerns(mine.rows, none1)).toBe(false);
    // Registration (written by the database function) and the case file reading are there.
    expect(mine.rows.filter((r) => r.entityId === a1.id).map((r) => r.action)).toEqual(expect.arrayContaining(["participant.register", "participant.view"]));
    const ids = mine.rows.map((r) => r.id);
    const placed = await db.select({ codes: auditEvents.provinceCodes }).from(auditEvents).where(inArray(auditEvents.id, ids));
    expect(placed.every((e) => e.codes?.includes("35"))).toBe(true);
    // Exactly the events placed in 35, as plain SQL counts them.
    const [{ n }] = await db.select({ n: sql<number>`count(*)::int` }).from(auditEvents).where(sql`'35' = any(${auditEvents.provinceCodes})`);
    expect(mine.total).toBe(n);

    const theirs = await allEvents(coordB);
    expect(concerns(theirs.rows, b1)).toBe(true);
    expect(concerns(theirs.rows, a1) || concerns(theirs.rows, none1)).toBe(false);
    expect((await listAuditEvents(coordNone)).total).toBe(0);
    const all = await listAuditEvents(pmo);
    expect(all.total).toBe((await db.select({ n: sql<number>`count(*)::int` }).from(auditEvents))[0].n);
  });

  it("keeps the filters working inside the scope: by action, by record, by actor", async () => {
    const views = await listAuditEvents(coordA, { action: "participant.view" });
    expect(views.rows.length).toBeGreaterThan(0);
    expect(views.rows.every((r) => r.action === "participant.view" && r.entityId === a1.id)).toBe(true);
    expect((await listAuditEvents(coordA, { record: b1.id })).total).toBe(0);
    expect((await listAuditEvents(coordA, { record: a1.id })).rows.every((r) => r.entityId === a1.id)).toBe(true);
    expect((await listAuditEvents(coordA, { action: "participant.view_nik" })).total).toBe(0);
    const byMe = await listAuditEvents(coordA, { actorId: coordA.id });
    expect(byMe.rows.length).toBeGreaterThan(0);
    expect(byMe.rows.every((r) => r.actorId === coordA.id)).toBe(true);
    // The PMO's whole-programme export is not in a coordinator's log.
    expect((await listAuditEvents(coordA, { actorId: pmo.id, action: "participant.export" })).total).toBe(0);
  });

  it("shows a participant's move of province to the coordinators of both regions, and what follows to the new one", async () => {
    const oldEvents = (await listAuditEvents(coordB, { record: b1.id })).total;
    // A contact-data change that moves Budi from Central (33) to East Java (35): the
    // participant row and the event with the province before and after, one transaction.
    await db.transaction(async (tx) => {
      await tx.update(participants).set({ provinceCode: "35", regencyCode: "3578" }).where(eq(participants.id, b1.id));
      await recordAudit(tx, {
        actor: pmo,
        action: "participant.contact_update",
        entityType: "participant",
        entityId: b1.id,
        before: { provinceCode: "33", regencyCode: "3374" },
        after: { provinceCode: "35", regencyCode: "3578" },
      });
    });
    const [move] = await db.select().from(auditEvents).orderBy(desc(auditEvents.id)).limit(1);
    expect(move.provinceCodes).toEqual(["33", "35"]);
    for (const coordinator of [coordA, coordB]) {
      const log = await listAuditEvents(coordinator, { action: "participant.contact_update", record: b1.id });
      expect(log.rows.map((r) => r.id), coordinator.name).toEqual([move.id]);
      expect(log.rows[0].subjectName).toBe(b1.name);
    }
    // Budi is East Java's now: in coordinator A's list and case file, gone from B's, with
    // the caseworker kept until someone reassigns him.
    expect((await listParticipantsForPmo(coordA, parseParticipantFilter({}))).rows.map((r) => r.id)).toContain(b1.id);
    expect((await listParticipantsForPmo(coordB, parseParticipantFilter({}))).rows).toEqual([]);
    expect((await getParticipantForPmo(coordA, b1.id)).participant.caseworker?.name).toBe("Pendamping Tengah");
    expect(await statusOf(() => getParticipantForPmo(coordB, b1.id))).toBe(404);
    // The reading after the move is A's to see; B keeps the history up to the move.
    expect((await listAuditEvents(coordA, { action: "participant.view", record: b1.id })).total).toBe(1);
    expect((await listAuditEvents(coordB, { record: b1.id })).total).toBe(oldEvents + 1);
  });

  it("places a caseworker's account events by their province, a move of theirs in both regions", async () => {
    await db.transaction((tx) =>
      recordAudit(tx, {
        actor: pmo,
        action: "caseworker.province",
        entityType: "user",
        entityId: cwB.id,
        before: { provinceCode: "33" },
        after: { provinceCode: "34" },
      }),
    );
    const [event] = await db.select().from(auditEvents).orderBy(desc(auditEvents.id)).limit(1);
    expect(event.provinceCodes).toEqual(["33", "34"]);
    expect((await listAuditEvents(coordB, { record: cwB.id })).rows.map((r) => r.id)).toEqual([event.id]);
    expect((await listAuditEvents(coordA, { record: cwB.id })).total).toBe(0);
    // Events on accounts that are neither a participant's nor a caseworker's concern no province.
    await db.transaction((tx) => recordAudit(tx, { actor: pmo, action: "coordinator.disable", entityType: "user", entityId: coordB.id }));
    const [other] = await db.select().from(auditEvents).orderBy(desc(auditEvents.id)).limit(1);
    expect(other.provinceCodes).toBeNull();
  });

  it("offers a coordinator their provinces' caseworkers and themself to filter by", async () => {
    const mine = await auditFilterOptions(coordA);
    expect(mine.staff.map((s) => s.id).sort()).toEqual([coordA.id, cwA.id].sort());
    expect(mine.actions).toContain("participant.view");
    const theirs = await auditFilterOptions(pmo);
    expect(theirs.staff.map((s) => s.id)).toEqual(expect.arrayContaining([pmo.id, coordA.id, coordB.id, cwA.id, cwB.id]));
  });
});
