// The PMO dashboard's counters (migrations 0006, 0015, 0016, 0017 and 0024) against a full count of the rows they
// count: both as sorted "table|key…|n" lines, so a test can compare them whole.
import { sql, type SQL } from "drizzle-orm";
import { db } from "@/db";

const month = (column: SQL) => sql`to_char(${column} at time zone 'Asia/Jakarta', 'YYYY-MM-01')`;
const DIMS = sql`p.province_code as pc, p.migrant_status as ms, p.source as src, coalesce(p.cohort, '') as co`;
// Services are what caseworkers gave: the Prakerja PMO's reported facts are not counted.
const IN_FORCE = sql`l.source = 'caseworker' and not exists (select 1 from service_logs c where c.corrects_id = l.id)`;
const OPEN = sql`p.stage not in ('completed', 'withdrawn')`;
/** A stage's place on the journey; null for withdrawn (and for no stage). */
const ORDINAL = (stage: SQL) =>
  sql`(case ${stage} when 'registration' then 1 when 'training' then 2 when 'lms' then 3 when 'completed' then 4 end)`;

/** A stage change `s` of participant `p` that moves them forward (registration → … → completed). */
const FORWARD = sql`${ORDINAL(sql`s.to_stage`)} > ${ORDINAL(sql`s.from_stage`)}`;
/**
 * The Jakarta days from the change before `s` (found by a subquery, not a window as the
 * trigger does), or from the registration when there is none, to `s`.
 */
const MOVE_DAYS = sql`(s.created_at at time zone 'Asia/Jakarta')::date - (coalesce(
    (select max(e.created_at) from stage_changes e
     where e.participant_id = s.participant_id and (e.created_at, e.id) < (s.created_at, s.id)),
    p.created_at) at time zone 'Asia/Jakarta')::date`;

/** Every counter from a full count, as "table|key…|n" lines, sorted. */
export async function fullCount(): Promise<string[]> {
  const queries: [string, SQL][] = [
    ["dash_cohort", sql`select ${month(sql`p.created_at`)} as m, ${DIMS}, p.stage, count(*) as n from participants p group by 1, 2, 3, 4, 5, 6`],
    [
      "dash_country",
      sql`select ${month(sql`p.created_at`)} as m, ${DIMS}, coalesce(p.country_code, '') as cc, count(*) as n from participants p group by 1, 2, 3, 4, 5, 6`,
    ],
    [
      // The Monday of the registration's ISO week in Jakarta time, computed here from the
      // day of the week rather than with date_trunc as the trigger does.
      "dash_weekly",
      sql`select to_char((p.created_at at time zone 'Asia/Jakarta')::date - (extract(isodow from p.created_at at time zone 'Asia/Jakarta')::int - 1), 'YYYY-MM-DD') as w,
            ${month(sql`p.created_at`)} as m, ${DIMS}, count(*) as n from participants p group by 1, 2, 3, 4, 5, 6`,
    ],
    [
      "dash_reached",
      sql`select ${month(sql`p.created_at`)} as m, ${DIMS}, s.stage, count(distinct p.id) as n from participants p
          join (select participant_id as id, to_stage as stage from stage_changes union select id, stage from participants) s on s.id = p.id
          group by 1, 2, 3, 4, 5, 6`,
    ],
    [
      "dash_spells",
      sql`select ${month(sql`p.created_at`)} as m, ${DIMS}, x.stage, x.days, count(*) as n from participants p
          join (select participant_id, to_stage as stage,
                  (lead(created_at) over (partition by participant_id order by created_at, id) at time zone 'Asia/Jakarta')::date
                  - (created_at at time zone 'Asia/Jakarta')::date as days
                from stage_changes) x on x.participant_id = p.id
          where x.days is not null group by 1, 2, 3, 4, 5, 6, 7`,
    ],
    [
      "dash_services",
      sql`select to_char(l.occurred_on, 'YYYY-MM-01') as m, ${DIMS}, coalesce(l.blocker_code, '') as bc, count(*) as n from service_logs l
          join participants p on p.id = l.participant_id where ${IN_FORCE} group by 1, 2, 3, 4, 5, 6`,
    ],
    [
      "dash_caseworker_services",
      sql`select to_char(l.occurred_on, 'YYYY-MM-01') as m, l.caseworker_id, ${DIMS}, count(*) as n from service_logs l
          join participants p on p.id = l.participant_id where ${IN_FORCE} group by 1, 2, 3, 4, 5, 6`,
    ],
    [
      // Forward moves by whoever recorded them, with their days (MOVE_DAYS).
      "dash_caseworker_moves",
      sql`select ${month(sql`s.created_at`)} as m, s.changed_by, ${DIMS}, ${MOVE_DAYS} as days, count(*) as n
          from stage_changes s join participants p on p.id = s.participant_id
          where s.changed_by is not null and ${FORWARD} group by 1, 2, 3, 4, 5, 6, 7`,
    ],
    [
      // The same moves without the dimensions, for caseworkers only: one line per month,
      // caseworker and days.
      "dash_caseworker_move_days",
      sql`select ${month(sql`s.created_at`)} as m, s.changed_by, ${MOVE_DAYS} as days, count(*) as n
          from stage_changes s join participants p on p.id = s.participant_id
          join users u on u.id = s.changed_by and u.role = 'caseworker'
          where ${FORWARD} group by 1, 2, 3`,
    ],
    [
      // And with the participants' dimensions: one line per month, caseworker, dimensions and days.
      "dash_caseworker_move_days_by",
      sql`select ${month(sql`s.created_at`)} as m, s.changed_by, ${DIMS}, ${MOVE_DAYS} as days, count(*) as n
          from stage_changes s join participants p on p.id = s.participant_id
          join users u on u.id = s.changed_by and u.role = 'caseworker'
          where ${FORWARD} group by 1, 2, 3, 4, 5, 6, 7`,
    ],
    [
      // Open help requests of assigned participants, by caseworker and dimensions.
      "dash_help_open",
      sql`select p.caseworker_id, ${DIMS}, count(*) as n from help_requests h join participants p on p.id = h.participant_id
          where h.status = 'open' and p.caseworker_id is not null group by 1, 2, 3, 4, 5`,
    ],
    [
      "dash_caseload",
      sql`select p.caseworker_id, ${DIMS}, count(*) as n, count(*) filter (where ${OPEN} and p.next_follow_up_on is not null) as f
          from participants p where p.caseworker_id is not null group by 1, 2, 3, 4, 5`,
    ],
    [
      "dash_follow_ups",
      sql`select p.next_follow_up_on::text as fu, p.caseworker_id, ${DIMS}, count(*) as n from participants p
          where p.caseworker_id is not null and p.next_follow_up_on is not null and ${OPEN} group by 1, 2, 3, 4, 5, 6`,
    ],
  ];
  const lines: string[] = [];
  for (const [table, query] of queries) {
    const result = await db.execute(query);
    const list = (Array.isArray(result) ? result : (result as { rows: Record<string, unknown>[] }).rows) as Record<string, unknown>[];
    for (const r of list) lines.push([table, ...Object.values(r).map(String)].join("|"));
  }
  return lines.sort();
}

