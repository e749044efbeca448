// The bench's Prakerja status figure (scripts/bench.mts --only prakerja-status): a batch of
// status events over the scale database's participants, as the Prakerja PMO would send
// it, applied through the data layer's job path; the plain SQL of the same updates beside
// it; and everything taken out again afterwards.
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import type postgres from "postgres";

type Kind = "card_received" | "training_bought" | "training_completed" | "lms_completed";
const JOURNEY: Kind[] = ["card_received", "training_bought", "training_completed", "lms_completed"];
const COLUMN = { card_received: "card", training_bought: "bought", training_completed: "trained", lms_completed: "lms" } as const;

export type BenchEvent = { nik: string; event: Kind; occurred_on: string; provider?: string };

type Sampled = {
  id: string;
  nik_enc: string;
  reg: string;
  card: string | null;
  bought: string | null;
  trained: string | null;
  lms: string | null;
};

/** A seeded generator (mulberry32), so a run can be replayed. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const later = (a: string | null, b: string) => (a !== null && a > b ? a : b);

/**
 * The batch: for ~85 % of the events a participant's next milestone (the first empty one,
 * dated on the latest recorded one or the registration), ~5 % a second step for the same
 * participant, ~5 % an earlier event of the batch again (duplicates), ~5 % NIKs nobody
 * has. Also writes bench_prakerja_before: the sampled participants as they were.
 */
export async function prakerjaBatchFor(
  sql: postgres.Sql,
  size: number,
  openNik: (row: { nikEnc: string | null }) => string | null,
  today: string,
): Promise<{ events: BenchEvent[]; participants: number }> {
  const rnd = random(20261204);
  const distinct = Math.round(size * 0.85);
  await sql`drop table if exists bench_prakerja_before`;
  await sql`
    create table bench_prakerja_before as
    select p.id, p.stage, p.stage_changed_at, p.version, p.updated_at,
           p.card_received_on, p.training_bought_on, p.training_completed_on, p.lms_completed_on
    from participants p
    where p.erased_at is null and p.stage <> 'withdrawn' and p.nik_enc is not null
    order by md5(p.id::text || 'prakerja-bench')
    limit ${distinct}`;
  const sample = await sql<Sampled[]>`
    select p.id, p.nik_enc, (p.created_at at time zone 'Asia/Jakarta')::date::text as reg,
           p.card_received_on::text as card, p.training_bought_on::text as bought,
           p.training_completed_on::text as trained, p.lms_completed_on::text as lms
    from participants p join bench_prakerja_before b on b.id = p.id order by p.id`;
  const events: BenchEvent[] = [];
  const next = (s: Sampled): BenchEvent | null => {
    const kind = JOURNEY.find((k) => s[COLUMN[k]] === null);
    if (!kind) return null;
    let date = s.reg;
    for (const k of JOURNEY) date = later(s[COLUMN[k]], date);
    if (date > today) return null;
    s[COLUMN[kind]] = date;
    return { nik: openNik({ nikEnc: s.nik_enc })!, event: kind, occurred_on: date, ...(kind === "training_bought" ? { provider: "Bench Platform" } : {}) };
  };
  for (const s of sample) {
    const e = next(s);
    if (e) events.push(e);
  }
  const seconds = Math.round(size * 0.05);
  for (let i = 0; i < seconds && events.length < size; i++) {
    const e = next(sample[Math.floor(rnd() * sample.length)]);
    if (e) events.push(e);
  }
  for (let i = 0; i < seconds && events.length < size; i++) events.push({ ...events[Math.floor(rnd() * events.length)] });
  // NIKs of nobody: a serial no seed uses (9900–9999) on a valid-looking NIK.
  while (events.length < size) {
    const day = String(1 + Math.floor(rnd() * 28)).padStart(2, "0");
    events.push({ nik: `317401${day}0190${9900 + Math.floor(rnd() * 100)}`, event: "card_received", occurred_on: "2021-06-10" });
  }
  // Shuffle, so that a participant's two steps are not side by side.
  for (let i = events.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [events[i], events[j]] = [events[j], events[i]];
  }
  // Two steps of one participant: keep the journey's order within the batch.
  const seen = new Map<string, number>();
  for (let i = 0; i < events.length; i++) {
    const first = seen.get(events[i].nik);
    if (first === undefined) seen.set(events[i].nik, i);
    else if (JOURNEY.indexOf(events[i].event) < JOURNEY.indexOf(events[first].event)) [events[i], events[first]] = [events[first], events[i]];
  }
  return { events, participants: sample.length };
}

/**
 * The plain SQL of the same updates, in one transaction rolled back: events COPY'd into a
 * temp table (hashed), matched by nik_hash, the first of each (participant, event) whose
 * milestone is empty applied, one UPDATE, one INSERT of moves, one of logs. Without the
 * data layer's order checks and per-event answers: its floor. Returns ms and rows.
 */
