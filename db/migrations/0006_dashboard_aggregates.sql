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
-- skip: a stage change to leave out (the one being inserted, for the "before" side).
CREATE OR REPLACE FUNCTION dash_journey_of(p participants, skip uuid)
RETURNS TABLE (kind text, stage text, days integer)
LANGUAGE sql STABLE AS $$
  SELECT 'reached', r.stage, 0 FROM (
    SELECT sc.to_stage AS stage FROM stage_changes sc
    WHERE sc.participant_id = p.id AND sc.id IS DISTINCT FROM skip
    UNION SELECT p.stage
  ) r
  UNION ALL
  SELECT 'spell', s.stage, s.days FROM (
    SELECT sc.to_stage AS stage,
           dash_jakarta_date(lead(sc.created_at) OVER w) - dash_jakarta_date(sc.created_at) AS days
    FROM stage_changes sc
    WHERE sc.participant_id = p.id AND sc.id IS DISTINCT FROM skip
    WINDOW w AS (ORDER BY sc.created_at, sc.id)
  ) s
  WHERE s.days IS NOT NULL
$$;
--> statement-breakpoint
-- A participant's services in force (a corrected record is replaced by its correction).
-- skip: a log to leave out (the one being inserted, for the "before" side).
CREATE OR REPLACE FUNCTION dash_services_of(p participants, skip uuid)
RETURNS TABLE (month date, caseworker_id uuid, blocker_code text)
LANGUAGE sql STABLE AS $$
  SELECT date_trunc('month', l.occurred_on)::date, l.caseworker_id,
         CASE WHEN l.outcome = 'blocked' THEN l.blocker_code END
  FROM service_logs l
  WHERE l.participant_id = p.id AND l.id IS DISTINCT FROM skip
    AND NOT EXISTS (SELECT 1 FROM service_logs c WHERE c.corrects_id = l.id AND c.id IS DISTINCT FROM skip)
