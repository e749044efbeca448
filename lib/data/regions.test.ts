import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db, executeRows } from "@/db";
import { auditEvents, coordinatorRegions, regionProvinces, regions, users } from "@/db/schema";
import { createTestUser, freshDatabase, statusOf } from "@/db/test-utils";
import { provinces } from "@/lib/reference/regions";
import { coordinatorRegionsSchema, newCoordinatorSchema, newRegionSchema, regionUpdateSchema } from "@/lib/validation/regions";
import { createCoordinator, createRegion, listRegions, setCoordinatorDisabled, setCoordinatorRegions, updateRegion } from "./regions";
import { findSessionUser } from "./users";
import { coordinatorProvinces, requireScope } from "./scope";

beforeAll(freshDatabase);

const ALL = provinces.map((p) => p.code);
let seq = 0;
const unique = (name: string) => `${name} ${++seq}-${Date.now() % 100000}`;
const eventsOf = (entityId: string) => db.select().from(auditEvents).where(eq(auditEvents.entityId, entityId));
const counts = async () =>
  (
    await executeRows<Record<string, number>>(
      sql`select (select count(*) from regions)::int as regions, (select count(*) from region_provinces)::int as provinces,
        (select count(*) from coordinator_regions)::int as links, (select count(*) from users)::int as users,
        (select count(*) from audit_events)::int as events`,
    )
  )[0];

async function freeProvinces(n: number): Promise<string[]> {
  const placed = new Set((await db.select().from(regionProvinces)).map((p) => p.provinceCode));
  const free = ALL.filter((c) => !placed.has(c)).slice(0, n);
  if (free.length < n) throw new Error("not enough provinces left for the test");
  return free;
}

async function newRegion(pmo: Awaited<ReturnType<typeof createTestUser>>, n = 2) {
  const input = newRegionSchema.parse({ name: unique("Wilayah"), provinceCodes: await freeProvinces(n) });
  const result = await createRegion(pmo, input);
  if (!result.ok) throw new Error(JSON.stringify(result));
  return { id: result.regionId, ...input };
}

describe("newRegionSchema", () => {
  it("trims the name, wants at least one known province, and keeps each once, in order", () => {
    expect(newRegionSchema.parse({ name: "  Jawa   Timur ", provinceCodes: ["35", "33", "35"] })).toEqual({ name: "Jawa Timur", provinceCodes: ["33", "35"] });
    const refused = (v: unknown) => newRegionSchema.safeParse(v).error?.issues.map((i) => i.message);
    expect(refused({ name: "J", provinceCodes: ["35"] })).toEqual(["region.nameRequired"]);
    expect(refused({ name: "Jawa", provinceCodes: [] })).toEqual(["region.noProvinces"]);
    expect(refused({ name: "Jawa", provinceCodes: ["99"] })).toEqual(["region.provinceUnknown"]);
    expect(refused({ name: "Jawa" })).toEqual(["region.noProvinces"]);
  });
});

