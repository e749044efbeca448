import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { auditEvents } from "@/db/schema";
import { createTestUser, freshDatabase, statusOf } from "@/db/test-utils";
import { auditQuerySchema, type AuditQuery } from "@/lib/validation/pmo-staff";
import { queryFields } from "@/lib/validation/query";
import { AUDIT_PAGE_SIZE, auditFilterOptions, listAuditEvents } from "./audit-log";

beforeAll(freshDatabase);

type Viewer = Awaited<ReturnType<typeof createTestUser>>;

/** Ids of the events a plain SQL query finds, newest first: the reference for each filter. */
async function plain(where: string): Promise<number[]> {
  const result = await db.execute(
    sql.raw(`select e.id from audit_events e left join users u on u.id = e.actor_id
             where ${where} order by e.created_at desc, e.id desc`),
  );
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { id: number | string }[];
  return rows.map((r) => Number(r.id));
}

/** Every id the filter shows, page after page. */
async function allPages(viewer: Viewer, query: Partial<AuditQuery>): Promise<{ ids: number[]; total: number }> {
  const ids: number[] = [];
  const first = await listAuditEvents(viewer, { ...query, page: 1 });
  ids.push(...first.rows.map((r) => r.id));
  for (let page = 2; page <= first.pageCount; page++) {
    ids.push(...(await listAuditEvents(viewer, { ...query, page })).rows.map((r) => r.id));
  }
  return { ids, total: first.total };
}

// A Jakarta calendar day of a timestamp, computed without the code under test.
const JAKARTA_DAY = `((e.created_at at time zone 'UTC') + interval '7 hours')::date`;

