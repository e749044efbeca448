CREATE TABLE "dash_caseload" (
	"caseworker_id" uuid NOT NULL,
	"province_code" text NOT NULL,
	"migrant_status" text NOT NULL,
	"source" text NOT NULL,
	"cohort" text NOT NULL,
	"n" integer NOT NULL,
	"n_follow_up" integer NOT NULL,
	CONSTRAINT "dash_caseload_caseworker_id_province_code_migrant_status_source_cohort_pk" PRIMARY KEY("caseworker_id","province_code","migrant_status","source","cohort")
);
--> statement-breakpoint
CREATE TABLE "dash_caseworker_services" (
	"month" date NOT NULL,
	"caseworker_id" uuid NOT NULL,
	"province_code" text NOT NULL,
	"migrant_status" text NOT NULL,
	"source" text NOT NULL,
	"cohort" text NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "dash_caseworker_services_month_caseworker_id_province_code_migrant_status_source_cohort_pk" PRIMARY KEY("month","caseworker_id","province_code","migrant_status","source","cohort")
);
--> statement-breakpoint
CREATE TABLE "dash_cohort" (
	"month" date NOT NULL,
	"province_code" text NOT NULL,
	"migrant_status" text NOT NULL,
	"source" text NOT NULL,
	"cohort" text NOT NULL,
	"stage" text NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "dash_cohort_month_province_code_migrant_status_source_cohort_stage_pk" PRIMARY KEY("month","province_code","migrant_status","source","cohort","stage")
);
--> statement-breakpoint
CREATE TABLE "dash_country" (
	"month" date NOT NULL,
	"province_code" text NOT NULL,
	"migrant_status" text NOT NULL,
	"source" text NOT NULL,
	"cohort" text NOT NULL,
	"country_code" text NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "dash_country_month_province_code_migrant_status_source_cohort_country_code_pk" PRIMARY KEY("month","province_code","migrant_status","source","cohort","country_code")
);
--> statement-breakpoint
CREATE TABLE "dash_follow_ups" (
	"follow_up_on" date NOT NULL,
	"caseworker_id" uuid NOT NULL,
	"province_code" text NOT NULL,
	"migrant_status" text NOT NULL,
	"source" text NOT NULL,
	"cohort" text NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "dash_follow_ups_follow_up_on_caseworker_id_province_code_migrant_status_source_cohort_pk" PRIMARY KEY("follow_up_on","caseworker_id","province_code","migrant_status","source","cohort")
);
--> statement-breakpoint
CREATE TABLE "dash_reached" (
	"month" date NOT NULL,
	"province_code" text NOT NULL,
	"migrant_status" text NOT NULL,
	"source" text NOT NULL,
	"cohort" text NOT NULL,
	"stage" text NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "dash_reached_month_province_code_migrant_status_source_cohort_stage_pk" PRIMARY KEY("month","province_code","migrant_status","source","cohort","stage")
);
--> statement-breakpoint
CREATE TABLE "dash_services" (
	"month" date NOT NULL,
	"province_code" text NOT NULL,
	"migrant_status" text NOT NULL,
	"source" text NOT NULL,
	"cohort" text NOT NULL,
	"blocker_code" text NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "dash_services_month_province_code_migrant_status_source_cohort_blocker_code_pk" PRIMARY KEY("month","province_code","migrant_status","source","cohort","blocker_code")
);
--> statement-breakpoint
CREATE TABLE "dash_spells" (
	"month" date NOT NULL,
	"province_code" text NOT NULL,
	"migrant_status" text NOT NULL,
	"source" text NOT NULL,
	"cohort" text NOT NULL,
	"stage" text NOT NULL,
	"days" integer NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "dash_spells_month_province_code_migrant_status_source_cohort_stage_days_pk" PRIMARY KEY("month","province_code","migrant_status","source","cohort","stage","days")
);
--> statement-breakpoint
-- The dashboard's aggregates are kept in step by the triggers below, in the transaction
-- of every write to participants, stage_changes and service_logs, whatever code writes
-- (docs/decisions/013-dashboard-aggregates.md).
--
-- One definition: a participant's contribution to the counters is computed from their
-- row and their stage changes and service logs by the dash_*_of functions. A change
-- applies the difference between the contribution before and after it (the rows that
-- net to zero are not touched, so a service log does not lock the registration counters).
-- dash_rebuild() recomputes every counter from the same functions.

