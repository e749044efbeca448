import "server-only";
import { eq, sql, type SQL } from "drizzle-orm";
import { forbidden } from "next/navigation";
import { db } from "@/db";
import { coordinatorRegions, regionProvinces } from "@/db/schema";
import { can, type Permission, type SessionUser } from "./permissions";

// Where a staff member may look: the PMO everywhere, a regional coordinator in the
// provinces of their regions (docs/decisions/028-regions.md). Read from the database on
// every call, not from the session: a region changed by the PMO takes effect at the
// coordinator's next request.

/** null: every province; a list (possibly empty): only these provinces. */
export type ProvinceScope = string[] | null;

/** The provinces of the regions a coordinator works for, sorted. */
export async function coordinatorProvinces(coordinatorId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ code: regionProvinces.provinceCode })
    .from(coordinatorRegions)
    .innerJoin(regionProvinces, eq(regionProvinces.regionId, coordinatorRegions.regionId))
    .where(eq(coordinatorRegions.userId, coordinatorId));
  return rows.map((r) => r.code).sort();
}

/**
 * The scope in which the viewer holds a permission: everywhere with its `:any` form, the
 * provinces of their regions with its `:region` form; 403 with neither.
 */
export async function requireScope(viewer: SessionUser | null | undefined, any: Permission, region: Permission): Promise<ProvinceScope> {
  if (can(viewer, any)) return null;
  if (viewer && can(viewer, region)) return coordinatorProvinces(viewer.id);
  forbidden();
}

/** A province column kept to a scope's list, in SQL (an empty list: nothing). */
export function provinceScope(provinces: string[], column: SQL): SQL {
  if (provinces.length === 0) return sql`false`;
  return sql`${column} in (${sql.join(
    provinces.map((p) => sql`${p}`),
    sql`, `,
  )})`;
}