/** The counters as kept, in the same form (rows that came down to zero left out). */
export async function dashboardCounters(): Promise<string[]> {
  const keyed: [string, SQL][] = [
    ["dash_cohort", sql`select month::text, province_code, migrant_status, source, cohort, stage, n from dash_cohort where n <> 0`],
    ["dash_country", sql`select month::text, province_code, migrant_status, source, cohort, country_code, n from dash_country where n <> 0`],
    ["dash_weekly", sql`select week::text, month::text, province_code, migrant_status, source, cohort, n from dash_weekly where n <> 0`],
    ["dash_reached", sql`select month::text, province_code, migrant_status, source, cohort, stage, n from dash_reached where n <> 0`],
    ["dash_spells", sql`select month::text, province_code, migrant_status, source, cohort, stage, days, n from dash_spells where n <> 0`],
    ["dash_services", sql`select month::text, province_code, migrant_status, source, cohort, blocker_code, n from dash_services where n <> 0`],
    [
      "dash_caseworker_services",
      sql`select month::text, caseworker_id, province_code, migrant_status, source, cohort, n from dash_caseworker_services where n <> 0`,
    ],
    [
      "dash_caseworker_moves",
      sql`select month::text, caseworker_id, province_code, migrant_status, source, cohort, days, n from dash_caseworker_moves where n <> 0`,
    ],
    [
      "dash_caseworker_move_days",
      sql`select month::text, caseworker_id, (u.i - 1)::int as days, u.n from dash_caseworker_move_days,
            unnest(counts) with ordinality as u(n, i) where coalesce(u.n, 0) <> 0`,
    ],
    [
      "dash_caseworker_move_days_by",
      sql`select month::text, caseworker_id, province_code, migrant_status, source, cohort, (u.i - 1)::int as days, u.n
            from dash_caseworker_move_days_by, unnest(counts) with ordinality as u(n, i) where coalesce(u.n, 0) <> 0`,
    ],
    ["dash_help_open", sql`select caseworker_id, province_code, migrant_status, source, cohort, n from dash_help_open where n <> 0`],
    [
      "dash_caseload",
      sql`select caseworker_id, province_code, migrant_status, source, cohort, n, n_follow_up from dash_caseload where n <> 0 or n_follow_up <> 0`,
    ],
    [
      "dash_follow_ups",
      sql`select follow_up_on::text, caseworker_id, province_code, migrant_status, source, cohort, n from dash_follow_ups where n <> 0`,
    ],
  ];
  const lines: string[] = [];
  for (const [table, query] of keyed) {
    const result = await db.execute(query);
    const list = (Array.isArray(result) ? result : (result as { rows: Record<string, unknown>[] }).rows) as Record<string, unknown>[];
    for (const r of list) lines.push([table, ...Object.values(r).map(String)].join("|"));
  }
  return lines.sort();
}


/** The lines the counters lack, and the lines they have too many. */
export async function countersDrift(): Promise<{ missing: string[]; extra: string[] }> {
  const [want, have] = [await fullCount(), await dashboardCounters()];
  return { missing: want.filter((line) => !have.includes(line)), extra: have.filter((line) => !want.includes(line)) };
}
