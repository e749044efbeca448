import { sql, type SQL } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { loadDemoData } from "@/db/demo-data";
import { participants, serviceLogs, stageChanges, type Stage } from "@/db/schema";
import { createTestUser, freshDatabase, statusOf } from "@/db/test-utils";
import { makeNik } from "@/lib/testing/identity";
import { sealedIdentity } from "@/lib/testing/sealed";
import type { DashboardFilterInput } from "@/lib/validation/dashboard";
import { getComparisons, type ComparisonGroup } from "./comparisons";
import { getDashboard } from "./programme";

// Every figure of the comparisons, recomputed for each group with plain SQL over the raw
// rows (participants, stage_changes, service_logs), written without the counters: the
// demo data plus two import cohorts whose participants move through the stages, are
// blocked, and sit on the edge of a month.

async function rows<T>(query: SQL): Promise<T[]> {
  const result = await db.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

let pmo: Awaited<ReturnType<typeof createTestUser>>;
const WISMA = "Wisma Atlet Juni 2021";
const OTHER = "Kohort Juli";

beforeAll(async () => {
  await freshDatabase();
  await loadDemoData();
  pmo = await createTestUser("pmo");
  const cw = await createTestUser("caseworker");
  const day = 86_400_000;
  // Cohort members: registered at different times (one at 23:30 Jakarta time on 30 June,
  // a June registration), reaching different stages, some blocked.
  const people: { at: string; cohort: string; status: "calon" | "mantan"; province: string; path: Stage[]; blocked: number }[] = [
    { at: "2021-06-30T16:30:00Z", cohort: WISMA, status: "mantan", province: "35", path: ["training", "lms", "completed"], blocked: 2 },
    { at: "2021-06-10T03:00:00Z", cohort: WISMA, status: "mantan", province: "35", path: ["training", "lms"], blocked: 1 },
    { at: "2021-06-12T03:00:00Z", cohort: WISMA, status: "calon", province: "52", path: ["training"], blocked: 0 },
    { at: "2021-06-14T03:00:00Z", cohort: WISMA, status: "mantan", province: "35", path: [], blocked: 3 },
    { at: "2021-07-02T03:00:00Z", cohort: OTHER, status: "calon", province: "35", path: ["training", "registration", "training"], blocked: 1 },
    { at: "2021-07-03T03:00:00Z", cohort: OTHER, status: "mantan", province: "52", path: ["training", "lms", "completed"], blocked: 0 },
  ];
  for (const [i, e] of people.entries()) {
    const start = Date.parse(e.at);
    const [p] = await db
      .insert(participants)
      .values({
        fullName: `Kohort Banding ${i}`,
        ...sealedIdentity(makeNik({ birthDate: "1990-04-11", sex: "P", regencyCode: e.province === "35" ? "3507" : "5201" })),
        birthDate: "1990-04-11",
        sex: "P",
        provinceCode: e.province,
        migrantStatus: e.status,
        returnDate: e.status === "mantan" ? "2021-05-01" : null,
        source: "import",
        cohort: e.cohort,
        stage: e.path.at(-1) ?? "registration",
        caseworkerId: cw.id,
        createdAt: new Date(e.at),
      })
      .returning();
    const stages: Stage[] = ["registration", ...e.path];
    await db.insert(stageChanges).values(
      stages.map((to, k) => ({
        participantId: p.id,
        fromStage: k === 0 ? null : stages[k - 1],
        toStage: to,
        createdAt: new Date(start + k * (2 + i) * day),
      })),
    );
    for (let b = 0; b < e.blocked; b++) {
      await db.insert(serviceLogs).values({
        participantId: p.id,
        caseworkerId: cw.id,
        serviceCode: "prakerja_account",
        occurredOn: b === 0 ? "2021-07-05" : "2021-06-20",
        channel: "phone",
        outcome: "blocked",
        blockerCode: b === 2 ? "no_device_or_data" : "otp_not_received",
      });
    }
    await db.insert(serviceLogs).values({
      participantId: p.id,
      caseworkerId: cw.id,
      serviceCode: "prakerja_account",
      occurredOn: "2021-07-06",
      channel: "whatsapp",
      outcome: "done",
    });
  }
});

const filters: DashboardFilterInput[] = [
  { from: "2021-06", to: "2021-08" },
  { from: "2021-06", to: "2021-06" },
  { from: "2021-07", to: "2021-08", provinceCode: "35" },
  { from: "2021-06", to: "2021-08", migrantStatus: "mantan" },
  { from: "2021-06", to: "2021-07", source: "import" },
  { from: "2021-06", to: "2021-08", provinceCode: "33", migrantStatus: "calon", source: "self" },
  { from: "2021-06", to: "2021-08", cohort: WISMA },
  { from: "2021-06", to: "2021-07", provinceCode: "35", cohort: OTHER, migrantStatus: "calon" },
  { from: "2020-01", to: "2020-03" },
];

const jakartaMonth = (column: SQL) => sql`to_char(${column} at time zone 'UTC' + interval '7 hours', 'YYYY-MM')`;

/** One group's figures, from the raw rows of the participants `who` picks (on alias p). */
async function plainGroup(f: DashboardFilterInput, who: SQL) {
  const mine = sql`(${f.provinceCode ? sql`p.province_code = ${f.provinceCode}` : sql`true`}) and (${who})`;
  const registeredInPeriod = sql`${jakartaMonth(sql`p.created_at`)} between ${f.from} and ${f.to}`;
  const [reg] = await rows<{ n: number }>(sql`select count(*)::int n from participants p where ${mine} and ${registeredInPeriod}`);
  const reached: Record<string, number> = {};
  for (const stage of ["training", "lms", "completed"]) {
    const [r] = await rows<{ n: number }>(sql`
      select count(*)::int n from participants p where ${mine} and ${registeredInPeriod}
        and (p.stage = ${stage} or exists (select 1 from stage_changes s where s.participant_id = p.id and s.to_stage = ${stage}))`);
    reached[stage] = r.n;
  }
  // Spells: whole Jakarta days from a change to the next one, in JavaScript.
  const changes = await rows<{ participant_id: string; to_stage: string; at: number }>(sql`
    select s.participant_id, s.to_stage, (s.created_at at time zone 'Asia/Jakarta')::date - date '2000-01-01' as at
    from stage_changes s join participants p on p.id = s.participant_id where ${mine} and ${registeredInPeriod}
    order by s.participant_id, s.created_at, s.id`);
  const spells: Record<string, number[]> = {};
  for (let i = 0; i + 1 < changes.length; i++) {
    if (changes[i].participant_id !== changes[i + 1].participant_id) continue;
    (spells[changes[i].to_stage] ??= []).push(Number(changes[i + 1].at) - Number(changes[i].at));
  }
  const median = (xs: number[] | undefined) => {
    if (!xs?.length) return null;
    const s = [...xs].sort((a, b) => a - b);
    const mid = (s.length - 1) / 2;
    return (s[Math.floor(mid)] + s[Math.ceil(mid)]) / 2;
  };
  // Services dated in the period, a corrected record replaced by its correction, of the
  // group's participants whenever they registered.
  const services = await rows<{ code: string | null; sort_order: number | null; n: number }>(sql`
    select l.blocker_code as code, b.sort_order, count(*)::int n from service_logs l
    join participants p on p.id = l.participant_id left join service_logs c on c.corrects_id = l.id
    left join blockers b on b.code = l.blocker_code
    where c.id is null and ${mine} and to_char(l.occurred_on, 'YYYY-MM') between ${f.from} and ${f.to}
    group by 1, 2`);
  const total = services.reduce((s, r) => s + r.n, 0);
  const blockedRows = services.filter((r) => r.code !== null).sort((a, b) => b.n - a.n || a.sort_order! - b.sort_order!);
  const blocked = blockedRows.reduce((s, r) => s + r.n, 0);
  return {
    registered: reg.n,
    reached: Object.fromEntries(Object.entries(reached).map(([s, n]) => [s, { count: n, share: reg.n ? n / reg.n : null }])),
    medianDays: Object.fromEntries(["registration", "training", "lms", "completed"].map((s) => [s, median(spells[s])])),
    services: total,
    blocked,
    blockedShare: total ? blocked / total : null,
    topBlockers: blockedRows.slice(0, 3).map((r) => ({ code: r.code, count: r.n })),
  };
}

const figures = (g: ComparisonGroup) => ({
  registered: g.registered,
  reached: g.reached,
  medianDays: g.medianDays,
  services: g.services,
  blocked: g.blocked,
  blockedShare: g.blockedShare,
  topBlockers: g.topBlockers.map((b) => ({ code: b.code, count: b.count })),
});

/** The filter's conditions on the raw rows, except the compared dimension's. */
function others(f: DashboardFilterInput, except: "status" | "source" | "cohort" | "none"): SQL {
  return sql.join(
    [
      sql`true`,
      except !== "status" && f.migrantStatus ? sql`p.migrant_status = ${f.migrantStatus}` : sql`true`,
      except !== "source" && f.source ? sql`p.source = ${f.source}` : sql`true`,
      except !== "cohort" && f.cohort ? sql`p.cohort = ${f.cohort}` : sql`true`,
    ],
    sql` and `,
  );
}

describe("the comparisons equal plain SQL over the rows", () => {
  for (const f of filters) {
    it(`for ${JSON.stringify(f)}`, async () => {
      const c = await getComparisons(pmo, f);
      expect(c.filter).toMatchObject({ from: f.from, to: f.to });

      expect(c.status.map((g) => g.key)).toEqual(["calon", "mantan"]);
      for (const g of c.status) {
        expect(g.selected).toBe(f.migrantStatus === g.key);
        expect(figures(g), `status ${g.key}`).toEqual(await plainGroup(f, sql`p.migrant_status = ${g.key} and ${others(f, "status")}`));
      }
      expect(c.source.map((g) => g.key)).toEqual(["self", "assisted", "import"]);
      for (const g of c.source) {
        expect(g.selected).toBe(f.source === g.key);
        expect(figures(g), `source ${g.key}`).toEqual(await plainGroup(f, sql`p.source = ${g.key} and ${others(f, "source")}`));
      }

      // The cohorts with registrations in the period (under the other filters), largest first.
      const listed = await rows<{ cohort: string; n: number }>(sql`
        select p.cohort, count(*)::int n from participants p
        where p.cohort is not null and ${jakartaMonth(sql`p.created_at`)} between ${f.from} and ${f.to}
          and ${f.provinceCode ? sql`p.province_code = ${f.provinceCode}` : sql`true`} and ${others(f, "none")}
        group by 1 order by n desc, p.cohort`);
      expect(c.cohorts.map((x) => x.cohort)).toEqual(listed.map((x) => x.cohort));
      for (const x of c.cohorts) {
        expect(x.selected).toBe(f.cohort === x.cohort);
        expect(figures(x.members), `cohort ${x.cohort}`).toEqual(await plainGroup(f, sql`p.cohort = ${x.cohort} and ${others(f, "cohort")}`));
        expect(figures(x.others), `not ${x.cohort}`).toEqual(
          await plainGroup(f, sql`p.cohort is distinct from ${x.cohort} and ${others(f, "cohort")}`),
        );
      }
    });
  }

  it("lists the cohorts, each against everyone else, and the groups add up to the dashboard", async () => {
    const f = { from: "2021-06", to: "2021-08" };
    const [c, d] = await Promise.all([getComparisons(pmo, f), getDashboard(pmo, f)]);
    expect(c.cohorts.map((x) => x.cohort)).toEqual([WISMA, OTHER]);
    const wisma = c.cohorts[0];
    expect(wisma.members).toMatchObject({ registered: 4, reached: { training: { count: 3, share: 0.75 }, lms: { count: 2 }, completed: { count: 1 } } });
    expect(wisma.members.topBlockers.map((b) => b.code)).toEqual(["otp_not_received", "no_device_or_data"]);
    expect(wisma.members.registered + wisma.others.registered).toBe(d.headline.registered);
    for (const x of [c.status, c.source]) {
      expect(x.reduce((s, g) => s + g.registered, 0)).toBe(d.headline.registered);
      expect(x.reduce((s, g) => s + g.reached.completed.count, 0)).toBe(d.funnel.find((r) => r.stage === "completed")!.reached);
      expect(x.reduce((s, g) => s + g.services, 0)).toBe(d.headline.servicesDelivered);
      expect(x.reduce((s, g) => s + g.blocked, 0)).toBe(d.blockers.reduce((s, b) => s + b.count, 0));
    }
    // The plain SQL tells the groups apart: a swapped group would fail the comparison above.
    expect(figures(c.status[0])).not.toEqual(await plainGroup(f, sql`p.migrant_status = 'mantan'`));
    expect(figures(wisma.others)).not.toEqual(await plainGroup(f, sql`true`));
    expect(figures(wisma.members)).not.toEqual(await plainGroup(f, sql`p.cohort = ${OTHER}`));
  });

  it("keeps the compared dimension's groups under its filter, marking the chosen one", async () => {
    const c = await getComparisons(pmo, { from: "2021-06", to: "2021-08", migrantStatus: "calon", cohort: OTHER });
    expect(c.status.map((g) => [g.key, g.selected])).toEqual([["calon", true], ["mantan", false]]);
    // Under the cohort filter, calon against purna within the cohort.
    expect(c.status.map((g) => g.registered)).toEqual([1, 1]);
    expect(c.cohorts.map((x) => [x.cohort, x.selected])).toEqual([[OTHER, true]]);
    // Under the status filter, everyone else is the other calon.
    expect(c.cohorts[0].members.registered).toBe(1);
    const calon = await getDashboard(pmo, { from: "2021-06", to: "2021-08", migrantStatus: "calon" });
    expect(c.cohorts[0].others.registered).toBe(calon.headline.registered - 1);
  });

  it("uses the dashboard's default period when none is chosen", async () => {
    const [c, d] = await Promise.all([getComparisons(pmo, {}), getDashboard(pmo, {})]);
    expect(c.filter).toEqual(d.filter);
    expect(c.status.reduce((s, g) => s + g.registered, 0)).toBe(d.headline.registered);
  });

  it("is refused to caseworkers and participants, as the dashboard is", async () => {
    for (const user of [await createTestUser("caseworker"), await createTestUser("participant")]) {
      const refusal = await statusOf(() => getDashboard(user, { from: "2021-06", to: "2021-08" }));
      expect(refusal).toBe(403);
      expect(await statusOf(() => getComparisons(user, { from: "2021-06", to: "2021-08" }))).toBe(refusal);
    }
  });
});
