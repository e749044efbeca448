CREATE TABLE "dash_caseworker_move_days_by" (
	"month" date NOT NULL,
	"caseworker_id" uuid NOT NULL,
	"province_code" text NOT NULL,
	"migrant_status" text NOT NULL,
	"source" text NOT NULL,
	"cohort" text NOT NULL,
	"counts" integer[] NOT NULL,
	CONSTRAINT "dash_caseworker_move_days_by_month_caseworker_id_province_code_migrant_status_source_cohort_pk" PRIMARY KEY("month","caseworker_id","province_code","migrant_status","source","cohort")
);
--> statement-breakpoint
CREATE TABLE "dash_help_open" (
	"caseworker_id" uuid NOT NULL,
	"province_code" text NOT NULL,
	"migrant_status" text NOT NULL,
	"source" text NOT NULL,
	"cohort" text NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "dash_help_open_caseworker_id_province_code_migrant_status_source_cohort_pk" PRIMARY KEY("caseworker_id","province_code","migrant_status","source","cohort")
);

--> statement-breakpoint
-- dash_caseworker_move_days_by follows dash_caseworker_moves like dash_caseworker_move_days
-- (migration 0017), keyed also by the participants' dimensions (docs/decisions/038).
CREATE FUNCTION dash_caseworker_move_days_by_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r dash_caseworker_moves;
  delta integer;
BEGIN
  IF TG_OP = 'DELETE' THEN
    r := OLD; delta := -OLD.n;
  ELSIF TG_OP = 'UPDATE' THEN
    r := NEW; delta := NEW.n - OLD.n;
  ELSE
    r := NEW; delta := NEW.n;
  END IF;
  IF delta = 0 OR NOT EXISTS (SELECT 1 FROM users u WHERE u.id = r.caseworker_id AND u.role = 'caseworker') THEN
    RETURN NULL;
  END IF;
  INSERT INTO dash_caseworker_move_days_by AS t (month, caseworker_id, province_code, migrant_status, source, cohort, counts)
  VALUES (r.month, r.caseworker_id, r.province_code, r.migrant_status, r.source, r.cohort, array_fill(0, ARRAY[r.days]) || delta)
  ON CONFLICT (month, caseworker_id, province_code, migrant_status, source, cohort)
    DO UPDATE SET counts[r.days + 1] = coalesce(t.counts[r.days + 1], 0) + delta;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER dash_caseworker_move_days_by_apply AFTER INSERT OR UPDATE OR DELETE ON dash_caseworker_moves
  FOR EACH ROW EXECUTE FUNCTION dash_caseworker_move_days_by_apply();
--> statement-breakpoint
CREATE FUNCTION dash_caseworker_move_days_by_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM dash_caseworker_move_days_by;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER dash_caseworker_move_days_by_truncate AFTER TRUNCATE ON dash_caseworker_moves
  FOR EACH STATEMENT EXECUTE FUNCTION dash_caseworker_move_days_by_truncate();
--> statement-breakpoint
ALTER TABLE dash_caseworker_moves ENABLE ALWAYS TRIGGER dash_caseworker_move_days_by_apply;
--> statement-breakpoint
ALTER TABLE dash_caseworker_moves ENABLE ALWAYS TRIGGER dash_caseworker_move_days_by_truncate;
--> statement-breakpoint
-- The rows of what dash_caseworker_moves holds now.
INSERT INTO dash_caseworker_move_days_by (month, caseworker_id, province_code, migrant_status, source, cohort, counts)
SELECT m.month, m.caseworker_id, m.province_code, m.migrant_status, m.source, m.cohort, array_agg(coalesce(t.n, 0) ORDER BY g.d)
FROM (
  SELECT x.month, x.caseworker_id, x.province_code, x.migrant_status, x.source, x.cohort, max(x.days) AS mx
  FROM dash_caseworker_moves x
  JOIN users u ON u.id = x.caseworker_id AND u.role = 'caseworker'
  GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(x.n) <> 0
) m
CROSS JOIN LATERAL generate_series(0, m.mx) AS g(d)
LEFT JOIN (
  SELECT month, caseworker_id, province_code, migrant_status, source, cohort, days, sum(n)::int AS n
  FROM dash_caseworker_moves GROUP BY 1, 2, 3, 4, 5, 6, 7
) t ON (t.month, t.caseworker_id, t.province_code, t.migrant_status, t.source, t.cohort, t.days)
     = (m.month, m.caseworker_id, m.province_code, m.migrant_status, m.source, m.cohort, g.d)
