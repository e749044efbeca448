import { sql } from "drizzle-orm";
import { ALL_SERVICES, BLOCKERS } from "@/lib/reference/services";
import type { Db } from "./index";
import { blockers, services } from "./schema";

/**
 * Brings the services and blockers tables in line with lib/reference/services.ts.
 * Reference data every deployment needs, so it runs with the migrations, not the seed.
 * A code that leaves the catalogue is marked inactive, never deleted (logs point at it).
 */
export async function syncCatalogue(db: Db): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.update(services).set({ active: false });
    await tx
      .insert(services)
      .values(ALL_SERVICES.map((s, i) => ({ code: s.code, stage: s.stage, nameId: s.nameId, nameEn: s.nameEn, sortOrder: i + 1, active: true })))
      .onConflictDoUpdate({
        target: services.code,
        set: {
          stage: sql`excluded.stage`,
          nameId: sql`excluded.name_id`,
          nameEn: sql`excluded.name_en`,
          sortOrder: sql`excluded.sort_order`,
          active: sql`true`,
        },
      });
    await tx
      .insert(blockers)
      .values(BLOCKERS.map((b, i) => ({ code: b.code, nameId: b.nameId, nameEn: b.nameEn, sortOrder: i + 1 })))
      .onConflictDoUpdate({
        target: blockers.code,
        set: { nameId: sql`excluded.name_id`, nameEn: sql`excluded.name_en`, sortOrder: sql`excluded.sort_order` },
      });
  });
}