export async function plainPrakerjaApply(
  sql: postgres.Sql,
  events: BenchEvent[],
  identityHash: (nik: string) => string,
): Promise<{ ms: number; applied: number; moves: number }> {
  class Rollback extends Error {}
  const rows = events.map((e, i) => [i, identityHash(e.nik), e.event, e.occurred_on, e.provider ?? null]);
  let applied = 0;
  let moves = 0;
  const t0 = performance.now();
  await sql
    .begin(async (tx) => {
      await tx`create temp table ev (i int, h text, e text, d date, provider text) on commit drop`;
      await tx`insert into ev select * from unnest(${rows.map((r) => r[0]) as number[]}::int[], ${rows.map((r) => r[1]) as string[]}::text[],
               ${rows.map((r) => r[2]) as string[]}::text[], ${rows.map((r) => r[3]) as string[]}::date[], ${rows.map((r) => r[4]) as string[]}::text[])`;
      await tx`
        create temp table hit on commit drop as
        select distinct on (p.id, ev.e) p.id, ev.e, ev.d, ev.provider, p.stage
        from ev join participants p on p.nik_hash = ev.h
        where p.erased_at is null and p.stage <> 'withdrawn' and ev.d >= (p.created_at at time zone 'Asia/Jakarta')::date
          and case ev.e when 'card_received' then p.card_received_on when 'training_bought' then p.training_bought_on
                        when 'training_completed' then p.training_completed_on else p.lms_completed_on end is null
        order by p.id, ev.e, ev.i`;
      await tx`
        create temp table moved on commit drop as
        select id, min(stage) as old,
               (array['registration', 'training', 'lms', 'completed'])[greatest(
                 array_position(array['registration', 'training', 'lms', 'completed'], min(stage)),
                 max(case e when 'card_received' then 1 when 'training_bought' then 2 when 'training_completed' then 3 else 4 end))] as new,
               min(d) filter (where e = 'card_received') as card, min(d) filter (where e = 'training_bought') as bought,
               min(d) filter (where e = 'training_completed') as trained, min(d) filter (where e = 'lms_completed') as lms
        from hit group by id`;
      await tx`
        update participants p set card_received_on = coalesce(m.card, p.card_received_on), training_bought_on = coalesce(m.bought, p.training_bought_on),
               training_completed_on = coalesce(m.trained, p.training_completed_on), lms_completed_on = coalesce(m.lms, p.lms_completed_on),
               stage = m.new, stage_changed_at = case when m.new <> p.stage then now() else p.stage_changed_at end,
               version = p.version + 1, updated_at = now()
        from moved m where p.id = m.id`;
      const client = randomUUID();
      await tx`insert into api_clients (id, name, organisation, scopes, key_prefix, secret_hash)
               values (${client}, 'Bench plain', 'Bench plain', array['prakerja-status:write'], ${`pk_${client.slice(0, 8)}`}, ${client.replace(/-/g, "").padEnd(64, "0")})`;
      moves = (await tx`insert into stage_changes (participant_id, from_stage, to_stage, api_client_id)
                        select id, old, new, ${client} from moved where new <> old`).count;
      applied = (await tx`
        insert into service_logs (participant_id, source, api_client_id, service_code, occurred_on, outcome, notes)
        select id, 'prakerja', ${client},
               case e when 'card_received' then 'card_received' when 'training_bought' then 'training_bought'
                      when 'training_completed' then 'modules_completed' else 'certificate_issued' end, d, 'done', provider
        from hit`).count;
      throw new Rollback();
    })
    .catch((error) => {
      if (!(error instanceof Rollback)) throw error;
    });
  return { ms: performance.now() - t0, applied, moves };
}

/**
 * Takes the bench's batch out again: its logs and moves (replica mode: the service log and
 * the stage changes are append-only), the participants' columns as they were, the batch,
 * its key, jobs and audit events, and the client. The counters the moves changed (cohort by
 * stage, the journey) are taken off with dash_apply before and put back after, as the
 * triggers would.
 */
export async function undoPrakerjaBatch(sql: postgres.Sql, clientId: string, auditBefore: string | null): Promise<{ participants: number }> {
  return sql.begin(async (tx) => {
    await tx`create temp table touched on commit drop as
             select b.* from bench_prakerja_before b join participants p on p.id = b.id where p.version <> b.version`;
    await tx`select dash_apply(p, '{}', '{}', null, array['row', 'journey']) from participants p where p.id in (select id from touched) order by p.id`;
    await tx`set local session_replication_role = replica`;
    await tx`delete from service_logs where api_client_id = ${clientId}`;
    await tx`delete from stage_changes where api_client_id = ${clientId}`;
    const restored = await tx`
      update participants p set stage = b.stage, stage_changed_at = b.stage_changed_at, version = b.version, updated_at = b.updated_at,
             card_received_on = b.card_received_on, training_bought_on = b.training_bought_on,
             training_completed_on = b.training_completed_on, lms_completed_on = b.lms_completed_on
      from touched b where p.id = b.id`;
    const batches = await tx<{ id: string }[]>`delete from prakerja_batches where api_client_id = ${clientId} returning id`;
    for (const table of ["job", "archive"]) {
      const [{ present }] = await tx<{ present: boolean }[]>`select to_regclass(${`pgboss.${table}`}) is not null as present`;
      if (present && batches.length > 0) {
        await tx`delete from ${tx("pgboss")}.${tx(table)} where name in ('prakerja-status', 'prakerja-status-failed')
                 and data ->> 'batchId' in ${tx(batches.map((b) => b.id))}`;
      }
    }
    await tx`delete from prakerja_idempotency where api_client_id = ${clientId}`;
    await tx`delete from audit_events where id > ${auditBefore ?? 0}::bigint`;
    await tx`delete from api_clients where id = ${clientId}`;
    await tx`set local session_replication_role = origin`;
    await tx`select dash_apply(null::participants, '{}', '{}', p, array['row', 'journey']) from participants p where p.id in (select id from touched) order by p.id`;
    await tx`drop table bench_prakerja_before`;
    return { participants: restored.count };
  });
}