describe("regions", () => {
  it("the PMO creates a region with provinces, audited; a province of another region is refused by name and nothing is written", async () => {
    const pmo = await createTestUser("pmo");
    const region = await newRegion(pmo, 2);
    const placed = await db.select().from(regionProvinces).where(eq(regionProvinces.regionId, region.id));
    expect(placed.map((p) => p.provinceCode).sort()).toEqual(region.provinceCodes);
    const [event] = await eventsOf(region.id);
    expect(event).toMatchObject({ action: "region.create", actorId: pmo.id, entityType: "region", after: { name: region.name, provinceCodes: region.provinceCodes } });

    const before = await counts();
    const [free] = await freeProvinces(1);
    const clash = await createRegion(pmo, newRegionSchema.parse({ name: unique("Lain"), provinceCodes: [free, region.provinceCodes[1]] }));
    expect(clash).toEqual({
      ok: false,
      fieldErrors: { provinceCodes: ["region.provinceTaken"] },
      taken: [{ provinceCode: region.provinceCodes[1], regionName: region.name }],
    });
    const sameName = await createRegion(pmo, newRegionSchema.parse({ name: region.name.toUpperCase(), provinceCodes: [free] }));
    expect(sameName).toEqual({ ok: false, fieldErrors: { name: ["region.nameTaken"] } });
    expect(await counts()).toEqual(before);
  });

  it("renames and changes provinces in one audited change; the same form twice changes nothing the second time", async () => {
    const pmo = await createTestUser("pmo");
    const region = await newRegion(pmo, 2);
    const [extra] = await freeProvinces(1);
    const next = regionUpdateSchema.parse({ regionId: region.id, name: `${region.name} Baru`, provinceCodes: [region.provinceCodes[0], extra] });
    expect(await updateRegion(pmo, next)).toEqual({ ok: true, regionId: region.id, changed: true });
    const placed = (await db.select().from(regionProvinces).where(eq(regionProvinces.regionId, region.id))).map((p) => p.provinceCode).sort();
    expect(placed).toEqual([region.provinceCodes[0], extra].sort());
    const update = (await eventsOf(region.id)).find((e) => e.action === "region.update");
    expect(update).toMatchObject({
      before: { name: region.name, provinceCodes: region.provinceCodes },
      after: { name: next.name, provinceCodes: next.provinceCodes },
    });
    const events = (await eventsOf(region.id)).length;
    expect(await updateRegion(pmo, next)).toEqual({ ok: true, regionId: region.id, changed: false });
    expect((await eventsOf(region.id)).length).toBe(events);
    // The province it gave up is free for another region.
    const other = await createRegion(pmo, newRegionSchema.parse({ name: unique("Lain"), provinceCodes: [region.provinceCodes[1]] }));
    expect(other.ok).toBe(true);
  });

  it("refuses another region's province on update, and answers 404 for an unknown region", async () => {
    const pmo = await createTestUser("pmo");
    const a = await newRegion(pmo, 1);
    const b = await newRegion(pmo, 1);
    const result = await updateRegion(pmo, regionUpdateSchema.parse({ regionId: a.id, name: a.name, provinceCodes: [...a.provinceCodes, ...b.provinceCodes] }));
    expect(result).toMatchObject({ ok: false, taken: [{ provinceCode: b.provinceCodes[0], regionName: b.name }] });
    const input = regionUpdateSchema.parse({ regionId: crypto.randomUUID(), name: "Tidak Ada", provinceCodes: a.provinceCodes });
    expect(await statusOf(() => updateRegion(pmo, input))).toBe(404);
  });

  it("lists regions with their provinces, coordinators and the provinces in no region", async () => {
    const pmo = await createTestUser("pmo");
    const region = await newRegion(pmo, 2);
    const overview = await listRegions(pmo, ALL);
    const row = overview.regions.find((r) => r.id === region.id)!;
    expect(row).toMatchObject({ name: region.name, provinceCodes: region.provinceCodes, participants: 0, coordinators: [] });
    for (const code of region.provinceCodes) {
      expect(overview.unplaced).not.toContain(code);
      expect(overview.regionOfProvince[code]).toBe(region.id);
    }
    const placed = new Set((await db.select().from(regionProvinces)).map((p) => p.provinceCode));
    expect(overview.unplaced).toEqual(ALL.filter((c) => !placed.has(c)));
  });
});

describe("coordinators", () => {
  it("the PMO creates a coordinator for regions, with a one-time code; the coordinator's scope is those regions' provinces", async () => {
    const pmo = await createTestUser("pmo");
    const a = await newRegion(pmo, 2);
    const b = await newRegion(pmo, 1);
    const input = newCoordinatorSchema.parse({ name: "Sari Koordinator", email: `sari${++seq}@bp2mi.go.id`, regionIds: [a.id, b.id] });
    const result = await createCoordinator(pmo, input);
    if (!result.ok) throw new Error(JSON.stringify(result));
    const [user] = await db.select().from(users).where(eq(users.id, result.userId));
    expect(user).toMatchObject({ role: "coordinator", passwordHash: null, provinceCode: null });
    expect(await coordinatorProvinces(result.userId)).toEqual([...a.provinceCodes, ...b.provinceCodes].sort());
    const events = await eventsOf(result.userId);
    expect(events.map((e) => e.action).sort()).toEqual(["activation_code.issue", "coordinator.create"]);
    expect(events.find((e) => e.action === "coordinator.create")!.after).toMatchObject({ role: "coordinator", regions: [a.name, b.name].sort() });
    expect(JSON.stringify(events)).not.toContain(result.activation.code);

    const session = { id: user.id, role: "coordinator" as const, name: user.name, locale: "id" as const };
    // Scope: everything for the PMO, the provinces for a coordinator holding the region form.
    expect(await requireScope(pmo, "manage:region:any", "manage:region:any")).toBeNull();
    expect(await statusOf(() => requireScope(session, "manage:region:any", "manage:region:any"))).toBe(403);

    // Regions replaced: the scope follows at once, and the change is audited.
    const changed = await setCoordinatorRegions(pmo, coordinatorRegionsSchema.parse({ coordinatorId: user.id, regionIds: [b.id] }));
    expect(changed).toEqual({ ok: true, changed: true, name: user.name });
    expect(await coordinatorProvinces(user.id)).toEqual(b.provinceCodes);
    expect((await eventsOf(user.id)).find((e) => e.action === "coordinator.regions")).toMatchObject({
      before: { regions: [a.name, b.name].sort() },
      after: { regions: [b.name] },
    });
    expect(await setCoordinatorRegions(pmo, coordinatorRegionsSchema.parse({ coordinatorId: user.id, regionIds: [b.id] }))).toMatchObject({ changed: false });
  });

  it("refuses an unknown region, a taken email, a non-coordinator's id; nothing is written", async () => {
    const pmo = await createTestUser("pmo");
    const caseworker = await createTestUser("caseworker");
    const region = await newRegion(pmo, 1);
    const before = await counts();
    const unknown = await createCoordinator(pmo, newCoordinatorSchema.parse({ name: "Budi Koordinator", email: `budi${++seq}@bp2mi.go.id`, regionIds: [crypto.randomUUID()] }));
    expect(unknown).toEqual({ ok: false, fieldErrors: { regionIds: ["coordinator.unknownRegion"] } });
    const taken = await createCoordinator(pmo, newCoordinatorSchema.parse({ name: "Budi Koordinator", email: caseworker.email, regionIds: [region.id] }));
    expect(taken).toEqual({ ok: false, fieldErrors: { email: ["email.taken"] } });
    const input = coordinatorRegionsSchema.parse({ coordinatorId: caseworker.id, regionIds: [region.id] });
    expect(await statusOf(() => setCoordinatorRegions(pmo, input))).toBe(404);
    expect(await counts()).toEqual(before);
  });

  it("the database gives regions only to coordinators", async () => {
    const caseworker = await createTestUser("caseworker");
    const pmo = await createTestUser("pmo");
    const region = await newRegion(pmo, 1);
    await expect(db.insert(coordinatorRegions).values({ userId: caseworker.id, regionId: region.id })).rejects.toThrow();
    await expect(db.insert(regions).values({ name: " padded " })).rejects.toThrow();
  });
});

