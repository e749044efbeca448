import { randomUUID } from "node:crypto";
import { eq, sql, type SQL } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { loadDemoData } from "@/db/demo-data";
import { participants, serviceLogs, stageChanges, STAGES, users, type Stage } from "@/db/schema";
import { createTestUser, freshDatabase } from "@/db/test-utils";
import { histogramMedian } from "@/lib/median";
import { makeNik, makePhone } from "@/lib/testing/identity";
import { createTestParticipant } from "@/lib/testing/participants";
import { sealedIdentity } from "@/lib/testing/sealed";
import { dashboardCounters, fullCount } from "@/lib/testing/dashboard-counters";
import { todayInJakarta } from "@/lib/validation";
import { assignParticipants } from "./assignments";
import { changeStage } from "./casework";
import { checkImport, confirmImport, runImport, uploadImport } from "./imports";
import { recordService } from "./service-logs";

// The dashboard's counters (dash_* tables, kept by the triggers of migrations 0006, 0015 and 0016) against
// a full count of the raw rows, written here in plain SQL independently of the triggers'
// functions. After the demo data, after a seeded random mix of writes through the data
// layer and straight in SQL (including what the app never does: moving a participant to
// another province or month, a correction of another participant's record), after
// writes that roll back, after concurrent writers, and after dash_rebuild().

