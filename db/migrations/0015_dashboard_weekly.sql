CREATE TABLE "dash_weekly" (
	"week" date NOT NULL,
	"month" date NOT NULL,
	"province_code" text NOT NULL,
	"migrant_status" text NOT NULL,
	"source" text NOT NULL,
	"cohort" text NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "dash_weekly_week_month_province_code_migrant_status_source_cohort_pk" PRIMARY KEY("week","month","province_code","migrant_status","source","cohort")
);
--> statement-breakpoint
-- The dashboard's weekly registrations (dash_weekly, docs/decisions/013), kept by
-- the same triggers as the other counters: dash_apply's 'row' part (participants updated
-- or deleted, and scripts/scale/remove.ts), dash_on_participants_inserted, and
-- dash_rebuild(). The three functions are those of migration 0006 with dash_weekly added.

-- The Monday of the Jakarta-time (UTC+7, no daylight saving) ISO week of a moment.
CREATE OR REPLACE FUNCTION dash_week(at timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT date_trunc('week', (at AT TIME ZONE 'UTC') + interval '7 hours')::date
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION dash_apply(o participants, o_changes uuid[], o_logs uuid[], n participants, parts text[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  o_in boolean := o.id IS NOT NULL;
  n_in boolean := n.id IS NOT NULL;
  o_open boolean := o.stage NOT IN ('completed', 'withdrawn');
  n_open boolean := n.stage NOT IN ('completed', 'withdrawn');
BEGIN
  IF 'row' = ANY (parts) THEN
    INSERT INTO dash_cohort AS t (month, province_code, migrant_status, source, cohort, stage, n)
    SELECT d.month, d.pc, d.ms, d.src, d.co, d.stage, sum(d.s)::int FROM (
      SELECT dash_month(o.created_at) AS month, o.province_code AS pc, o.migrant_status AS ms, o.source AS src,
             coalesce(o.cohort, '') AS co, o.stage AS stage, -1 AS s WHERE o_in
      UNION ALL
      SELECT dash_month(n.created_at), n.province_code, n.migrant_status, n.source, coalesce(n.cohort, ''), n.stage, 1 WHERE n_in
    ) d GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(d.s) <> 0 ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (month, province_code, migrant_status, source, cohort, stage) DO UPDATE SET n = t.n + excluded.n;

    INSERT INTO dash_country AS t (month, province_code, migrant_status, source, cohort, country_code, n)
    SELECT d.month, d.pc, d.ms, d.src, d.co, d.cc, sum(d.s)::int FROM (
      SELECT dash_month(o.created_at) AS month, o.province_code AS pc, o.migrant_status AS ms, o.source AS src,
             coalesce(o.cohort, '') AS co, coalesce(o.country_code, '') AS cc, -1 AS s WHERE o_in
      UNION ALL
      SELECT dash_month(n.created_at), n.province_code, n.migrant_status, n.source, coalesce(n.cohort, ''),
             coalesce(n.country_code, ''), 1 WHERE n_in
    ) d GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(d.s) <> 0 ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (month, province_code, migrant_status, source, cohort, country_code) DO UPDATE SET n = t.n + excluded.n;

    INSERT INTO dash_caseload AS t (caseworker_id, province_code, migrant_status, source, cohort, n, n_follow_up)
    SELECT d.cw, d.pc, d.ms, d.src, d.co, sum(d.s)::int, sum(d.f)::int FROM (
      SELECT o.caseworker_id AS cw, o.province_code AS pc, o.migrant_status AS ms, o.source AS src,
             coalesce(o.cohort, '') AS co, -1 AS s,
             CASE WHEN o_open AND o.next_follow_up_on IS NOT NULL THEN -1 ELSE 0 END AS f
      WHERE o_in AND o.caseworker_id IS NOT NULL
      UNION ALL
      SELECT n.caseworker_id, n.province_code, n.migrant_status, n.source, coalesce(n.cohort, ''), 1,
             CASE WHEN n_open AND n.next_follow_up_on IS NOT NULL THEN 1 ELSE 0 END
      WHERE n_in AND n.caseworker_id IS NOT NULL
    ) d GROUP BY 1, 2, 3, 4, 5 HAVING sum(d.s) <> 0 OR sum(d.f) <> 0 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (caseworker_id, province_code, migrant_status, source, cohort)
      DO UPDATE SET n = t.n + excluded.n, n_follow_up = t.n_follow_up + excluded.n_follow_up;

    INSERT INTO dash_follow_ups AS t (follow_up_on, caseworker_id, province_code, migrant_status, source, cohort, n)
    SELECT d.fu, d.cw, d.pc, d.ms, d.src, d.co, sum(d.s)::int FROM (
      SELECT o.next_follow_up_on AS fu, o.caseworker_id AS cw, o.province_code AS pc, o.migrant_status AS ms,
             o.source AS src, coalesce(o.cohort, '') AS co, -1 AS s
      WHERE o_in AND o_open AND o.caseworker_id IS NOT NULL AND o.next_follow_up_on IS NOT NULL
      UNION ALL
      SELECT n.next_follow_up_on, n.caseworker_id, n.province_code, n.migrant_status, n.source, coalesce(n.cohort, ''), 1
      WHERE n_in AND n_open AND n.caseworker_id IS NOT NULL AND n.next_follow_up_on IS NOT NULL
    ) d GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(d.s) <> 0 ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (follow_up_on, caseworker_id, province_code, migrant_status, source, cohort) DO UPDATE SET n = t.n + excluded.n;

    INSERT INTO dash_weekly AS t (week, month, province_code, migrant_status, source, cohort, n)
    SELECT d.week, d.month, d.pc, d.ms, d.src, d.co, sum(d.s)::int FROM (
      SELECT dash_week(o.created_at) AS week, dash_month(o.created_at) AS month, o.province_code AS pc,
             o.migrant_status AS ms, o.source AS src, coalesce(o.cohort, '') AS co, -1 AS s WHERE o_in
      UNION ALL
      SELECT dash_week(n.created_at), dash_month(n.created_at), n.province_code, n.migrant_status, n.source,
             coalesce(n.cohort, ''), 1 WHERE n_in
    ) d GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(d.s) <> 0 ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (week, month, province_code, migrant_status, source, cohort) DO UPDATE SET n = t.n + excluded.n;
  END IF;

  IF 'journey' = ANY (parts) THEN
    INSERT INTO dash_reached AS t (month, province_code, migrant_status, source, cohort, stage, n)
    SELECT d.month, d.pc, d.ms, d.src, d.co, d.stage, sum(d.s)::int FROM (
      SELECT dash_month(o.created_at) AS month, o.province_code AS pc, o.migrant_status AS ms, o.source AS src,
             coalesce(o.cohort, '') AS co, j.stage, -1 AS s
      FROM dash_journey_of(o, o_changes) j WHERE o_in AND j.kind = 'reached'
      UNION ALL
      SELECT dash_month(n.created_at), n.province_code, n.migrant_status, n.source, coalesce(n.cohort, ''), j.stage, 1
      FROM dash_journey_of(n, '{}') j WHERE n_in AND j.kind = 'reached'
    ) d GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(d.s) <> 0 ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (month, province_code, migrant_status, source, cohort, stage) DO UPDATE SET n = t.n + excluded.n;

    INSERT INTO dash_spells AS t (month, province_code, migrant_status, source, cohort, stage, days, n)
    SELECT d.month, d.pc, d.ms, d.src, d.co, d.stage, d.days, sum(d.s)::int FROM (
      SELECT dash_month(o.created_at) AS month, o.province_code AS pc, o.migrant_status AS ms, o.source AS src,
             coalesce(o.cohort, '') AS co, j.stage, j.days, -1 AS s
      FROM dash_journey_of(o, o_changes) j WHERE o_in AND j.kind = 'spell'
      UNION ALL
      SELECT dash_month(n.created_at), n.province_code, n.migrant_status, n.source, coalesce(n.cohort, ''), j.stage, j.days, 1
      FROM dash_journey_of(n, '{}') j WHERE n_in AND j.kind = 'spell'
    ) d GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING sum(d.s) <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (month, province_code, migrant_status, source, cohort, stage, days) DO UPDATE SET n = t.n + excluded.n;
  END IF;

  IF 'services' = ANY (parts) THEN
    INSERT INTO dash_services AS t (month, province_code, migrant_status, source, cohort, blocker_code, n)
    SELECT d.month, d.pc, d.ms, d.src, d.co, d.bc, sum(d.s)::int FROM (
      SELECT l.month, o.province_code AS pc, o.migrant_status AS ms, o.source AS src,
             coalesce(o.cohort, '') AS co, coalesce(l.blocker_code, '') AS bc, -1 AS s
      FROM dash_services_of(o, o_logs) l WHERE o_in
      UNION ALL
      SELECT l.month, n.province_code, n.migrant_status, n.source, coalesce(n.cohort, ''), coalesce(l.blocker_code, ''), 1
      FROM dash_services_of(n, '{}') l WHERE n_in
    ) d GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(d.s) <> 0 ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (month, province_code, migrant_status, source, cohort, blocker_code) DO UPDATE SET n = t.n + excluded.n;

    INSERT INTO dash_caseworker_services AS t (month, caseworker_id, province_code, migrant_status, source, cohort, n)
    SELECT d.month, d.cw, d.pc, d.ms, d.src, d.co, sum(d.s)::int FROM (
      SELECT l.month, l.caseworker_id AS cw, o.province_code AS pc, o.migrant_status AS ms, o.source AS src,
             coalesce(o.cohort, '') AS co, -1 AS s
      FROM dash_services_of(o, o_logs) l WHERE o_in
      UNION ALL
      SELECT l.month, l.caseworker_id, n.province_code, n.migrant_status, n.source, coalesce(n.cohort, ''), 1
      FROM dash_services_of(n, '{}') l WHERE n_in
    ) d GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(d.s) <> 0 ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (month, caseworker_id, province_code, migrant_status, source, cohort) DO UPDATE SET n = t.n + excluded.n;
  END IF;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION dash_on_participants_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO dash_cohort AS t (month, province_code, migrant_status, source, cohort, stage, n)
  SELECT dash_month(p.created_at), p.province_code, p.migrant_status, p.source, coalesce(p.cohort, ''), p.stage, count(*)
  FROM new_rows p GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (month, province_code, migrant_status, source, cohort, stage) DO UPDATE SET n = t.n + excluded.n;

  INSERT INTO dash_country AS t (month, province_code, migrant_status, source, cohort, country_code, n)
  SELECT dash_month(p.created_at), p.province_code, p.migrant_status, p.source, coalesce(p.cohort, ''), coalesce(p.country_code, ''), count(*)
  FROM new_rows p GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (month, province_code, migrant_status, source, cohort, country_code) DO UPDATE SET n = t.n + excluded.n;

  INSERT INTO dash_caseload AS t (caseworker_id, province_code, migrant_status, source, cohort, n, n_follow_up)
  SELECT p.caseworker_id, p.province_code, p.migrant_status, p.source, coalesce(p.cohort, ''), count(*),
         count(*) FILTER (WHERE p.stage NOT IN ('completed', 'withdrawn') AND p.next_follow_up_on IS NOT NULL)
  FROM new_rows p WHERE p.caseworker_id IS NOT NULL GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (caseworker_id, province_code, migrant_status, source, cohort)
    DO UPDATE SET n = t.n + excluded.n, n_follow_up = t.n_follow_up + excluded.n_follow_up;

  INSERT INTO dash_follow_ups AS t (follow_up_on, caseworker_id, province_code, migrant_status, source, cohort, n)
  SELECT p.next_follow_up_on, p.caseworker_id, p.province_code, p.migrant_status, p.source, coalesce(p.cohort, ''), count(*)
  FROM new_rows p
  WHERE p.caseworker_id IS NOT NULL AND p.next_follow_up_on IS NOT NULL AND p.stage NOT IN ('completed', 'withdrawn')
  GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (follow_up_on, caseworker_id, province_code, migrant_status, source, cohort) DO UPDATE SET n = t.n + excluded.n;

  INSERT INTO dash_weekly AS t (week, month, province_code, migrant_status, source, cohort, n)
  SELECT dash_week(p.created_at), dash_month(p.created_at), p.province_code, p.migrant_status, p.source, coalesce(p.cohort, ''), count(*)
  FROM new_rows p GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (week, month, province_code, migrant_status, source, cohort) DO UPDATE SET n = t.n + excluded.n;

  -- Without history a participant has reached their current stage and finished no spell.
  INSERT INTO dash_reached AS t (month, province_code, migrant_status, source, cohort, stage, n)
  SELECT dash_month(p.created_at), p.province_code, p.migrant_status, p.source, coalesce(p.cohort, ''), p.stage, count(*)
  FROM new_rows p GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (month, province_code, migrant_status, source, cohort, stage) DO UPDATE SET n = t.n + excluded.n;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION dash_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE participants, stage_changes, service_logs IN SHARE MODE;
  TRUNCATE dash_cohort, dash_country, dash_weekly, dash_reached, dash_spells, dash_services, dash_caseworker_services, dash_caseload, dash_follow_ups;

  INSERT INTO dash_cohort (month, province_code, migrant_status, source, cohort, stage, n)
  SELECT dash_month(p.created_at), p.province_code, p.migrant_status, p.source, coalesce(p.cohort, ''), p.stage, count(*)
  FROM participants p GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6;

  INSERT INTO dash_country (month, province_code, migrant_status, source, cohort, country_code, n)
  SELECT dash_month(p.created_at), p.province_code, p.migrant_status, p.source, coalesce(p.cohort, ''),
         coalesce(p.country_code, ''), count(*)
  FROM participants p GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6;

  INSERT INTO dash_weekly (week, month, province_code, migrant_status, source, cohort, n)
  SELECT dash_week(p.created_at), dash_month(p.created_at), p.province_code, p.migrant_status, p.source, coalesce(p.cohort, ''), count(*)
  FROM participants p GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6;

  INSERT INTO dash_caseload (caseworker_id, province_code, migrant_status, source, cohort, n, n_follow_up)
  SELECT p.caseworker_id, p.province_code, p.migrant_status, p.source, coalesce(p.cohort, ''), count(*),
         count(*) FILTER (WHERE p.stage NOT IN ('completed', 'withdrawn') AND p.next_follow_up_on IS NOT NULL)
  FROM participants p WHERE p.caseworker_id IS NOT NULL GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5;

  INSERT INTO dash_follow_ups (follow_up_on, caseworker_id, province_code, migrant_status, source, cohort, n)
  SELECT p.next_follow_up_on, p.caseworker_id, p.province_code, p.migrant_status, p.source, coalesce(p.cohort, ''), count(*)
  FROM participants p
  WHERE p.caseworker_id IS NOT NULL AND p.next_follow_up_on IS NOT NULL AND p.stage NOT IN ('completed', 'withdrawn')
  GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6;

  INSERT INTO dash_reached (month, province_code, migrant_status, source, cohort, stage, n)
  SELECT dash_month(p.created_at), p.province_code, p.migrant_status, p.source, coalesce(p.cohort, ''), j.stage, count(*)
  FROM participants p CROSS JOIN LATERAL dash_journey_of(p, '{}') j WHERE j.kind = 'reached'
  GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6;

  INSERT INTO dash_spells (month, province_code, migrant_status, source, cohort, stage, days, n)
  SELECT dash_month(p.created_at), p.province_code, p.migrant_status, p.source, coalesce(p.cohort, ''), j.stage, j.days, count(*)
  FROM participants p CROSS JOIN LATERAL dash_journey_of(p, '{}') j WHERE j.kind = 'spell'
  GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7;

  -- The services are read once (every participant's, in force) for both tables.
  CREATE TEMP TABLE dash_rebuild_services ON COMMIT DROP AS
  SELECT l.month, l.caseworker_id, coalesce(l.blocker_code, '') AS blocker_code,
         p.province_code, p.migrant_status, p.source, coalesce(p.cohort, '') AS cohort
  FROM participants p CROSS JOIN LATERAL dash_services_of(p, '{}') l;

  INSERT INTO dash_services (month, province_code, migrant_status, source, cohort, blocker_code, n)
  SELECT month, province_code, migrant_status, source, cohort, blocker_code, count(*)
  FROM dash_rebuild_services GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6;

  INSERT INTO dash_caseworker_services (month, caseworker_id, province_code, migrant_status, source, cohort, n)
  SELECT month, caseworker_id, province_code, migrant_status, source, cohort, count(*)
  FROM dash_rebuild_services GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6;

  DROP TABLE dash_rebuild_services;
END;
$$;
--> statement-breakpoint
-- Only the new counter is filled here (one pass over participants, seconds at 1,000,000),
-- rather than dash_rebuild(), which recounts every counter (90 s at that size). The lock
-- keeps registrations out until the migration's transaction commits, so none is missed.
LOCK TABLE participants IN SHARE MODE;
--> statement-breakpoint
INSERT INTO dash_weekly (week, month, province_code, migrant_status, source, cohort, n)
SELECT dash_week(p.created_at), dash_month(p.created_at), p.province_code, p.migrant_status, p.source, coalesce(p.cohort, ''), count(*)
FROM participants p GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6;