describe("listAuditEvents", () => {
  let pmo: Viewer;
  let cw: Viewer;
  let other: Viewer;
  const participantId = crypto.randomUUID();

  beforeAll(async () => {
    pmo = await createTestUser("pmo", { email: "ketua.pmo@bp2mi.go.id", name: "Ketua PMO" });
    cw = await createTestUser("caseworker", { email: "andi.pendamping@bp2mi.go.id", name: "Andi" });
    other = await createTestUser("caseworker", { email: "sri@contoh.id", name: "Sri" });
    const at = (iso: string) => new Date(iso);
    const rows: (typeof auditEvents.$inferInsert)[] = [
      { actorId: pmo.id, actorRole: "pmo", action: "participant.assign", entityType: "participant", entityId: participantId, before: { caseworkerId: null }, after: { caseworkerId: cw.id }, createdAt: at("2021-06-09T03:00:00Z") },
      // 23:59:59 on 10 June in Jakarta, and one second later (11 June there).
      { actorId: cw.id, actorRole: "caseworker", action: "service_log.create", entityType: "participant", entityId: participantId, createdAt: at("2021-06-10T16:59:59Z") },
      { actorId: cw.id, actorRole: "caseworker", action: "participant.stage", entityType: "participant", entityId: participantId, createdAt: at("2021-06-10T17:00:00Z") },
      { actorId: null, actorRole: "system", action: "auth.activation_failed", entityType: "user", entityId: cw.id, createdAt: at("2021-06-11T01:00:00Z") },
      { actorId: other.id, actorRole: "caseworker", action: "service_log.create", entityType: "participant", entityId: crypto.randomUUID(), createdAt: at("2021-06-12T08:00:00Z") },
      { actorId: pmo.id, actorRole: "pmo", action: "caseworker.disable", entityType: "user", entityId: other.id, before: { disabledAt: null }, after: { disabledAt: "2021-06-13T01:00:00.000Z" }, createdAt: at("2021-06-13T01:00:00Z") },
    ];
    // Paging material: 120 events, many sharing one instant (the id breaks the tie).
    for (let i = 0; i < 120; i++) {
      rows.push({ actorId: other.id, actorRole: "caseworker", action: "test.paging", entityType: "participant", entityId: `p-${i}`, createdAt: at(`2021-07-0${1 + (i % 3)}T02:00:00Z`) });
    }
    await db.insert(auditEvents).values(rows);
  });

  it("returns exactly the rows a plain SQL query returns, for each filter and combination", async () => {
    const cases: [Partial<AuditQuery>, string][] = [
      [{}, "true"],
      [{ action: "service_log.create" }, "e.action = 'service_log.create'"],
      [{ actorId: cw.id }, `e.actor_id = '${cw.id}'`],
      [{ actorId: "system" }, "e.actor_id is null"],
      [{ actorId: cw.id.toUpperCase(), action: "participant.stage" }, `e.actor_id = '${cw.id}' and e.action = 'participant.stage'`],
      [{ record: participantId.toUpperCase() }, `e.entity_id = '${participantId}'`],
      [{ record: participantId, action: "participant.assign", actorId: pmo.id }, `e.entity_id = '${participantId}' and e.action = 'participant.assign' and e.actor_id = '${pmo.id}'`],
      [{ from: "2021-06-10", to: "2021-06-10" }, `${JAKARTA_DAY} = '2021-06-10'`],
      [{ from: "2021-06-11" }, `${JAKARTA_DAY} >= '2021-06-11'`],
      [{ to: "2021-06-11" }, `${JAKARTA_DAY} <= '2021-06-11'`],
      [{ from: "2021-06-10", to: "2021-06-12", actorId: cw.id }, `${JAKARTA_DAY} between '2021-06-10' and '2021-06-12' and e.actor_id = '${cw.id}'`],
      [{ action: "test.paging", from: "2021-07-02", to: "2021-07-03" }, `e.action = 'test.paging' and ${JAKARTA_DAY} between '2021-07-02' and '2021-07-03'`],
      [{ action: "no.such.action" }, "false"],
    ];
    for (const [query, where] of cases) {
      const expected = await plain(where);
      const got = await allPages(pmo, query);
      expect(got.ids, JSON.stringify(query)).toEqual(expected);
      expect(got.total, JSON.stringify(query)).toBe(expected.length);
    }
    // The boundary cases really split where they should.
    expect((await plain(`${JAKARTA_DAY} = '2021-06-10'`)).length).toBe(1);
  });

  it("names the actor, and says system when there is none", async () => {
    const { rows } = await listAuditEvents(pmo, { record: participantId, action: "participant.assign" });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actorId: pmo.id,
      actorName: "Ketua PMO",
      actorEmail: "ketua.pmo@bp2mi.go.id",
      actorRole: "pmo",
      entityType: "participant",
      before: { caseworkerId: null },
      after: { caseworkerId: cw.id },
    });
    expect(rows[0].createdAt).toBeInstanceOf(Date);
    const [system] = (await listAuditEvents(pmo, { actorId: "system", action: "auth.activation_failed" })).rows;
    expect(system).toMatchObject({ actorId: null, actorName: null, actorRole: "system" });
  });

  it("pages 50 at a time, newest first, with no row twice or missing", async () => {
    const expected = await plain("e.action = 'test.paging'");
    expect(expected).toHaveLength(120);
    const pages = await Promise.all([1, 2, 3, 4].map((page) => listAuditEvents(pmo, { action: "test.paging", page })));
    expect(pages.map((p) => p.rows.length)).toEqual([AUDIT_PAGE_SIZE, AUDIT_PAGE_SIZE, 20, 0]);
    expect(pages[0]).toMatchObject({ total: 120, page: 1, pageCount: 3 });
    expect(pages.flatMap((p) => p.rows.map((r) => r.id))).toEqual(expected);
    const times = pages.flatMap((p) => p.rows.map((r) => r.createdAt.getTime()));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it("reads the filters from a query string, ignoring what it cannot use", () => {
    // `actor` (part of an email, as an old link carried it) is no filter any more.
    const fields = queryFields({ actorId: "nope", actor: "pmo@", action: " x ", from: "2021-02-30", to: "2021-06-10", page: "-3" });
    expect(auditQuerySchema.parse(fields)).toEqual({
      actorId: undefined,
      action: "x",
      record: "",
      from: undefined,
      to: "2021-06-10",
      page: 1,
    });
  });

  it("offers the distinct actions and the staff (not participants) as filter choices", async () => {
    await createTestUser("participant", { email: "peserta.audit@contoh.id" });
    const options = await auditFilterOptions(pmo);
    const distinct = await db.execute(sql`select distinct action from audit_events order by action`);
    const actions = ((Array.isArray(distinct) ? distinct : (distinct as { rows: unknown[] }).rows) as { action: string }[]).map((r) => r.action);
    expect(options.actions).toEqual(actions);
    expect(options.actions).toContain("caseworker.disable");
    expect(options.staff.map((s) => s.id)).toEqual(expect.arrayContaining([pmo.id, cw.id, other.id]));
    expect(options.staff.every((s) => s.role === "pmo" || s.role === "caseworker")).toBe(true);
  });

  it("answers 403 to a caseworker and a participant", async () => {
    const participant = await createTestUser("participant");
    for (const viewer of [cw, participant]) {
      expect(await statusOf(() => listAuditEvents(viewer)), viewer.role).toBe(403);
      expect(await statusOf(() => auditFilterOptions(viewer)), viewer.role).toBe(403);
    }
  });
});