async function rows<T>(query: SQL): Promise<T[]> {
  const result = await db.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

async function expectInStep(): Promise<void> {
  const [want, have] = [await fullCount(), await dashboardCounters()];
  const missing = want.filter((line) => !have.includes(line));
  const extra = have.filter((line) => !want.includes(line));
  expect({ missing, extra }).toEqual({ missing: [], extra: [] });
}

/** A small seeded generator (mulberry32), so a failure can be replayed. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T,>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
  };
}

const addDays = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

let pmo: Awaited<ReturnType<typeof createTestUser>>;
let caseworkers: Awaited<ReturnType<typeof createTestUser>>[];

beforeAll(async () => {
  await freshDatabase();
  await loadDemoData();
  pmo = await createTestUser("pmo");
  caseworkers = [await createTestUser("caseworker"), await createTestUser("caseworker"), await createTestUser("caseworker")];
});

describe("the dashboard's counters equal a full count", () => {
  it("after the demo data", async () => {
    const counters = await dashboardCounters();
    expect(counters.length).toBeGreaterThan(50);
    // The demo's caseworkers moved participants on: the moves counter is not empty.
    expect(counters.filter((line) => line.startsWith("dash_caseworker_moves|")).length).toBeGreaterThan(5);
    expect(counters.filter((line) => line.startsWith("dash_caseworker_move_days|")).length).toBeGreaterThan(5);
    expect(counters.filter((line) => line.startsWith("dash_caseworker_move_days_by|")).length).toBeGreaterThan(5);
    await expectInStep();
  });

  it("after a seeded random mix of writes through the data layer and straight in SQL", async () => {
    const rnd = random(20261129);
    const today = todayInJakarta();
    const people: { id: string; caseworker: (typeof caseworkers)[number] }[] = [];
    const counts: Record<string, number> = {};
    for (let step = 0; step < 160; step++) {
      const op =
        people.length < 6
          ? "register"
          : rnd.pick(["register", "log", "log", "log", "correct", "stage", "stage", "move", "reassign", "dims", "crossCorrect", "ask", "ask", "answer", "unask"] as const);
      counts[op] = (counts[op] ?? 0) + 1;
      const person = people.length ? rnd.pick(people) : null;
      if (op === "register") {
        const caseworker = rnd.pick(caseworkers);
        const calon = rnd.next() < 0.5;
        const p = await createTestParticipant({
          caseworkerId: caseworker.id,
          set: {
            provinceCode: rnd.pick(["31", "32", "35"]),
            regencyCode: null,
            migrantStatus: calon ? "calon" : "mantan",
            returnDate: calon ? null : "2021-05-20",
          },
        });
        people.push({ id: p.participantId, caseworker });
      } else if (op === "log" && person) {
        const blocked = rnd.next() < 0.3;
        const result = await recordService(person.caseworker, {
          participantId: person.id,
          submissionId: randomUUID(),
          correctsId: null,
          serviceCode: "prakerja_account",
          occurredOn: today,
          channel: "phone",
          outcome: blocked ? "blocked" : rnd.pick(["done", "follow_up"] as const),
          blockerCode: blocked ? rnd.pick(["otp_not_received", "no_device_or_data"]) : null,
          notes: null,
          nextFollowUpOn: rnd.next() < 0.6 ? addDays(today, rnd.int(20) - 10) : null,
        });
        expect(result.ok, JSON.stringify(result)).toBe(true);
      } else if (op === "correct" && person) {
        const [target] = await rows<{ id: string }>(sql`
          select l.id from service_logs l where l.participant_id = ${person.id}
            and not exists (select 1 from service_logs c where c.corrects_id = l.id) limit 1`);
        if (!target) continue;
        const result = await recordService(person.caseworker, {
          participantId: person.id,
          submissionId: randomUUID(),
          correctsId: target.id,
          serviceCode: "prakerja_account",
          occurredOn: today,
          channel: "whatsapp",
          outcome: "blocked",
          blockerCode: "otp_not_received",
          notes: null,
          nextFollowUpOn: rnd.next() < 0.5 ? addDays(today, rnd.int(10) - 5) : null,
        });
        expect(result.ok, JSON.stringify(result)).toBe(true);
      } else if (op === "stage" && person) {
        const [p] = await db.select().from(participants).where(eq(participants.id, person.id));
        const toStage = rnd.pick(STAGES.filter((s) => s !== p.stage)) as Stage;
        const result = await changeStage(person.caseworker, { participantId: p.id, version: p.version, toStage, reason: "Uji acak" });
        expect(result.ok, JSON.stringify(result)).toBe(true);
      } else if (op === "reassign" && person) {
        const to = rnd.pick(caseworkers);
        const result = await assignParticipants(pmo, { participantIds: [person.id], caseworkerId: to.id });
        expect(result.ok, JSON.stringify(result)).toBe(true);
        person.caseworker = to;
      } else if (op === "move" && person) {
        // A registration moved to another month (the app never does this; the counters follow anyway).
        await db
          .update(participants)
          .set({ createdAt: new Date(Date.UTC(2021, rnd.int(12), 1 + rnd.int(28), rnd.int(24))) })
          .where(eq(participants.id, person.id));
      } else if (op === "dims" && person) {
        await db
          .update(participants)
          .set({
            provinceCode: rnd.pick(["31", "33", "52"]),
            regencyCode: null,
            cohort: rnd.pick([null, "Kohort A", "Kohort B"]),
            countryCode: rnd.pick([null, "MY", "HK", "TW"]),
          })
          .where(eq(participants.id, person.id));
      } else if (op === "ask" && person) {
        // A help request (open), straight in SQL; "reassign" and "dims" then move it.
        await db.execute(sql`insert into help_requests (participant_id, topic, message) values (${person.id}, 'other', 'Tolong bantu')`);
      } else if (op === "answer" && person) {
        await db.execute(sql`
          update help_requests set status = 'answered', answer = 'Sudah', answered_by = ${person.caseworker.id}, answered_at = now()
          where id = (select id from help_requests where participant_id = ${person.id} and status = 'open' limit 1)`);
      } else if (op === "unask" && person) {
        await db.execute(sql`delete from help_requests where id = (select id from help_requests where participant_id = ${person.id} limit 1)`);
      } else if (op === "crossCorrect" && person) {
        // A correction filed under another participant: the corrected record leaves force
        // on its own participant's counters.
        const other = rnd.pick(people);
        const [target] = await rows<{ id: string; caseworker_id: string }>(sql`
          select l.id, l.caseworker_id from service_logs l where l.participant_id = ${other.id}
            and not exists (select 1 from service_logs c where c.corrects_id = l.id) limit 1`);
        if (!target) continue;
        await db.insert(serviceLogs).values({
          participantId: person.id,
          caseworkerId: target.caseworker_id,
          serviceCode: "prakerja_account",
          occurredOn: addDays(today, -40),
          channel: "phone",
          outcome: "done",
          correctsId: target.id,
        });
      }
    }
    // Every kind of write happened at least once.
    expect(Object.keys(counts).sort()).toEqual(
      ["answer", "ask", "correct", "crossCorrect", "dims", "log", "move", "reassign", "register", "stage", "unask"].sort(),
    );
    // Open help requests remain, on more than one caseworker or dimension.
    expect((await dashboardCounters()).filter((line) => line.startsWith("dash_help_open|")).length).toBeGreaterThan(1);
    await expectInStep();
  });

  it("after a cohort import (participants and their first stage change in one statement)", async () => {
    {
      const header = "nik,nama_lengkap,tanggal_lahir,jenis_kelamin,no_hp,kode_provinsi,negara_penempatan,tanggal_kedatangan,lokasi_karantina";
      const lines = Array.from({ length: 12 }, (_, i) => {
        const nik = makeNik({ birthDate: "1991-04-12", sex: "L" });
        return `${nik},Pekerja Impor ${"ABCDEFGHIJKL"[i]},1991-04-12,L,${makePhone()},31,${i % 3 ? "HK" : "MY"},2021-06-0${1 + (i % 9)},Wisma Atlet`;
      });
      const uploaded = await uploadImport(pmo, { cohort: "Kohort agregat", fileName: "kohort.csv", body: [Buffer.from([header, ...lines].join("\n") + "\n")] });
      if (!uploaded.ok) throw new Error(JSON.stringify(uploaded));
      await checkImport(uploaded.importId, { today: "2021-07-01" });
      expect(await confirmImport(pmo, { importId: uploaded.importId, caseworkerIds: caseworkers.map((c) => c.id) })).toEqual({ ok: true });
      expect(await runImport(uploaded.importId, pmo.id)).toMatchObject({ imported: 12 });
    }
    await expectInStep();
  });

  it("after several stage changes and logs of one participant in one statement", async () => {
    const [p] = await db.select().from(participants).where(eq(participants.stage, "training")).limit(1);
    const at = (days: number) => new Date(Date.now() + days * 86_400_000);
    const [cw] = await db.select({ id: users.id }).from(users).where(eq(users.role, "caseworker")).limit(1);
    await db.insert(stageChanges).values([
      { participantId: p.id, fromStage: "training", toStage: "lms", changedBy: cw.id, createdAt: at(3) },
      { participantId: p.id, fromStage: "lms", toStage: "completed", changedBy: cw.id, createdAt: at(10) },
      { participantId: p.id, fromStage: "completed", toStage: "lms", changedBy: cw.id, createdAt: at(24) },
    ]);
    await db.update(participants).set({ stage: "lms" }).where(eq(participants.id, p.id));
    const log = { participantId: p.id, caseworkerId: cw.id, serviceCode: "prakerja_account", channel: "phone" as const };
    const [first] = await db
      .insert(serviceLogs)
      .values([
        { ...log, occurredOn: "2021-09-01", outcome: "done" as const },
        { ...log, occurredOn: "2021-09-02", outcome: "blocked" as const, blockerCode: "card_revoked" },
      ])
      .returning();
    await db.insert(serviceLogs).values([
      { ...log, occurredOn: "2021-10-01", outcome: "done" as const, correctsId: first.id },
      { ...log, occurredOn: "2021-10-02", outcome: "follow_up" as const },
    ]);
    await expectInStep();
  });

  it("after writes that roll back", async () => {
    const before = await dashboardCounters();
    const [p] = await db.select().from(participants).limit(1);
    await expect(
      db.transaction(async (tx) => {
        await tx.update(participants).set({ stage: "completed", provinceCode: "11", regencyCode: null }).where(eq(participants.id, p.id));
        await tx.insert(stageChanges).values({ participantId: p.id, fromStage: p.stage, toStage: "completed" });
        throw new Error("rolled back on purpose");
      }),
    ).rejects.toThrow("rolled back on purpose");
    expect(await dashboardCounters()).toEqual(before);
    await expectInStep();
  });

  it("with concurrent writers on the same counters", async () => {
    const caseworker = caseworkers[0];
    const group = await Promise.all(
      Array.from({ length: 6 }, () =>
        createTestParticipant({ caseworkerId: caseworker.id }),
      ),
    );
    const today = todayInJakarta();
    const results = await Promise.all(
      group.flatMap((p) =>
        [0, 1, 2].map(() =>
          recordService(caseworker, {
            participantId: p.participantId,
            submissionId: randomUUID(),
            correctsId: null,
            serviceCode: "prakerja_account",
            occurredOn: today,
            channel: "phone",
            outcome: "done",
            blockerCode: null,
            notes: null,
            nextFollowUpOn: addDays(today, 3),
          }),
        ),
      ),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    await Promise.all(
      group.map(async (p) => {
        const [row] = await db.select({ version: participants.version }).from(participants).where(eq(participants.id, p.participantId));
        const result = await changeStage(caseworker, { participantId: p.participantId, version: row.version, toStage: "training", reason: "Bersamaan" });
        expect(result.ok).toBe(true);
      }),
    );
    await expectInStep();
  });

  it("and dash_rebuild() recomputes the same counters", async () => {
    const kept = await dashboardCounters();
    await db.execute(sql`select dash_rebuild()`);
    expect(await dashboardCounters()).toEqual(kept);
    await expectInStep();
  });

  it("and so does dash_rebuild() with the triggers off (replica mode, as seed:scale runs it)", async () => {
    const kept = await dashboardCounters();
    expect(kept.filter((line) => line.startsWith("dash_caseworker_move_days|")).length).toBeGreaterThan(0);
    await db.transaction(async (tx) => {
      await tx.execute(sql`set local session_replication_role = replica`);
      // As after seed:scale's bulk load: counters not filled yet.
      await tx.execute(sql`delete from dash_caseworker_move_days`);
      await tx.execute(sql`delete from dash_caseworker_move_days_by`);
      await tx.execute(sql`delete from dash_help_open`);
      await tx.execute(sql`select dash_rebuild()`);
    });
    expect(await dashboardCounters()).toEqual(kept);
  });

  it("counts a registration in its Jakarta-time week (Monday first), split by month where a week crosses one", async () => {
    const [cw] = await db.select({ id: users.id }).from(users).where(eq(users.role, "caseworker")).limit(1);
    // 2021-05-30 is a Sunday; 17:00 UTC is midnight of Monday 2021-05-31 in Jakarta, and
    // the week of 31 May runs into June.
    const moments = ["2021-05-30T16:59:59Z", "2021-05-30T17:00:00Z", "2021-05-31T16:59:59Z", "2021-05-31T17:00:00Z", "2021-06-06T16:59:59Z", "2021-06-06T17:00:00Z"];
    for (const [i, at] of moments.entries()) {
      await db.insert(participants).values({
        fullName: `Minggu Jakarta ${i}`,
        ...sealedIdentity(makeNik({ birthDate: "1990-01-02", sex: "L", regencyCode: "3174" })),
        birthDate: "1990-01-02",
        sex: "L",
        provinceCode: "31",
        migrantStatus: "mantan",
        returnDate: "2021-05-01",
        source: "import",
        cohort: "Kohort minggu",
        caseworkerId: cw.id,
        createdAt: new Date(at),
      });
    }
    const weekly = await rows<{ week: string; month: string; n: number }>(sql`
      select week::text, month::text, n from dash_weekly where cohort = 'Kohort minggu' and n <> 0 order by 1, 2`);
    expect(weekly).toEqual([
      { week: "2021-05-24", month: "2021-05-01", n: 1 },
      { week: "2021-05-31", month: "2021-05-01", n: 2 },
      { week: "2021-05-31", month: "2021-06-01", n: 2 },
      { week: "2021-06-07", month: "2021-06-01", n: 1 },
    ]);
    await expectInStep();
  });

  it("counts a caseworker's forward moves in their Jakarta month, with the Jakarta days in the stage left", async () => {
    const [cw] = await db.select({ id: users.id }).from(users).where(eq(users.role, "caseworker")).limit(1);
    const [p] = await db
      .insert(participants)
      .values({
        fullName: "Pindah Tahap",
        ...sealedIdentity(makeNik({ birthDate: "1990-01-02", sex: "L", regencyCode: "3174" })),
        birthDate: "1990-01-02",
        sex: "L",
        provinceCode: "31",
        migrantStatus: "calon",
        source: "assisted",
        cohort: "Kohort pindah",
        caseworkerId: cw.id,
        createdAt: new Date("2021-05-20T03:00:00Z"),
      })
      .returning();
    const change = (fromStage: Stage | null, toStage: Stage, at: string, changedBy: string | null = cw.id) =>
      db.insert(stageChanges).values({ participantId: p.id, fromStage, toStage, changedBy, createdAt: new Date(at) });
    // A move without an earlier change counts its days from the registration (20 May).
    await change("registration", "training", "2021-05-31T16:59:59Z"); // 31 May 23:59 in Jakarta: May, 11 days
    await change("training", "lms", "2021-05-31T17:00:00Z"); // 1 June 00:00 in Jakarta: June, 1 day
    await change("lms", "training", "2021-06-03T02:00:00Z"); // back: not counted
    await change("training", "lms", "2021-06-10T02:00:00Z"); // June, 7 days
    await change("lms", "completed", "2021-06-12T02:00:00Z", null); // nobody recorded it: not counted
    await change("completed", "withdrawn", "2021-06-20T02:00:00Z"); // a withdrawal: not counted
    const moves = await rows<{ month: string; days: number; n: number }>(sql`
      select month::text, days, n from dash_caseworker_moves where cohort = 'Kohort pindah' and n <> 0 order by 1, 2`);
    expect(moves).toEqual([
      { month: "2021-05-01", days: 11, n: 1 },
      { month: "2021-06-01", days: 1, n: 1 },
      { month: "2021-06-01", days: 7, n: 1 },
    ]);
    await expectInStep();
    // A first change inserted afterwards, earlier than the rest, shortens the first move's spell.
    await change(null, "registration", "2021-05-25T03:00:00Z");
    const after = await rows<{ month: string; days: number; n: number }>(sql`
      select month::text, days, n from dash_caseworker_moves where cohort = 'Kohort pindah' and n <> 0 order by 1, 2`);
    expect(after).toEqual([
      { month: "2021-05-01", days: 6, n: 1 },
      { month: "2021-06-01", days: 1, n: 1 },
      { month: "2021-06-01", days: 7, n: 1 },
    ]);
    await expectInStep();
  });

  it("a participant deleted before any history leaves no count behind", async () => {
    const [cw] = await db.select({ id: users.id }).from(users).where(eq(users.role, "caseworker")).limit(1);
    const [p] = await db
      .insert(participants)
      .values({
        fullName: "Hapus Segera",
        ...sealedIdentity(makeNik({ birthDate: "1990-01-02", sex: "L", regencyCode: "3174" })),
        birthDate: "1990-01-02",
        sex: "L",
        provinceCode: "31",
        migrantStatus: "calon",
        source: "import",
        cohort: "Kohort hapus",
        caseworkerId: cw.id,
        nextFollowUpOn: "2030-01-01",
      })
      .returning();
    await expectInStep();
    await db.delete(participants).where(eq(participants.id, p.id));
    await expectInStep();
  });
});

describe("the comparison itself", () => {
  it("finds a counter that is off by one, and a write the triggers did not see", async () => {
    await db.execute(sql`update dash_cohort set n = n + 1 where ctid = (select ctid from dash_cohort where n > 0 limit 1)`);
    await expect(expectInStep()).rejects.toThrow();
    await db.execute(sql`select dash_rebuild()`);
    await expectInStep();
    await db.execute(sql`update dash_weekly set n = n - 1 where ctid = (select ctid from dash_weekly where n > 0 limit 1)`);
    await expect(expectInStep()).rejects.toThrow();
    await db.execute(sql`select dash_rebuild()`);
    await expectInStep();
    await db.execute(sql`update dash_caseworker_moves set n = n + 1 where ctid = (select ctid from dash_caseworker_moves where n > 0 limit 1)`);
    await expect(expectInStep()).rejects.toThrow();
    await db.execute(sql`select dash_rebuild()`);
    await expectInStep();
    await db.execute(sql`alter table stage_changes disable trigger dash_on_stage_changes_inserted`);
    try {
      const [p] = await db.select().from(participants).where(eq(participants.stage, "registration")).limit(1);
      await db.insert(stageChanges).values({ participantId: p.id, fromStage: "registration", toStage: "lms" });
    } finally {
      await db.execute(sql`alter table stage_changes enable trigger dash_on_stage_changes_inserted`);
    }
    await expect(expectInStep()).rejects.toThrow();
    await db.execute(sql`select dash_rebuild()`);
    await expectInStep();
  });
});

describe("histogramMedian", () => {
  it("is percentile_cont(0.5) over the values the histogram counts", async () => {
    const rnd = random(7);
    for (let trial = 0; trial < 30; trial++) {
      const values = Array.from({ length: 1 + rnd.int(40) }, () => rnd.int(15));
      const bins = new Map<number, number>();
      for (const v of values) bins.set(v, (bins.get(v) ?? 0) + 1);
      const [{ median }] = await rows<{ median: number }>(sql`
        select percentile_cont(0.5) within group (order by v)::float8 as median
        from unnest(${`{${values.join(",")}}`}::int[]) as v`);
      expect(histogramMedian([...bins].map(([value, count]) => ({ value, count })))).toBe(Number(median));
    }
    expect(histogramMedian([])).toBeNull();
    expect(histogramMedian([{ value: 3, count: 0 }])).toBeNull();
  });
});