describe("disabling a coordinator", () => {
  it("ends their sessions at once, is audited, and is undone by enabling; a second disable changes nothing", async () => {
    const pmo = await createTestUser("pmo");
    const region = await newRegion(pmo, 1);
    const made = await createCoordinator(pmo, newCoordinatorSchema.parse({ name: "Rudi Koordinator", email: `rudi${++seq}@bp2mi.go.id`, regionIds: [region.id] }));
    if (!made.ok) throw new Error(JSON.stringify(made));
    const [before] = await db.select().from(users).where(eq(users.id, made.userId));
    expect(await findSessionUser(made.userId, before.sessionVersion)).not.toBeNull();

    expect(await setCoordinatorDisabled(pmo, made.userId, true)).toEqual({ ok: true, changed: true, name: "Rudi Koordinator" });
    expect(await findSessionUser(made.userId, before.sessionVersion)).toBeNull();
    expect(await setCoordinatorDisabled(pmo, made.userId, true)).toMatchObject({ changed: false });
    expect(await setCoordinatorDisabled(pmo, made.userId, false)).toMatchObject({ changed: true });
    const actions = (await eventsOf(made.userId)).map((e) => e.action);
    expect(actions.filter((a) => a.startsWith("coordinator.") && a !== "coordinator.create")).toEqual(["coordinator.disable", "coordinator.enable"]);
    // Their regions stay.
    expect(await coordinatorProvinces(made.userId)).toEqual(region.provinceCodes);
  });

  it("answers 404 for an account that is not a coordinator's, and 403 to anyone but the PMO; nothing is written", async () => {
    const pmo = await createTestUser("pmo");
    const caseworker = await createTestUser("caseworker");
    const before = await counts();
    expect(await statusOf(() => setCoordinatorDisabled(pmo, caseworker.id, true))).toBe(404);
    expect(await statusOf(() => setCoordinatorDisabled(pmo, pmo.id, true))).toBe(404);
    for (const role of ["participant", "caseworker", "coordinator"] as const) {
      const user = await createTestUser(role);
      const after = await counts();
      expect(await statusOf(() => setCoordinatorDisabled(user, user.id, true))).toBe(403);
      expect(await counts()).toEqual(after);
    }
    expect((await counts()).events).toBe(before.events);
  });
});

describe("refusals", () => {
  it("nobody but the PMO lists or changes regions or coordinators, and a refusal writes nothing", async () => {
    const pmo = await createTestUser("pmo");
    const region = await newRegion(pmo, 1);
    const [free] = await freeProvinces(1);
    const before = await counts();
    for (const role of ["participant", "caseworker", "coordinator"] as const) {
      const user = await createTestUser(role);
      const after = await counts();
      expect(await statusOf(() => listRegions(user, ALL))).toBe(403);
      expect(await statusOf(() => createRegion(user, newRegionSchema.parse({ name: unique("X"), provinceCodes: [free] })))).toBe(403);
      expect(await statusOf(() => updateRegion(user, regionUpdateSchema.parse({ regionId: region.id, name: "Diubah", provinceCodes: [free] })))).toBe(403);
      const coordinator = newCoordinatorSchema.parse({ name: "Orang Lain", email: `x${++seq}@test.id`, regionIds: [region.id] });
      expect(await statusOf(() => createCoordinator(user, coordinator))).toBe(403);
      expect(await statusOf(() => setCoordinatorRegions(user, coordinatorRegionsSchema.parse({ coordinatorId: user.id, regionIds: [region.id] })))).toBe(403);
      expect(await counts()).toEqual(after);
    }
    expect((await counts()).regions).toBe(before.regions);
  });
});
