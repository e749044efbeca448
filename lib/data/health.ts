import "server-only";
import { sql } from "drizzle-orm";
import { db } from "@/db";

/** True when the database answers a trivial query within two seconds. */
export async function checkDatabase(): Promise<boolean> {
  try {
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("timeout")), 2000));
    await Promise.race([db.execute(sql`select 1`), timeout]);
    return true;
  } catch {
    return false;
  }
}