$$;
--> statement-breakpoint
-- Applies the difference between two states of one participant to the counters.
-- o: the participant before (NULL when inserted), o_change / o_log: a stage change or a
-- log that did not exist before; n: the participant after (NULL when deleted). parts
-- names the counters that can differ: 'row' (cohort, country, caseload, follow-ups),
-- 'journey' (reached, spells), 'services' (services, caseworker services).
-- Rows are written in key order, so concurrent transactions lock them in the same order.
CREATE OR REPLACE FUNCTION dash_apply(o participants, o_change uuid, o_log uuid, n participants, parts text[])
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
      FROM dash_journey_of(o, o_change) j WHERE o_in AND j.kind = 'reached'
      UNION ALL
      SELECT dash_month(n.created_at), n.province_code, n.migrant_status, n.source, coalesce(n.cohort, ''), j.stage, 1
      FROM dash_journey_of(n, NULL) j WHERE n_in AND j.kind = 'reached'
    ) d GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(d.s) <> 0 ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (month, province_code, migrant_status, source, cohort, stage) DO UPDATE SET n = t.n + excluded.n;

    INSERT INTO dash_spells AS t (month, province_code, migrant_status, source, cohort, stage, days, n)
    SELECT d.month, d.pc, d.ms, d.src, d.co, d.stage, d.days, sum(d.s)::int FROM (
      SELECT dash_month(o.created_at) AS month, o.province_code AS pc, o.migrant_status AS ms, o.source AS src,
             coalesce(o.cohort, '') AS co, j.stage, j.days, -1 AS s
      FROM dash_journey_of(o, o_change) j WHERE o_in AND j.kind = 'spell'
      UNION ALL
      SELECT dash_month(n.created_at), n.province_code, n.migrant_status, n.source, coalesce(n.cohort, ''), j.stage, j.days, 1
      FROM dash_journey_of(n, NULL) j WHERE n_in AND j.kind = 'spell'
    ) d GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING sum(d.s) <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (month, province_code, migrant_status, source, cohort, stage, days) DO UPDATE SET n = t.n + excluded.n;
  END IF;

  IF 'services' = ANY (parts) THEN
    INSERT INTO dash_services AS t (month, province_code, migrant_status, source, cohort, blocker_code, n)
    SELECT d.month, d.pc, d.ms, d.src, d.co, d.bc, sum(d.s)::int FROM (
      SELECT l.month, o.province_code AS pc, o.migrant_status AS ms, o.source AS src,
             coalesce(o.cohort, '') AS co, coalesce(l.blocker_code, '') AS bc, -1 AS s
      FROM dash_services_of(o, o_log) l WHERE o_in
      UNION ALL
      SELECT l.month, n.province_code, n.migrant_status, n.source, coalesce(n.cohort, ''), coalesce(l.blocker_code, ''), 1
      FROM dash_services_of(n, NULL) l WHERE n_in
    ) d GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(d.s) <> 0 ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (month, province_code, migrant_status, source, cohort, blocker_code) DO UPDATE SET n = t.n + excluded.n;

    INSERT INTO dash_caseworker_services AS t (month, caseworker_id, province_code, migrant_status, source, cohort, n)
    SELECT d.month, d.cw, d.pc, d.ms, d.src, d.co, sum(d.s)::int FROM (
      SELECT l.month, l.caseworker_id AS cw, o.province_code AS pc, o.migrant_status AS ms, o.source AS src,
             coalesce(o.cohort, '') AS co, -1 AS s
      FROM dash_services_of(o, o_log) l WHERE o_in
      UNION ALL
      SELECT l.month, l.caseworker_id, n.province_code, n.migrant_status, n.source, coalesce(n.cohort, ''), 1
      FROM dash_services_of(n, NULL) l WHERE n_in
    ) d GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(d.s) <> 0 ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (month, caseworker_id, province_code, migrant_status, source, cohort) DO UPDATE SET n = t.n + excluded.n;
  END IF;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION dash_on_participant() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  parts text[] := ARRAY['row', 'journey', 'services'];
  none participants;
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM dash_apply(none, NULL, NULL, NEW, parts);
    RETURN NULL;
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM dash_apply(OLD, NULL, NULL, none, parts);
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
  PERFORM dash_apply(OLD, NULL, NULL, NEW, parts);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER dash_on_participant_insert_delete
  AFTER INSERT OR DELETE ON participants
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
CREATE OR REPLACE FUNCTION dash_on_stage_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  p participants;
BEGIN
  SELECT * INTO p FROM participants WHERE id = NEW.participant_id;
  PERFORM dash_apply(p, NEW.id, NULL, p, ARRAY['journey']);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER dash_on_stage_change
  AFTER INSERT ON stage_changes
  FOR EACH ROW EXECUTE FUNCTION dash_on_stage_change();
--> statement-breakpoint
-- A new log counts; a correction also takes the record it corrects out of force, and
-- that record may (in principle) belong to another participant.
CREATE OR REPLACE FUNCTION dash_on_service_log() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  p participants;
BEGIN
  FOR p IN
    SELECT * FROM participants
    WHERE id = NEW.participant_id
       OR id = (SELECT c.participant_id FROM service_logs c WHERE c.id = NEW.corrects_id)
    ORDER BY id
  LOOP
    PERFORM dash_apply(p, NULL, NEW.id, p, ARRAY['services']);
  END LOOP;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER dash_on_service_log
  AFTER INSERT ON service_logs
  FOR EACH ROW EXECUTE FUNCTION dash_on_service_log();
