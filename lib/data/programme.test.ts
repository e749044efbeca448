import { eq, sql, type SQL } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { loadDemoData } from "@/db/demo-data";
import { helpRequests, participants, serviceLogs, stageChanges, targets, users } from "@/db/schema";
import { createTestUser, freshDatabase, statusOf } from "@/db/test-utils";
import { makeNik } from "@/lib/testing/identity";
import { sealedIdentity } from "@/lib/testing/sealed";
import { todayInJakarta } from "@/lib/validation";
import type { DashboardFilterInput } from "@/lib/validation/dashboard";
import { getDashboard, setTarget } from "./programme";

// Every figure on the dashboard, recomputed with plain SQL written independently of the
// implementation, on the demo data plus generated rows that sit on the edges (a
// registration at 23:00 Jakarta time on the last day of a month, corrections, moves back).

async function rows<T>(query: SQL): Promise<T[]> {
  const result = await db.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

let pmo: Awaited<ReturnType<typeof createTestUser>>;
let edgeCaseworkerId: string;

beforeAll(async () => {
  await freshDatabase();
  await loadDemoData();
  pmo = await createTestUser("pmo");
  const cw = await createTestUser("caseworker");
  edgeCaseworkerId = cw.id;
  // Registered 2021-06-30 23:30 in Jakarta (16:30 UTC): a June registration.
  // Registered 2021-07-31 17:30 UTC = 2021-08-01 00:30 in Jakarta: an August one.
  const edge = [
    { at: "2021-06-30T16:30:00Z", province: "35", status: "mantan" as const, source: "import" as const, cohort: "Wisma Atlet Juni 2021" },
    { at: "2021-07-31T17:30:00Z", province: "35", status: "calon" as const, source: "self" as const },
    { at: "2021-07-15T03:00:00Z", province: "52", status: "mantan" as const, source: "assisted" as const },
  ];
  for (const [i, e] of edge.entries()) {
    const [p] = await db
      .insert(participants)
      .values({
        fullName: `Tepi Bulan ${i}`,
        ...sealedIdentity(makeNik({ birthDate: "1988-03-09", sex: "L", regencyCode: e.province === "35" ? "3507" : "5201" })),
        birthDate: "1988-03-09",
        sex: "L",
        provinceCode: e.province,
        migrantStatus: e.status,
        returnDate: e.status === "mantan" ? "2021-05-01" : null,
        countryCode: "TW",
        source: e.source,
        cohort: "cohort" in e ? e.cohort : null,
        caseworkerId: cw.id,
        createdAt: new Date(e.at),
      })
      .returning();
    await db.insert(stageChanges).values([
      { participantId: p.id, toStage: "registration", createdAt: new Date(e.at) },
      { participantId: p.id, fromStage: "registration", toStage: "training", createdAt: new Date(Date.parse(e.at) + 3 * 86_400_000) },
      { participantId: p.id, fromStage: "training", toStage: "registration", createdAt: new Date(Date.parse(e.at) + 5 * 86_400_000) },
    ]);
    const [log] = await db
      .insert(serviceLogs)
      .values({ participantId: p.id, caseworkerId: cw.id, serviceCode: "prakerja_account", occurredOn: "2021-07-31", channel: "phone", outcome: "blocked", blockerCode: "otp_not_received" })
      .returning();
    // A correction moves the record to August and to another outcome: it must count once, in August.
    await db.insert(serviceLogs).values({
      participantId: p.id,
      caseworkerId: cw.id,
      serviceCode: "prakerja_account",
      occurredOn: "2021-08-01",
      channel: "phone",
      outcome: "done",
      correctsId: log.id,
    });
  }
  await db.insert(targets).values({ month: "2021-08", count: 40 });
  // Stage moves recorded by the caseworker (forward, back, a withdrawal) and open and
  // answered help requests, on the edge participants and a few demo ones.
  const edgeRows = await db.select().from(participants).where(sql`${participants.fullName} like 'Tepi Bulan %'`);
  for (const [i, p] of edgeRows.entries()) {
    const base = Date.parse("2021-08-10T03:00:00Z") + i * 86_400_000;
    await db.insert(stageChanges).values([
      { participantId: p.id, fromStage: "registration", toStage: "training", changedBy: cw.id, createdAt: new Date(base) },
      { participantId: p.id, fromStage: "training", toStage: "lms", changedBy: cw.id, createdAt: new Date(base + (2 + i) * 86_400_000) },
      { participantId: p.id, fromStage: "lms", toStage: "training", changedBy: cw.id, createdAt: new Date(base + 20 * 86_400_000) },
      // The first one moves on again (an odd number of moves: one middle value), the others withdraw.
      i === 0
        ? { participantId: p.id, fromStage: "training", toStage: "lms", changedBy: cw.id, createdAt: new Date(base + 21 * 86_400_000) }
        : { participantId: p.id, fromStage: "training", toStage: "withdrawn", changedBy: cw.id, createdAt: new Date(base + 21 * 86_400_000) },
    ]);
    await db.insert(helpRequests).values([
      { participantId: p.id, topic: "lms", message: "Kode tukar tidak ditemukan" },
      { participantId: p.id, topic: "lms", message: "Sudah dijawab", status: "answered", answer: "Coba lagi", answeredBy: cw.id, answeredAt: new Date() },
    ]);
  }
  await db.execute(sql`
    insert into help_requests (participant_id, topic, message)
    select id, 'registration', 'Tolong' from participants where caseworker_id is not null order by id limit 5`);
  // Follow-ups due today and later are not overdue; earlier ones are.
  await db.execute(sql`
    update participants set next_follow_up_on = ${todayInJakarta()}::date + ((id_rank % 3) * 4)::int
    from (select id as rid, row_number() over (order by id) as id_rank from participants
          where caseworker_id is not null and stage not in ('completed', 'withdrawn') limit 6) r
    where participants.id = r.rid`);
});

const filters: DashboardFilterInput[] = [
  { from: "2021-06", to: "2021-08" },
  { from: "2021-06", to: "2021-06" },
  { from: "2021-07", to: "2021-08", provinceCode: "35" },
  { from: "2021-06", to: "2021-08", migrantStatus: "mantan" },
  { from: "2021-06", to: "2021-07", source: "assisted" },
  { from: "2021-06", to: "2021-08", provinceCode: "33", migrantStatus: "calon", source: "self" },
  { from: "2020-01", to: "2020-03" },
  { from: "2021-06", to: "2021-08", cohort: "Wisma Atlet Juni 2021" },
  { from: "2021-06", to: "2021-08", source: "import", cohort: "Kohort lain" },
];

function where(f: DashboardFilterInput): SQL {
  return sql.join(
    [
      sql`true`,
      f.provinceCode ? sql`p.province_code = ${f.provinceCode}` : sql`true`,
      f.migrantStatus ? sql`p.migrant_status = ${f.migrantStatus}` : sql`true`,
      f.source ? sql`p.source = ${f.source}` : sql`true`,
      f.cohort ? sql`p.cohort = ${f.cohort}` : sql`true`,
    ],
    sql` and `,
  );
}

/** Jakarta month of a timestamp, written without the implementation's helper. */
const jakartaMonth = (column: SQL) => sql`to_char(${column} at time zone 'UTC' + interval '7 hours', 'YYYY-MM')`;

describe("the dashboard's figures equal plain SQL", () => {
  for (const f of filters) {
    it(`for ${JSON.stringify(f)}`, async () => {
      const d = await getDashboard(pmo, f);
      const inPeriod = sql`${jakartaMonth(sql`p.created_at`)} between ${f.from} and ${f.to}`;

      const [reg] = await rows<{ n: number; calon: number; mantan: number }>(sql`
        select count(*)::int n, sum(case when migrant_status = 'calon' then 1 else 0 end)::int calon,
               sum(case when migrant_status = 'mantan' then 1 else 0 end)::int mantan
        from participants p where ${where(f)} and ${inPeriod}`);
      expect(d.headline.registered).toBe(reg.n);
      expect(d.headline.calon).toBe(reg.calon ?? 0);
      expect(d.headline.mantan).toBe(reg.mantan ?? 0);

      const months = await rows<{ month: string; n: number }>(sql`
        select to_char(l.occurred_on, 'YYYY-MM') as month, count(*)::int n
        from service_logs l
        join participants p on p.id = l.participant_id
        left join service_logs c on c.corrects_id = l.id
        where c.id is null and ${where(f)} and to_char(l.occurred_on, 'YYYY-MM') between ${f.from} and ${f.to}
        group by 1`);
      for (const m of d.perMonth) expect(m.services, m.month).toBe(months.find((r) => r.month === m.month)?.n ?? 0);
      expect(d.headline.servicesDelivered).toBe(months.reduce((s, r) => s + r.n, 0));
      const t = await rows<{ month: string; count: number }>(sql`select month, count from targets where month between ${f.from} and ${f.to}`);
      for (const m of d.perMonth) expect(m.target, m.month).toBe(t.find((r) => r.month === m.month)?.count ?? null);

      for (const stage of ["registration", "training", "lms", "completed"]) {
        const [r] = await rows<{ n: number }>(sql`
          select count(*)::int n from participants p
          where ${where(f)} and ${inPeriod}
            and (p.stage = ${stage} or exists (select 1 from stage_changes s where s.participant_id = p.id and s.to_stage = ${stage}))`);
        const [c] = await rows<{ n: number }>(sql`select count(*)::int n from participants p where ${where(f)} and ${inPeriod} and p.stage = ${stage}`);
        const row = d.funnel.find((x) => x.stage === stage)!;
        expect(row.reached, stage).toBe(r.n);
        expect(row.current, stage).toBe(c.n);
      }
      for (const [i, row] of d.funnel.entries()) {
        if (i === 0) continue;
        const previous = d.funnel[i - 1].reached;
        expect(row.conversion).toBe(previous ? row.reached / previous : null);
      }

      // Median days in each stage (whole calendar days in Jakarta), computed in JavaScript
      // from the raw stage changes.
      const changes = await rows<{ participant_id: string; to_stage: string; at: number }>(sql`
        select s.participant_id, s.to_stage,
               (s.created_at at time zone 'Asia/Jakarta')::date - date '2000-01-01' as at from stage_changes s
        join participants p on p.id = s.participant_id where ${where(f)} and ${inPeriod}
        order by s.participant_id, s.created_at, s.id`);
      const spells: Record<string, number[]> = {};
      for (let i = 0; i + 1 < changes.length; i++) {
        if (changes[i].participant_id !== changes[i + 1].participant_id) continue;
        const days = Number(changes[i + 1].at) - Number(changes[i].at);
        (spells[changes[i].to_stage] ??= []).push(days);
      }
      const median = (xs: number[]) => {
        const s = [...xs].sort((a, b) => a - b);
        const mid = (s.length - 1) / 2;
        return (s[Math.floor(mid)] + s[Math.ceil(mid)]) / 2;
      };
      for (const row of d.funnel) {
        const xs = spells[row.stage];
        if (!xs?.length) expect(row.medianDays, row.stage).toBeNull();
        else expect(row.medianDays!, row.stage).toBeCloseTo(median(xs), 6);
      }

      const blockers = await rows<{ code: string; n: number }>(sql`
        select l.blocker_code as code, count(*)::int n from service_logs l
        join participants p on p.id = l.participant_id left join service_logs c on c.corrects_id = l.id
        where c.id is null and l.outcome = 'blocked' and ${where(f)} and to_char(l.occurred_on, 'YYYY-MM') between ${f.from} and ${f.to}
        group by 1`);
      expect(Object.fromEntries(d.blockers.map((b) => [b.code, b.count]))).toEqual(Object.fromEntries(blockers.map((b) => [b.code, b.n])));
      const counts = d.blockers.map((b) => b.count);
      expect(counts).toEqual([...counts].sort((a, b) => b - a));

      const provinces = await rows<{ code: string; n: number }>(sql`
        select province_code as code, count(*)::int n from participants p where ${where(f)} and ${inPeriod} group by 1`);
      const topProvinces = provinces.sort((a, b) => b.n - a.n || a.code.localeCompare(b.code)).slice(0, 10);
      expect(d.byProvince).toEqual(topProvinces);
      const countries = await rows<{ code: string; n: number }>(sql`
        select country_code as code, count(*)::int n from participants p where ${where(f)} and ${inPeriod} and country_code is not null group by 1`);
      expect(d.byCountry).toEqual(countries.sort((a, b) => b.n - a.n || a.code.localeCompare(b.code)).slice(0, 10));

      for (const c of d.caseworkers) {
        const [load] = await rows<{ n: number }>(sql`select count(*)::int n from participants p where p.caseworker_id = ${c.id} and ${where(f)}`);
        expect(c.caseload, c.name).toBe(load.n);
        const [svc] = await rows<{ n: number }>(sql`
          select count(*)::int n from service_logs l join participants p on p.id = l.participant_id
          left join service_logs c on c.corrects_id = l.id
          where c.id is null and l.caseworker_id = ${c.id} and ${where(f)} and to_char(l.occurred_on, 'YYYY-MM') = ${f.to}`);
        expect(c.services, c.name).toBe(svc.n);
        const [inPeriodSvc] = await rows<{ n: number }>(sql`
          select count(*)::int n from service_logs l join participants p on p.id = l.participant_id
          left join service_logs c on c.corrects_id = l.id
          where c.id is null and l.caseworker_id = ${c.id} and ${where(f)}
            and to_char(l.occurred_on, 'YYYY-MM') between ${f.from} and ${f.to}`);
        expect(c.servicesInPeriod, c.name).toBe(inPeriodSvc.n);
        const [late] = await rows<{ n: number }>(sql`
          select count(*)::int n from participants p where p.caseworker_id = ${c.id} and ${where(f)}
            and p.next_follow_up_on < ${todayInJakarta()}::date and p.stage not in ('completed', 'withdrawn')`);
        expect(c.overdue, c.name).toBe(late.n);
        const [help] = await rows<{ n: number }>(sql`
          select count(*)::int n from help_requests h join participants p on p.id = h.participant_id
          where h.status = 'open' and p.caseworker_id = ${c.id} and ${where(f)}`);
        expect(c.openHelp, c.name).toBe(help.n);

        // Forward moves the caseworker recorded in the period (Jakarta month of the move),
        // each with the Jakarta days since the participant's change before it (or their
        // registration), computed in JavaScript from the raw stage changes.
        const history = await rows<{ participant_id: string; from_stage: string | null; to_stage: string; changed_by: string | null; day: number; month: string; registered: number }>(sql`
          select s.participant_id, s.from_stage, s.to_stage, s.changed_by,
                 (s.created_at at time zone 'Asia/Jakarta')::date - date '2000-01-01' as day,
                 ${jakartaMonth(sql`s.created_at`)} as month,
                 (p.created_at at time zone 'Asia/Jakarta')::date - date '2000-01-01' as registered
          from stage_changes s join participants p on p.id = s.participant_id
          where ${where(f)} and s.participant_id in (select participant_id from stage_changes where changed_by = ${c.id})
          order by s.participant_id, s.created_at, s.id`);
        const journey = ["registration", "training", "lms", "completed"];
        const days: number[] = [];
        for (const [i, h] of history.entries()) {
          const forward = h.from_stage !== null && journey.includes(h.to_stage) && journey.indexOf(h.to_stage) > journey.indexOf(h.from_stage);
          if (!forward || h.changed_by !== c.id || h.month < f.from! || h.month > f.to!) continue;
          const before = i > 0 && history[i - 1].participant_id === h.participant_id ? history[i - 1].day : h.registered;
          days.push(Number(h.day) - Number(before));
        }
        expect(c.moves, c.name).toBe(days.length);
        if (days.length === 0) expect(c.medianDays, c.name).toBeNull();
        else expect(c.medianDays!, c.name).toBeCloseTo(median(days), 6);
      }
      // The edge caseworker's seven forward moves (August 2021) and open requests are among the figures checked above.
      if (f.from === "2021-06" && f.to === "2021-08" && Object.keys(f).length === 2) {
        const edge = d.caseworkers.find((c) => c.id === edgeCaseworkerId)!;
        expect(edge.moves).toBe(7);
        expect(edge.openHelp).toBeGreaterThanOrEqual(3);
      }
    });
  }

  it("counts the demo plan of June and July 2021 against its targets of 23 and 69", async () => {
    const d = await getDashboard(pmo, { from: "2021-06", to: "2021-07" });
    expect(d.perMonth.map((m) => [m.month, m.target])).toEqual([
      ["2021-06", 23],
      ["2021-07", 69],
    ]);
    expect(d.headline.targetTotal).toBe(92);
  });

  it("filters by an imported cohort: only its participants and their services count", async () => {
    const d = await getDashboard(pmo, { from: "2021-06", to: "2021-08", cohort: "Wisma Atlet Juni 2021" });
    expect(d.headline.registered).toBe(1);
    expect(d.headline.servicesDelivered).toBe(1);
    expect(d.filter.cohort).toBe("Wisma Atlet Juni 2021");
    const none = await getDashboard(pmo, { from: "2021-06", to: "2021-08", cohort: "Kohort lain" });
    expect(none.headline.registered).toBe(0);
  });

  it("puts a registration at 23:30 Jakarta time on 30 June in June, and 00:30 on 1 August in August", async () => {
    const june = await getDashboard(pmo, { from: "2021-06", to: "2021-06", provinceCode: "35", source: "import" });
    const august = await getDashboard(pmo, { from: "2021-08", to: "2021-08", provinceCode: "35" });
    expect(june.headline.registered).toBeGreaterThanOrEqual(1);
    expect(august.headline.registered).toBe(1);
  });
});

describe("waiting for a caseworker", () => {
  it("counts every participant without a caseworker, whatever the filter, and the oldest wait", async () => {
    const [plain] = await rows<{ n: number; oldest: string | Date }>(sql`
      select count(*)::int n, min(created_at) oldest from participants where caseworker_id is null`);
    expect(plain.n).toBeGreaterThan(0); // the demo leaves every sixth participant waiting
    for (const f of filters.slice(0, 4)) {
      const d = await getDashboard(pmo, f);
      expect(d.waiting.count).toBe(plain.n);
      expect(d.waiting.oldestSince?.toISOString()).toBe(new Date(plain.oldest).toISOString());
      expect(d.waiting.oldestDays).toBeGreaterThan(365 * 4); // demo registrations are from June 2021
    }
  });
});

describe("a period without data", () => {
  it("says so and names the latest period that has registrations or services", async () => {
    const d = await getDashboard(pmo, { from: "2020-01", to: "2020-03" });
    expect(d.empty).toBe(true);
    // The edge rows reach August 2021: the six months up to it, not before the first month.
    expect(d.latestWithData).toEqual({ from: "2021-06", to: "2021-08" });
    const full = await getDashboard(pmo, d.latestWithData!);
    expect(full.empty).toBe(false);
    expect(full.latestWithData).toBeNull();
  });

  it("is what the default shows when a target is set for months ahead, and the link leads back to data", async () => {
    await db.insert(targets).values({ month: "2031-01", count: 10 });
    try {
      const d = await getDashboard(pmo, {});
      expect(d.filter.to).toBe("2031-01");
      expect(d.empty).toBe(true);
      expect(d.latestWithData).toEqual({ from: "2021-06", to: "2021-08" });
    } finally {
      await db.delete(targets).where(eq(targets.month, "2031-01"));
    }
  });
});

describe("targets", () => {
  it("are set and changed by the PMO, with an audit event each time", async () => {
    await setTarget(pmo, { month: "2021-09", count: 50 });
    await setTarget(pmo, { month: "2021-09", count: 55 });
    const [row] = await db.select().from(targets).where(eq(targets.month, "2021-09"));
    expect(row.count).toBe(55);
    const events = await rows<{ before: unknown; after: unknown }>(sql`select before, after from audit_events where action = 'target.set' and entity_id = '2021-09' order by id`);
    expect(events.map((e) => e.after)).toEqual([{ count: 50 }, { count: 55 }]);
    expect(events[1].before).toEqual({ count: 50 });
  });

  it("and the dashboard are refused to caseworkers and participants", async () => {
    const cw = await createTestUser("caseworker");
    const participant = await createTestUser("participant");
    for (const user of [cw, participant]) {
      expect(await statusOf(() => getDashboard(user, {}))).toBe(403);
      expect(await statusOf(() => setTarget(user, { month: "2021-10", count: 1 }))).toBe(403);
    }
    expect(await db.select().from(targets).where(eq(targets.month, "2021-10"))).toEqual([]);
  });
});

describe("the default period", () => {
  it("covers the months with activity, at most six", async () => {
    const d = await getDashboard(pmo, {});
    expect(d.filter.to >= "2021-08").toBe(true);
    expect(d.months.length).toBeLessThanOrEqual(6);
    // Unused variable guard: users table is reachable (the page shows caseworkers).
    expect((await db.select().from(users).where(eq(users.role, "caseworker"))).length).toBe(d.caseworkers.length);
  });
});
