import "server-only";
import { sql } from "drizzle-orm";
import { db, executeRows } from "@/db";

// Sends to an outside API at an even pace shared by every worker: each send reserves the
// next free moment, 1/rate seconds after the previous one (one row per sender in
// send_pace, updated in one statement, so workers on several machines take turns), and
// waits for it. Evenly spaced sends stay under a limit measured over any one second,
// however the second is cut (the Cloud API's throughput per phone number).

/**
 * Waits until this send's turn. `perSecond` sends a second at most; returns the time
 * waited in ms.
 */
export async function awaitSendSlot(key: string, perSecond: number): Promise<number> {
  const spacingMs = 1000 / perSecond;
  const [row] = await executeRows<{ wait_ms: number }>(
    sql`insert into send_pace as s (key, next_at) values (${key}, clock_timestamp() + make_interval(secs => ${spacingMs / 1000}))
        on conflict (key) do update
          set next_at = greatest(s.next_at, clock_timestamp()) + make_interval(secs => ${spacingMs / 1000})
        returning greatest(0, extract(epoch from (s.next_at - make_interval(secs => ${spacingMs / 1000}) - clock_timestamp())) * 1000)::float8 as wait_ms`,
    db,
  );
  const wait = Math.max(0, Number(row?.wait_ms ?? 0));
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  return wait;
}
