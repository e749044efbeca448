import path from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// PMO reporting reads from read replicas when DATABASE_REPLICA_URLS is set (db/index.ts).
// Here the "replica" is a second database that nothing replicates into, so every read
// shows where it went: the dashboard must read the replica's target, and setting a target
// must write the primary only. PostgreSQL only (PGlite has no replicas).
const primaryUrl = process.env.DATABASE_URL;
const replicaUrl = primaryUrl ? primaryUrl.replace(/\/([^/?]+)(\?|$)/, "/$1_replica$2") : "";
const admin = primaryUrl ? postgres(primaryUrl.replace(/\/([^/?]+)(\?|$)/, "/postgres$2"), { max: 1, onnotice: () => {} }) : null;
const replicaName = replicaUrl.match(/\/([^/?]+)(\?|$)/)?.[1] ?? "";

describe.skipIf(!primaryUrl)("read replicas", () => {
  let replica: postgres.Sql;
  let mod: typeof import("./index");

  beforeAll(async () => {
    await admin!.unsafe(`drop database if exists "${replicaName}" with (force)`);
    await admin!.unsafe(`create database "${replicaName}"`);
    replica = postgres(replicaUrl, { max: 1, onnotice: () => {} });
    const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");
    await migrate(drizzle({ client: replica }), { migrationsFolder });
    process.env.DATABASE_REPLICA_URLS = replicaUrl;
    mod = await import("./index");
    await (await import("./test-utils")).freshDatabase();
  });

  afterAll(async () => {
    await mod?.closeDb();
    await replica?.end();
    await admin!.unsafe(`drop database if exists "${replicaName}" with (force)`);
    await admin!.end();
  });

  it("sends the dashboard's reads to the replica and the target's write to the primary", async () => {
    const { createTestUser } = await import("./test-utils");
    const { getDashboard, setTarget } = await import("@/lib/data/programme");
    const pmo = await createTestUser("pmo");
    await replica`insert into targets (month, count) values ('2021-06', 777)`;
    await setTarget(pmo, { month: "2021-06", count: 23 });

    const d = await getDashboard(pmo, { from: "2021-06", to: "2021-06" });
    expect(d.perMonth.map((m) => [m.month, m.target])).toEqual([["2021-06", 777]]);

    const onPrimary = (await mod.db.execute(sql`select count from targets where month = '2021-06'`)) as unknown as { count: number }[];
    expect([...onPrimary].map((r) => r.count)).toEqual([23]);
    const onReplica = await replica`select count from targets where month = '2021-06'`;
    expect(onReplica.map((r) => r.count)).toEqual([777]);
  });

  it("streams the export from a cursor on the replica, and audits it on the primary", async () => {
    const { createTestUser } = await import("./test-utils");
    const { exportParticipants } = await import("@/lib/data/pmo-participants");
    const { parseParticipantFilter } = await import("@/lib/validation/pmo-participants");
    const pmo = await createTestUser("pmo");
    const { sealedIdentity } = await import("@/lib/testing/sealed");
    const { makeNik } = await import("@/lib/testing/identity");
    const id = sealedIdentity(makeNik({ birthDate: "1990-01-01", sex: "L" }));
    // Only the replica has this participant (the counters there follow by trigger).
    await replica`
      insert into participants (full_name, nik_hash, nik_enc, nik_last4, birth_date, sex, province_code, migrant_status, source)
      values ('Hanya Di Replika', ${id.nikHash}, ${id.nikEnc}, ${id.nikLast4}, '1990-01-01', 'L', '31', 'calon', 'import')`;
    const file = await exportParticipants(pmo, parseParticipantFilter({}), { batchSize: 2 });
    expect(file.rowCount).toBe(1);
    const csv = await new Response(file.stream).text();
    expect(csv).toContain("Hanya Di Replika");
    expect(csv.trim().split("\r\n")).toHaveLength(2);
    const events = (await mod.db.execute(sql`select action from audit_events where action = 'participant.export'`)) as unknown as unknown[];
    expect([...events]).toHaveLength(1);
  });

  it("keeps writes, transactions and case files on the primary", async () => {
    expect(mod.readDb).not.toBe(mod.db);
    const [row] = (await replica`select count(*)::int as n from audit_events`) as unknown as { n: number }[];
    expect(row.n).toBe(0);
  });
});
