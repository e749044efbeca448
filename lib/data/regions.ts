import "server-only";
import { and, asc, eq, inArray, ne, sql } from "drizzle-orm";
import { notFound } from "next/navigation";
import { db, executeRows, type Tx } from "@/db";
import { coordinatorRegions, regionProvinces, regions, users } from "@/db/schema";
import { maskPhone } from "@/lib/validation";
import type { CoordinatorRegionsInput, NewCoordinator, NewRegion, RegionUpdate } from "@/lib/validation/regions";
import type { IssuedCode } from "./activation";
import { recordAudit } from "./audit";
import { isUniqueViolation, pgErrorInfo } from "./db-errors";
import { requirePermission, type SessionUser } from "./permissions";
import { insertStaffAccount, setStaffDisabled, staffConstraintErrors, type StaffFieldErrors, type StatusChange } from "./staff";

// Regional offices (docs/decisions/028-regions.md): the PMO names a region and gives it
// provinces (each province in at most one region), and makes coordinators who work for
// one or more regions. What a coordinator may then see is decided by lib/data/scope.ts.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type RegionRow = {
  id: string;
  name: string;
  provinceCodes: string[];
  /** Participants whose province is in the region (from the dashboard's counters). */
  participants: number;
  /** Caseworkers whose province is in the region. */
  caseworkers: number;
  coordinators: { id: string; name: string }[];
};

export type CoordinatorRow = {
  id: string;
  name: string;
  email: string | null;
  phoneMasked: string | null;
  disabled: boolean;
  activated: boolean;
  regionIds: string[];
};

export type RegionsOverview = {
  regions: RegionRow[];
  /** Province codes in no region. */
  unplaced: string[];
  coordinators: CoordinatorRow[];
  /** Which region each placed province is in. */
  regionOfProvince: Record<string, string>;
};

/** Every region with its provinces, head counts and coordinators; every coordinator. */
export async function listRegions(viewer: SessionUser, allProvinces: string[]): Promise<RegionsOverview> {
  requirePermission(viewer, "manage:region:any");
  const [regionRows, placed, perProvince, caseworkersPerProvince, coordinatorRows, links] = await Promise.all([
    db.select({ id: regions.id, name: regions.name }).from(regions).orderBy(asc(regions.name)),
    db.select().from(regionProvinces),
    executeRows<{ province_code: string; n: number }>(sql`select province_code, sum(n)::int as n from dash_cohort group by 1`),
    db
      .select({ provinceCode: users.provinceCode, n: sql<number>`count(*)::int` })
      .from(users)
      .where(and(eq(users.role, "caseworker"), sql`${users.provinceCode} is not null`))
      .groupBy(users.provinceCode),
    db
      .select({
        id: users.id,
        name: users.name,
        email: users.email,
        phone: users.phone,
        disabledAt: users.disabledAt,
        activated: sql<boolean>`${users.passwordHash} is not null`,
      })
      .from(users)
      .where(eq(users.role, "coordinator"))
      .orderBy(sql`${users.disabledAt} is not null`, asc(users.name), asc(users.id)),
    db.select().from(coordinatorRegions),
  ]);
  const participantsIn = new Map(perProvince.map((r) => [r.province_code, r.n]));
  const caseworkersIn = new Map(caseworkersPerProvince.map((r) => [r.provinceCode!, r.n]));
  const regionOfProvince = Object.fromEntries(placed.map((p) => [p.provinceCode, p.regionId]));
  const coordinatorName = new Map(coordinatorRows.map((c) => [c.id, c.name]));
  const sum = (codes: string[], counts: Map<string, number>) => codes.reduce((n, c) => n + (counts.get(c) ?? 0), 0);
  return {
    regions: regionRows.map((r) => {
      const provinceCodes = placed.filter((p) => p.regionId === r.id).map((p) => p.provinceCode).sort();
      return {
        id: r.id,
        name: r.name,
        provinceCodes,
        participants: sum(provinceCodes, participantsIn),
        caseworkers: sum(provinceCodes, caseworkersIn),
        coordinators: links
          .filter((l) => l.regionId === r.id)
          .map((l) => ({ id: l.userId, name: coordinatorName.get(l.userId) ?? "" }))
          .sort((a, b) => a.name.localeCompare(b.name)),
      };
    }),
    unplaced: allProvinces.filter((code) => !(code in regionOfProvince)),
    coordinators: coordinatorRows.map((c) => ({
      id: c.id,
      name: c.name,
      email: c.email,
      phoneMasked: c.phone ? maskPhone(c.phone) : null,
      disabled: c.disabledAt !== null,
      activated: Boolean(c.activated),
      regionIds: links.filter((l) => l.userId === c.id).map((l) => l.regionId),
    })),
    regionOfProvince,
  };
}