GROUP BY m.month, m.caseworker_id, m.province_code, m.migrant_status, m.source, m.cohort;
--> statement-breakpoint
-- dash_help_open: a help request opened, answered (or reopened), moved or deleted adds its
-- difference to the row of its participant's caseworker and dimensions at that moment.
CREATE FUNCTION dash_help_open_add(pid uuid, delta integer) RETURNS void LANGUAGE sql AS $$
  INSERT INTO dash_help_open AS t (caseworker_id, province_code, migrant_status, source, cohort, n)
  SELECT p.caseworker_id, p.province_code, p.migrant_status, p.source, coalesce(p.cohort, ''), delta
  FROM participants p WHERE p.id = pid AND p.caseworker_id IS NOT NULL
  ON CONFLICT (caseworker_id, province_code, migrant_status, source, cohort) DO UPDATE SET n = t.n + excluded.n
$$;
--> statement-breakpoint
CREATE FUNCTION dash_on_help_requests() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND (OLD.status, OLD.participant_id) IS NOT DISTINCT FROM (NEW.status, NEW.participant_id) THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'open' THEN
    PERFORM dash_help_open_add(OLD.participant_id, -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'open' THEN
    PERFORM dash_help_open_add(NEW.participant_id, 1);
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER dash_on_help_requests AFTER INSERT OR UPDATE OR DELETE ON help_requests
  FOR EACH ROW EXECUTE FUNCTION dash_on_help_requests();
--> statement-breakpoint
CREATE FUNCTION dash_on_help_requests_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM dash_help_open;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER dash_on_help_requests_truncate AFTER TRUNCATE ON help_requests
  FOR EACH STATEMENT EXECUTE FUNCTION dash_on_help_requests_truncate();
--> statement-breakpoint
-- A participant reassigned, or moved in a dimension: their open requests move with them.
CREATE FUNCTION dash_on_participant_help() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  k integer;
BEGIN
  SELECT count(*) INTO k FROM help_requests h WHERE h.participant_id = NEW.id AND h.status = 'open';
  IF k = 0 THEN
    RETURN NULL;
  END IF;
  INSERT INTO dash_help_open AS t (caseworker_id, province_code, migrant_status, source, cohort, n)
  SELECT d.cw, d.pc, d.ms, d.src, d.co, sum(d.s)::int FROM (
    SELECT OLD.caseworker_id AS cw, OLD.province_code AS pc, OLD.migrant_status AS ms, OLD.source AS src,
           coalesce(OLD.cohort, '') AS co, -k AS s
    WHERE OLD.caseworker_id IS NOT NULL
    UNION ALL
    SELECT NEW.caseworker_id, NEW.province_code, NEW.migrant_status, NEW.source, coalesce(NEW.cohort, ''), k
    WHERE NEW.caseworker_id IS NOT NULL
  ) d GROUP BY 1, 2, 3, 4, 5 HAVING sum(d.s) <> 0 ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (caseworker_id, province_code, migrant_status, source, cohort) DO UPDATE SET n = t.n + excluded.n;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER dash_on_participant_help AFTER UPDATE ON participants
  FOR EACH ROW
  WHEN ((OLD.caseworker_id, OLD.province_code, OLD.migrant_status, OLD.source, OLD.cohort)
        IS DISTINCT FROM (NEW.caseworker_id, NEW.province_code, NEW.migrant_status, NEW.source, NEW.cohort))
  EXECUTE FUNCTION dash_on_participant_help();
--> statement-breakpoint
-- dash_rebuild() (migration 0016) also empties and refills dash_help_open; the move tables
-- follow dash_caseworker_moves through their triggers.
CREATE OR REPLACE FUNCTION dash_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE participants, stage_changes, service_logs IN SHARE MODE;
  TRUNCATE dash_cohort, dash_country, dash_weekly, dash_reached, dash_spells, dash_services, dash_caseworker_services,
    dash_caseworker_moves, dash_caseload, dash_follow_ups, dash_help_open;

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

  -- Open help requests of assigned participants (migration 0024).
  INSERT INTO dash_help_open (caseworker_id, province_code, migrant_status, source, cohort, n)
  SELECT p.caseworker_id, p.province_code, p.migrant_status, p.source, coalesce(p.cohort, ''), count(*)
  FROM help_requests h JOIN participants p ON p.id = h.participant_id
  WHERE h.status = 'open' AND p.caseworker_id IS NOT NULL
  GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5;
END;
$$;
--> statement-breakpoint
-- What help_requests holds now.
INSERT INTO dash_help_open (caseworker_id, province_code, migrant_status, source, cohort, n)
SELECT p.caseworker_id, p.province_code, p.migrant_status, p.source, coalesce(p.cohort, ''), count(*)
FROM help_requests h JOIN participants p ON p.id = h.participant_id
WHERE h.status = 'open' AND p.caseworker_id IS NOT NULL
GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5;