-- The first day of the Jakarta-time (UTC+7, no daylight saving) month of a moment.
CREATE OR REPLACE FUNCTION dash_month(at timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT date_trunc('month', (at AT TIME ZONE 'UTC') + interval '7 hours')::date
$$;
--> statement-breakpoint
-- The Jakarta-time calendar date of a moment.
CREATE OR REPLACE FUNCTION dash_jakarta_date(at timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ((at AT TIME ZONE 'UTC') + interval '7 hours')::date
$$;
--> statement-breakpoint
-- The stages a participant has been in (every stage change's target, and the current
-- stage), and their finished spells (from a change to the next, in whole calendar days).
-- skip: stage changes to leave out (the ones being inserted, for the "before" side).
CREATE OR REPLACE FUNCTION dash_journey_of(p participants, skip uuid[])
RETURNS TABLE (kind text, stage text, days integer)
LANGUAGE sql STABLE AS $$
  SELECT 'reached', r.stage, 0 FROM (
    SELECT sc.to_stage AS stage FROM stage_changes sc
    WHERE sc.participant_id = p.id AND sc.id <> ALL (skip)
    UNION SELECT p.stage
  ) r
  UNION ALL
  SELECT 'spell', s.stage, s.days FROM (
    SELECT sc.to_stage AS stage,
           dash_jakarta_date(lead(sc.created_at) OVER w) - dash_jakarta_date(sc.created_at) AS days
    FROM stage_changes sc
    WHERE sc.participant_id = p.id AND sc.id <> ALL (skip)
    WINDOW w AS (ORDER BY sc.created_at, sc.id)
  ) s
  WHERE s.days IS NOT NULL
$$;
--> statement-breakpoint
-- A participant's services in force (a corrected record is replaced by its correction).
-- skip: logs to leave out (the ones being inserted, for the "before" side).
CREATE OR REPLACE FUNCTION dash_services_of(p participants, skip uuid[])
RETURNS TABLE (month date, caseworker_id uuid, blocker_code text)
LANGUAGE sql STABLE AS $$
  SELECT date_trunc('month', l.occurred_on)::date, l.caseworker_id,
         CASE WHEN l.outcome = 'blocked' THEN l.blocker_code END
  FROM service_logs l
  WHERE l.participant_id = p.id AND l.id <> ALL (skip)
    AND NOT EXISTS (SELECT 1 FROM service_logs c WHERE c.corrects_id = l.id AND c.id <> ALL (skip))
$$;
--> statement-breakpoint
-- Applies the difference between two states of one participant to the counters.
-- o: the participant before (NULL when inserted), o_changes / o_logs: stage changes and
-- log that did not exist before; n: the participant after (NULL when deleted). parts
-- names the counters that can differ: 'row' (cohort, country, caseload, follow-ups),
-- 'journey' (reached, spells), 'services' (services, caseworker services).
-- Rows are written in key order, so concurrent transactions lock them in the same order.
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
-- Participants updated or deleted, one row at a time: the difference between the row
-- before and after, over the same history.
CREATE OR REPLACE FUNCTION dash_on_participant() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  parts text[] := ARRAY['row', 'journey', 'services'];
  none participants;
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM dash_apply(OLD, '{}', '{}', none, parts);
    RETURN NULL;
  END IF;
  -- An update: only the counters its changed columns feed.
  IF (OLD.created_at, OLD.province_code, OLD.migrant_status, OLD.source, OLD.cohort)
     IS NOT DISTINCT FROM (NEW.created_at, NEW.province_code, NEW.migrant_status, NEW.source, NEW.cohort) THEN
    parts := ARRAY['row'];
    IF OLD.stage IS DISTINCT FROM NEW.stage THEN
      parts := parts || 'journey'::text;
    END IF;
  END IF;
  PERFORM dash_apply(OLD, '{}', '{}', NEW, parts);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER dash_on_participant_delete
  AFTER DELETE ON participants
  FOR EACH ROW EXECUTE FUNCTION dash_on_participant();
--> statement-breakpoint
CREATE TRIGGER dash_on_participant_update
  AFTER UPDATE ON participants
  FOR EACH ROW
  WHEN ((OLD.created_at, OLD.province_code, OLD.migrant_status, OLD.source, OLD.cohort, OLD.country_code,
         OLD.stage, OLD.caseworker_id, OLD.next_follow_up_on)
        IS DISTINCT FROM
        (NEW.created_at, NEW.province_code, NEW.migrant_status, NEW.source, NEW.cohort, NEW.country_code,
         NEW.stage, NEW.caseworker_id, NEW.next_follow_up_on))
  EXECUTE FUNCTION dash_on_participant();
--> statement-breakpoint
-- Participants inserted, per statement (an import inserts a thousand at once): each counts
-- as a participant without history. Their stage changes and logs, whether inserted by the
-- same statement (an import's CTE) or later, add theirs through their own triggers, which
-- count the difference between the history with and without the new rows.
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

  -- Without history a participant has reached their current stage and finished no spell.
  INSERT INTO dash_reached AS t (month, province_code, migrant_status, source, cohort, stage, n)
  SELECT dash_month(p.created_at), p.province_code, p.migrant_status, p.source, coalesce(p.cohort, ''), p.stage, count(*)
  FROM new_rows p GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (month, province_code, migrant_status, source, cohort, stage) DO UPDATE SET n = t.n + excluded.n;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER dash_on_participants_inserted
  AFTER INSERT ON participants
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION dash_on_participants_inserted();
--> statement-breakpoint
-- Stage changes inserted, per statement: for each participant concerned, the journey with
-- every stage change minus the journey without this statement's ones.
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
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER dash_on_stage_changes_inserted
  AFTER INSERT ON stage_changes
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION dash_on_stage_changes_inserted();
--> statement-breakpoint
-- Logs inserted, per statement: for each participant concerned (the log's, and the
-- corrected record's, which may in principle be another's), the services in force with
-- every log minus those without this statement's logs.
CREATE OR REPLACE FUNCTION dash_on_service_logs_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  fresh uuid[] := ARRAY(SELECT id FROM new_rows);
BEGIN
  CREATE TEMP TABLE dash_service_delta ON COMMIT DROP AS
  SELECT l.month, l.caseworker_id, coalesce(l.blocker_code, '') AS blocker_code,
         p.province_code AS pc, p.migrant_status AS ms, p.source AS src, coalesce(p.cohort, '') AS co, x.s
  FROM (
    SELECT p.id, v.s FROM participants p
    CROSS JOIN (VALUES (-1), (1)) v (s)
    WHERE p.id IN (SELECT participant_id FROM new_rows
                   UNION SELECT c.participant_id FROM service_logs c JOIN new_rows r ON c.id = r.corrects_id)
  ) x
  JOIN participants p ON p.id = x.id
  CROSS JOIN LATERAL dash_services_of(p, CASE WHEN x.s < 0 THEN fresh ELSE '{}'::uuid[] END) l;

  INSERT INTO dash_services AS t (month, province_code, migrant_status, source, cohort, blocker_code, n)
  SELECT month, pc, ms, src, co, blocker_code, sum(s)::int FROM dash_service_delta
  GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(s) <> 0 ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (month, province_code, migrant_status, source, cohort, blocker_code) DO UPDATE SET n = t.n + excluded.n;

  INSERT INTO dash_caseworker_services AS t (month, caseworker_id, province_code, migrant_status, source, cohort, n)
  SELECT month, caseworker_id, pc, ms, src, co, sum(s)::int FROM dash_service_delta
  GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(s) <> 0 ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (month, caseworker_id, province_code, migrant_status, source, cohort) DO UPDATE SET n = t.n + excluded.n;

  DROP TABLE dash_service_delta;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER dash_on_service_logs_inserted
  AFTER INSERT ON service_logs
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION dash_on_service_logs_inserted();
--> statement-breakpoint
-- Recomputes every counter from the rows, with the same definitions as the triggers:
-- after a bulk load with the triggers off (npm run seed:scale), and by this migration.
-- Rows are written in key order, so that a month's rows lie together on disk.
CREATE OR REPLACE FUNCTION dash_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE participants, stage_changes, service_logs IN SHARE MODE;
  TRUNCATE dash_cohort, dash_country, dash_reached, dash_spells, dash_services, dash_caseworker_services, dash_caseload, dash_follow_ups;

  INSERT INTO dash_cohort (month, province_code, migrant_status, source, cohort, stage, n)
  SELECT dash_month(p.created_at), p.province_code, p.migrant_status, p.source, coalesce(p.cohort, ''), p.stage, count(*)
  FROM participants p GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6;

  INSERT INTO dash_country (month, province_code, migrant_status, source, cohort, country_code, n)
  SELECT dash_month(p.created_at), p.province_code, p.migrant_status, p.source, coalesce(p.cohort, ''),
         coalesce(p.country_code, ''), count(*)
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
SELECT dash_rebuild();