export type RegionFieldErrors = Partial<Record<"name" | "provinceCodes" | "form", string[]>>;
export type RegionResult =
  | { ok: true; regionId: string; changed: boolean }
  | { ok: false; fieldErrors: RegionFieldErrors; taken?: { provinceCode: string; regionName: string }[] };

/** Provinces of the list that another region holds, with that region's name. */
async function takenElsewhere(tx: Tx, provinceCodes: string[], regionId: string | null) {
  if (provinceCodes.length === 0) return [];
  const held = await tx
    .select({ provinceCode: regionProvinces.provinceCode, regionName: regions.name })
    .from(regionProvinces)
    .innerJoin(regions, eq(regions.id, regionProvinces.regionId))
    .where(and(inArray(regionProvinces.provinceCode, provinceCodes), regionId ? ne(regionProvinces.regionId, regionId) : undefined))
    .for("update", { of: regionProvinces });
  return held.sort((a, b) => a.provinceCode.localeCompare(b.provinceCode));
}

function regionConstraintErrors(error: unknown): RegionResult | null {
  const info = pgErrorInfo(error);
  if (isUniqueViolation(info, "regions_name_key")) return { ok: false, fieldErrors: { name: ["region.nameTaken"] } };
  // Another PMO user placed the province in their region between the check and the insert.
  if (isUniqueViolation(info, "region_provinces_pkey")) return { ok: false, fieldErrors: { provinceCodes: ["region.provinceTaken"] } };
  return null;
}

/** A new region with its provinces; a province of another region is refused, by name. */
export async function createRegion(viewer: SessionUser, input: NewRegion): Promise<RegionResult> {
  requirePermission(viewer, "manage:region:any");
  try {
    return await db.transaction(async (tx): Promise<RegionResult> => {
      const taken = await takenElsewhere(tx, input.provinceCodes, null);
      if (taken.length > 0) return { ok: false, fieldErrors: { provinceCodes: ["region.provinceTaken"] }, taken };
      const [region] = await tx.insert(regions).values({ name: input.name }).returning({ id: regions.id });
      await tx.insert(regionProvinces).values(input.provinceCodes.map((provinceCode) => ({ provinceCode, regionId: region.id })));
      await recordAudit(tx, {
        actor: viewer,
        action: "region.create",
        entityType: "region",
        entityId: region.id,
        after: { name: input.name, provinceCodes: input.provinceCodes },
      });
      return { ok: true, regionId: region.id, changed: true };
    });
  } catch (error) {
    const refused = regionConstraintErrors(error);
    if (refused) return refused;
    throw error;
  }
}

/**
 * A region renamed and its provinces replaced by the given ones. A province leaving the
 * region is in none afterwards (its coordinators stop seeing it at once); a province of
 * another region is refused. 404 for an unknown region.
 */
export async function updateRegion(viewer: SessionUser, input: RegionUpdate): Promise<RegionResult> {
  requirePermission(viewer, "manage:region:any");
  if (!UUID.test(input.regionId)) notFound();
  let result: RegionResult | null;
  try {
    result = await db.transaction(async (tx): Promise<RegionResult | null> => {
      const [region] = await tx.select().from(regions).where(eq(regions.id, input.regionId)).for("update");
      if (!region) return null;
      const before = (await tx.select().from(regionProvinces).where(eq(regionProvinces.regionId, region.id)))
        .map((p) => p.provinceCode)
        .sort();
      const taken = await takenElsewhere(tx, input.provinceCodes, region.id);
      if (taken.length > 0) return { ok: false, fieldErrors: { provinceCodes: ["region.provinceTaken"] }, taken };
      const added = input.provinceCodes.filter((c) => !before.includes(c));
      const removed = before.filter((c) => !input.provinceCodes.includes(c));
      if (region.name === input.name && added.length === 0 && removed.length === 0) return { ok: true, regionId: region.id, changed: false };
      if (region.name !== input.name) await tx.update(regions).set({ name: input.name, updatedAt: new Date() }).where(eq(regions.id, region.id));
      if (removed.length > 0) {
        await tx.delete(regionProvinces).where(and(eq(regionProvinces.regionId, region.id), inArray(regionProvinces.provinceCode, removed)));
      }
      if (added.length > 0) await tx.insert(regionProvinces).values(added.map((provinceCode) => ({ provinceCode, regionId: region.id })));
      await recordAudit(tx, {
        actor: viewer,
        action: "region.update",
        entityType: "region",
        entityId: region.id,
        before: { name: region.name, provinceCodes: before },
        after: { name: input.name, provinceCodes: input.provinceCodes },
      });
      return { ok: true, regionId: region.id, changed: true };
    });
  } catch (error) {
    const refused = regionConstraintErrors(error);
    if (refused) return refused;
    throw error;
  }
  if (!result) notFound();
  return result;
}

