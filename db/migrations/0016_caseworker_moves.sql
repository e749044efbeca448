CREATE TABLE "dash_caseworker_moves" (
	"month" date NOT NULL,
	"caseworker_id" uuid NOT NULL,
	"province_code" text NOT NULL,
	"migrant_status" text NOT NULL,
	"source" text NOT NULL,
	"cohort" text NOT NULL,
	"days" integer NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "dash_caseworker_moves_month_caseworker_id_province_code_migrant_status_source_cohort_days_pk" PRIMARY KEY("month","caseworker_id","province_code","migrant_status","source","cohort","days")
);
--> statement-breakpoint
-- The dashboard's caseworker table: forward stage moves by the month of the move and the
-- user who recorded it, with the days spent in the stage left (dash_caseworker_moves,
-- docs/decisions/027-caseworker-table.md). Kept by the same triggers as the other
-- counters: dash_apply's 'journey' part (participants updated or deleted),
-- dash_on_stage_changes_inserted, and dash_rebuild(). The three functions are those of
-- migrations 0006 and 0015 with dash_caseworker_moves added. A participant's insert adds
-- nothing: a participant without stage changes has made no move.

-- A move forward on the journey registration → training → lms → completed. A move back,
-- a withdrawal, a return from withdrawn and a first stage (no from_stage) are not.
CREATE OR REPLACE FUNCTION dash_is_forward(from_stage text, to_stage text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_position(ARRAY['registration', 'training', 'lms', 'completed'], to_stage)
                  > array_position(ARRAY['registration', 'training', 'lms', 'completed'], from_stage), false)