--> statement-breakpoint
-- Recomputes every counter from the rows, with the same definitions as the triggers:
-- after a bulk load with the triggers off (npm run seed:scale), and by this migration.
CREATE OR REPLACE FUNCTION dash_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE participants, stage_changes, service_logs IN SHARE MODE;
  TRUNCATE dash_cohort, dash_country, dash_reached, dash_spells, dash_services, dash_caseworker_services, dash_caseload, dash_follow_ups;

  INSERT INTO dash_cohort (month, province_code, migrant_status, source, cohort, stage, n)
  SELECT dash_month(p.created_at), p.province_code, p.migrant_status, p.source, coalesce(p.cohort, ''), p.stage, count(*)
  FROM participants p GROUP BY 1, 2, 3, 4, 5, 6;

  INSERT INTO dash_country (month, province_code, migrant_status, source, cohort, country_code, n)
  SELECT dash_month(p.created_at), p.province_code, p.migrant_status, p.source, coalesce(p.cohort, ''),
         coalesce(p.country_code, ''), count(*)
  FROM participants p GROUP BY 1, 2, 3, 4, 5, 6;

  INSERT INTO dash_caseload (caseworker_id, province_code, migrant_status, source, cohort, n, n_follow_up)
  SELECT p.caseworker_id, p.province_code, p.migrant_status, p.source, coalesce(p.cohort, ''), count(*),
         count(*) FILTER (WHERE p.stage NOT IN ('completed', 'withdrawn') AND p.next_follow_up_on IS NOT NULL)
  FROM participants p WHERE p.caseworker_id IS NOT NULL GROUP BY 1, 2, 3, 4, 5;

  INSERT INTO dash_follow_ups (follow_up_on, caseworker_id, province_code, migrant_status, source, cohort, n)
  SELECT p.next_follow_up_on, p.caseworker_id, p.province_code, p.migrant_status, p.source, coalesce(p.cohort, ''), count(*)
  FROM participants p
  WHERE p.caseworker_id IS NOT NULL AND p.next_follow_up_on IS NOT NULL AND p.stage NOT IN ('completed', 'withdrawn')
  GROUP BY 1, 2, 3, 4, 5, 6;

  INSERT INTO dash_reached (month, province_code, migrant_status, source, cohort, stage, n)
  SELECT dash_month(p.created_at), p.province_code, p.migrant_status, p.source, coalesce(p.cohort, ''), j.stage, count(*)
  FROM participants p CROSS JOIN LATERAL dash_journey_of(p, NULL) j WHERE j.kind = 'reached'
  GROUP BY 1, 2, 3, 4, 5, 6;

  INSERT INTO dash_spells (month, province_code, migrant_status, source, cohort, stage, days, n)
  SELECT dash_month(p.created_at), p.province_code, p.migrant_status, p.source, coalesce(p.cohort, ''), j.stage, j.days, count(*)
  FROM participants p CROSS JOIN LATERAL dash_journey_of(p, NULL) j WHERE j.kind = 'spell'
  GROUP BY 1, 2, 3, 4, 5, 6, 7;

  -- The services are read once (every participant's, in force) for both tables.
  CREATE TEMP TABLE dash_rebuild_services ON COMMIT DROP AS
  SELECT l.month, l.caseworker_id, coalesce(l.blocker_code, '') AS blocker_code,
         p.province_code, p.migrant_status, p.source, coalesce(p.cohort, '') AS cohort
  FROM participants p CROSS JOIN LATERAL dash_services_of(p, NULL) l;

  INSERT INTO dash_services (month, province_code, migrant_status, source, cohort, blocker_code, n)
  SELECT month, province_code, migrant_status, source, cohort, blocker_code, count(*)
  FROM dash_rebuild_services GROUP BY 1, 2, 3, 4, 5, 6;

  INSERT INTO dash_caseworker_services (month, caseworker_id, province_code, migrant_status, source, cohort, n)
  SELECT month, caseworker_id, province_code, migrant_status, source, cohort, count(*)
  FROM dash_rebuild_services GROUP BY 1, 2, 3, 4, 5, 6;

  DROP TABLE dash_rebuild_services;
END;
$$;
--> statement-breakpoint
SELECT dash_rebuild();