export type CoordinatorFieldErrors = StaffFieldErrors & { regionIds?: string[] };
export type CreateCoordinatorResult =
  | { ok: true; userId: string; activation: IssuedCode }
  | { ok: false; fieldErrors: CoordinatorFieldErrors };

/** Region ids of the list that exist (locked against deletion until the transaction ends). */
async function knownRegions(tx: Tx, regionIds: string[]) {
  if (regionIds.length === 0) return [];
  return tx.select({ id: regions.id, name: regions.name }).from(regions).where(inArray(regions.id, regionIds)).for("share");
}

/**
 * A new regional coordinator for one or more regions: an account like a caseworker's
 * (no password; a one-time activation code shown once), audited as coordinator.create
 * with the regions' names.
 */
export async function createCoordinator(viewer: SessionUser, input: NewCoordinator): Promise<CreateCoordinatorResult> {
  requirePermission(viewer, "manage:region:any");
  try {
    return await db.transaction(async (tx): Promise<CreateCoordinatorResult> => {
      const known = await knownRegions(tx, input.regionIds);
      if (known.length !== input.regionIds.length) return { ok: false, fieldErrors: { regionIds: ["coordinator.unknownRegion"] } };
      const created = await insertStaffAccount(
        tx,
        viewer,
        { role: "coordinator", name: input.name, email: input.email, phone: input.phone },
        { regions: known.map((r) => r.name).sort() },
      );
      if (!created.ok) return created;
      await tx.insert(coordinatorRegions).values(input.regionIds.map((regionId) => ({ userId: created.userId, regionId })));
      return created;
    });
  } catch (error) {
    const fieldErrors = staffConstraintErrors(error);
    if (fieldErrors) return { ok: false, fieldErrors };
    throw error;
  }
}

export type CoordinatorRegionsResult = { ok: true; changed: boolean; name: string } | { ok: false; fieldErrors: CoordinatorFieldErrors };

/** The regions a coordinator works for, replaced; audited with the names before and after. 404 for a non-coordinator. */
export async function setCoordinatorRegions(viewer: SessionUser, input: CoordinatorRegionsInput): Promise<CoordinatorRegionsResult> {
  requirePermission(viewer, "manage:region:any");
  if (!UUID.test(input.coordinatorId)) notFound();
  const result = await db.transaction(async (tx): Promise<CoordinatorRegionsResult | null> => {
    const [account] = await tx
      .select({ id: users.id, name: users.name })
      .from(users)
      .where(and(eq(users.id, input.coordinatorId), eq(users.role, "coordinator")))
      .for("update");
    if (!account) return null;
    const known = await knownRegions(tx, input.regionIds);
    if (known.length !== input.regionIds.length) return { ok: false, fieldErrors: { regionIds: ["coordinator.unknownRegion"] } };
    const current = await tx
      .select({ id: regions.id, name: regions.name })
      .from(coordinatorRegions)
      .innerJoin(regions, eq(regions.id, coordinatorRegions.regionId))
      .where(eq(coordinatorRegions.userId, account.id));
    const same = current.length === known.length && current.every((c) => input.regionIds.includes(c.id));
    if (same) return { ok: true, changed: false, name: account.name };
    await tx.delete(coordinatorRegions).where(eq(coordinatorRegions.userId, account.id));
    await tx.insert(coordinatorRegions).values(input.regionIds.map((regionId) => ({ userId: account.id, regionId })));
    await recordAudit(tx, {
      actor: viewer,
      action: "coordinator.regions",
      entityType: "user",
      entityId: account.id,
      before: { regions: current.map((r) => r.name).sort() },
      after: { regions: known.map((r) => r.name).sort() },
    });
    return { ok: true, changed: true, name: account.name };
  });
  if (!result) notFound();
  return result;
}

/**
 * Disables a coordinator's account and ends its sessions at once (the session version),
 * or enables it again; their regions stay as they were. 404 for a non-coordinator.
 */
export function setCoordinatorDisabled(viewer: SessionUser, coordinatorId: string, disable: boolean): Promise<StatusChange> {
  return setStaffDisabled(viewer, "coordinator", coordinatorId, disable);
}