$$;
--> statement-breakpoint
-- A participant's forward moves recorded by someone (changed_by), each with its Jakarta
-- month and the whole Jakarta calendar days since the change before it (the spell it ends,
-- as dash_journey_of counts spells), or since the registration when there is none.
-- skip: stage changes to leave out (the ones being inserted, for the "before" side).
CREATE OR REPLACE FUNCTION dash_moves_of(p participants, skip uuid[])
RETURNS TABLE (month date, caseworker_id uuid, days integer)
LANGUAGE sql STABLE AS $$
  SELECT dash_month(m.created_at), m.changed_by,
         dash_jakarta_date(m.created_at) - dash_jakarta_date(coalesce(m.entered_at, p.created_at))
  FROM (
    SELECT sc.created_at, sc.changed_by, sc.from_stage, sc.to_stage,
           lag(sc.created_at) OVER (ORDER BY sc.created_at, sc.id) AS entered_at
    FROM stage_changes sc
    WHERE sc.participant_id = p.id AND sc.id <> ALL (skip)
  ) m
  WHERE m.changed_by IS NOT NULL AND dash_is_forward(m.from_stage, m.to_stage)
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
    INSERT INTO dash_caseworker_moves AS t (month, caseworker_id, province_code, migrant_status, source, cohort, days, n)
    SELECT d.month, d.cw, d.pc, d.ms, d.src, d.co, d.days, sum(d.s)::int FROM (
      SELECT m.month, m.caseworker_id AS cw, o.province_code AS pc, o.migrant_status AS ms, o.source AS src,
             coalesce(o.cohort, '') AS co, m.days, -1 AS s
      FROM dash_moves_of(o, o_changes) m WHERE o_in
      UNION ALL
      SELECT m.month, m.caseworker_id, n.province_code, n.migrant_status, n.source, coalesce(n.cohort, ''), m.days, 1
      FROM dash_moves_of(n, '{}') m WHERE n_in
    ) d GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING sum(d.s) <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (month, caseworker_id, province_code, migrant_status, source, cohort, days) DO UPDATE SET n = t.n + excluded.n;
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
CREATE OR REPLACE FUNCTION dash_on_stage_changes_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO dash_reached AS t (month, province_code, migrant_status, source, cohort, stage, n)
  SELECT d.month, d.pc, d.ms, d.src, d.co, d.stage, sum(d.s)::int FROM (
    SELECT dash_month(p.created_at) AS month, p.province_code AS pc, p.migrant_status AS ms, p.source AS src, coalesce(p.cohort, '') AS co, j.stage, -1 AS s
    FROM (SELECT participant_id, array_agg(id) AS ids FROM new_rows GROUP BY 1) x
    JOIN participants p ON p.id = x.participant_id
    CROSS JOIN LATERAL dash_journey_of(p, x.ids) j WHERE j.kind = 'reached'
    UNION ALL
    SELECT dash_month(p.created_at) AS month, p.province_code AS pc, p.migrant_status AS ms, p.source AS src, coalesce(p.cohort, '') AS co, j.stage, 1
    FROM (SELECT DISTINCT participant_id FROM new_rows) x
    JOIN participants p ON p.id = x.participant_id
    CROSS JOIN LATERAL dash_journey_of(p, '{}') j WHERE j.kind = 'reached'
  ) d GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(d.s) <> 0 ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (month, province_code, migrant_status, source, cohort, stage) DO UPDATE SET n = t.n + excluded.n;

  INSERT INTO dash_spells AS t (month, province_code, migrant_status, source, cohort, stage, days, n)
  SELECT d.month, d.pc, d.ms, d.src, d.co, d.stage, d.days, sum(d.s)::int FROM (
    SELECT dash_month(p.created_at) AS month, p.province_code AS pc, p.migrant_status AS ms, p.source AS src, coalesce(p.cohort, '') AS co, j.stage, j.days, -1 AS s
    FROM (SELECT participant_id, array_agg(id) AS ids FROM new_rows GROUP BY 1) x
    JOIN participants p ON p.id = x.participant_id
    CROSS JOIN LATERAL dash_journey_of(p, x.ids) j WHERE j.kind = 'spell'
    UNION ALL
    SELECT dash_month(p.created_at) AS month, p.province_code AS pc, p.migrant_status AS ms, p.source AS src, coalesce(p.cohort, '') AS co, j.stage, j.days, 1
    FROM (SELECT DISTINCT participant_id FROM new_rows) x
    JOIN participants p ON p.id = x.participant_id
    CROSS JOIN LATERAL dash_journey_of(p, '{}') j WHERE j.kind = 'spell'
  ) d GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING sum(d.s) <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7
  ON CONFLICT (month, province_code, migrant_status, source, cohort, stage, days) DO UPDATE SET n = t.n + excluded.n;
  INSERT INTO dash_caseworker_moves AS t (month, caseworker_id, province_code, migrant_status, source, cohort, days, n)
  SELECT d.month, d.cw, d.pc, d.ms, d.src, d.co, d.days, sum(d.s)::int FROM (
    SELECT m.month, m.caseworker_id AS cw, p.province_code AS pc, p.migrant_status AS ms, p.source AS src, coalesce(p.cohort, '') AS co, m.days, -1 AS s
    FROM (SELECT participant_id, array_agg(id) AS ids FROM new_rows GROUP BY 1) x
    JOIN participants p ON p.id = x.participant_id
    CROSS JOIN LATERAL dash_moves_of(p, x.ids) m
    UNION ALL
    SELECT m.month, m.caseworker_id, p.province_code, p.migrant_status, p.source, coalesce(p.cohort, ''), m.days, 1
    FROM (SELECT DISTINCT participant_id FROM new_rows) x
    JOIN participants p ON p.id = x.participant_id
    CROSS JOIN LATERAL dash_moves_of(p, '{}') m
  ) d GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING sum(d.s) <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7
  ON CONFLICT (month, caseworker_id, province_code, migrant_status, source, cohort, days) DO UPDATE SET n = t.n + excluded.n;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION dash_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE participants, stage_changes, service_logs IN SHARE MODE;
  TRUNCATE dash_cohort, dash_country, dash_weekly, dash_reached, dash_spells, dash_services, dash_caseworker_services,
    dash_caseworker_moves, dash_caseload, dash_follow_ups;

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

  -- One pass over every stage change (a window per participant), rather than
  -- dash_moves_of per participant; the same statement fills the table in migration 0016.
  INSERT INTO dash_caseworker_moves (month, caseworker_id, province_code, migrant_status, source, cohort, days, n)
  SELECT dash_month(m.created_at), m.changed_by, p.province_code, p.migrant_status, p.source, coalesce(p.cohort, ''),
         dash_jakarta_date(m.created_at) - dash_jakarta_date(coalesce(m.entered_at, p.created_at)), count(*)
  FROM (
    SELECT sc.participant_id, sc.created_at, sc.changed_by, sc.from_stage, sc.to_stage,
           lag(sc.created_at) OVER (PARTITION BY sc.participant_id ORDER BY sc.created_at, sc.id) AS entered_at
    FROM stage_changes sc
  ) m
  JOIN participants p ON p.id = m.participant_id
  WHERE m.changed_by IS NOT NULL AND dash_is_forward(m.from_stage, m.to_stage)
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
-- Only the new counter is filled here (one pass over the stage changes), with dash_rebuild()'s
-- own statement, rather than dash_rebuild(), which recounts every counter (90 s at
-- 1,000,000). The lock keeps stage changes and participants' edits out until the
-- migration's transaction commits, so none is missed or counted twice.
LOCK TABLE participants, stage_changes IN SHARE MODE;
--> statement-breakpoint
INSERT INTO dash_caseworker_moves (month, caseworker_id, province_code, migrant_status, source, cohort, days, n)
SELECT dash_month(m.created_at), m.changed_by, p.province_code, p.migrant_status, p.source, coalesce(p.cohort, ''),
       dash_jakarta_date(m.created_at) - dash_jakarta_date(coalesce(m.entered_at, p.created_at)), count(*)
FROM (
  SELECT sc.participant_id, sc.created_at, sc.changed_by, sc.from_stage, sc.to_stage,
         lag(sc.created_at) OVER (PARTITION BY sc.participant_id ORDER BY sc.created_at, sc.id) AS entered_at
  FROM stage_changes sc
) m
JOIN participants p ON p.id = m.participant_id
WHERE m.changed_by IS NOT NULL AND dash_is_forward(m.from_stage, m.to_stage)
GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7;
