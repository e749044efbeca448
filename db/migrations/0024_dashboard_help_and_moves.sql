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
-- dash_caseworker_move_days_by is dash_caseworker_move_days (migration 0017) keyed also by
-- the participants' dimensions (docs/decisions/038). The one row trigger on
-- dash_caseworker_moves now adds each counter row's difference to both, and its TRUNCATE
-- trigger empties both; both stay ENABLE ALWAYS (0017).
CREATE OR REPLACE FUNCTION dash_caseworker_move_days_apply() RETURNS trigger LANGUAGE plpgsql AS $$
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
  INSERT INTO dash_caseworker_move_days AS t (month, caseworker_id, counts)
  VALUES (r.month, r.caseworker_id, array_fill(0, ARRAY[r.days]) || delta)
  ON CONFLICT (month, caseworker_id) DO UPDATE SET counts[r.days + 1] = coalesce(t.counts[r.days + 1], 0) + delta;
  INSERT INTO dash_caseworker_move_days_by AS t (month, caseworker_id, province_code, migrant_status, source, cohort, counts)
  VALUES (r.month, r.caseworker_id, r.province_code, r.migrant_status, r.source, r.cohort, array_fill(0, ARRAY[r.days]) || delta)
  ON CONFLICT (month, caseworker_id, province_code, migrant_status, source, cohort)
    DO UPDATE SET counts[r.days + 1] = coalesce(t.counts[r.days + 1], 0) + delta;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION dash_caseworker_move_days_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM dash_caseworker_move_days;
  DELETE FROM dash_caseworker_move_days_by;
  RETURN NULL;
END;
$$;
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
-- dash_help_open: k open requests taken off the row of a participant as they were (o) and
-- added to the row of a participant as they are (n), in one statement in key order (as the
-- other counters, so two writers moving requests between the same rows do not deadlock).
-- A participant without a caseworker (or none: a null row) has no row.
CREATE FUNCTION dash_help_open_move(o participants, n participants, k integer) RETURNS void LANGUAGE sql AS $$
  INSERT INTO dash_help_open AS t (caseworker_id, province_code, migrant_status, source, cohort, n)
  SELECT d.cw, d.pc, d.ms, d.src, d.co, sum(d.s)::int FROM (
    SELECT o.caseworker_id AS cw, o.province_code AS pc, o.migrant_status AS ms, o.source AS src,
           coalesce(o.cohort, '') AS co, -k AS s
    WHERE o.caseworker_id IS NOT NULL
    UNION ALL
    SELECT n.caseworker_id, n.province_code, n.migrant_status, n.source, coalesce(n.cohort, ''), k
    WHERE n.caseworker_id IS NOT NULL
  ) d GROUP BY 1, 2, 3, 4, 5 HAVING sum(d.s) <> 0 ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (caseworker_id, province_code, migrant_status, source, cohort) DO UPDATE SET n = t.n + excluded.n
$$;
--> statement-breakpoint
-- A help request opened, answered, moved to another participant or deleted: its
-- participant's row (as the participant is now) loses or gains it.
CREATE FUNCTION dash_on_help_requests() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  o participants;
  n participants;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'open' THEN
    SELECT * INTO o FROM participants p WHERE p.id = OLD.participant_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'open' THEN
    SELECT * INTO n FROM participants p WHERE p.id = NEW.participant_id;
  END IF;
  PERFORM dash_help_open_move(o, n, 1);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER dash_on_help_requests AFTER INSERT OR DELETE ON help_requests
  FOR EACH ROW EXECUTE FUNCTION dash_on_help_requests();
--> statement-breakpoint
CREATE TRIGGER dash_on_help_requests_update AFTER UPDATE ON help_requests
  FOR EACH ROW WHEN ((OLD.status, OLD.participant_id) IS DISTINCT FROM (NEW.status, NEW.participant_id))
  EXECUTE FUNCTION dash_on_help_requests();
--> statement-breakpoint
-- A participant reassigned, or moved in a dimension: their open requests move with them.
CREATE FUNCTION dash_on_participant_help() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM dash_help_open_move(OLD, NEW, count(*)::int)
  FROM help_requests h WHERE h.participant_id = NEW.id AND h.status = 'open' HAVING count(*) > 0;
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
-- The whole counter from the rows: for this migration, dash_rebuild() and a TRUNCATE of
-- help_requests (which finds none).
CREATE FUNCTION dash_help_open_refill() RETURNS void LANGUAGE sql AS $$
  DELETE FROM dash_help_open;
  INSERT INTO dash_help_open (caseworker_id, province_code, migrant_status, source, cohort, n)
  SELECT p.caseworker_id, p.province_code, p.migrant_status, p.source, coalesce(p.cohort, ''), count(*)
  FROM help_requests h JOIN participants p ON p.id = h.participant_id
  WHERE h.status = 'open' AND p.caseworker_id IS NOT NULL
  GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5;
$$;
--> statement-breakpoint
CREATE FUNCTION dash_on_help_requests_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM dash_help_open_refill();
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER dash_on_help_requests_truncate AFTER TRUNCATE ON help_requests
  FOR EACH STATEMENT EXECUTE FUNCTION dash_on_help_requests_truncate();
--> statement-breakpoint
-- dash_rebuild() recomputes every counter: the one of migration 0016 (kept, under the name
-- dash_rebuild_counters; a later change to it replaces that function), then dash_help_open.
ALTER FUNCTION dash_rebuild() RENAME TO dash_rebuild_counters;
--> statement-breakpoint
CREATE FUNCTION dash_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE help_requests IN SHARE MODE;
  PERFORM dash_rebuild_counters();
  PERFORM dash_help_open_refill();
END;
$$;
--> statement-breakpoint
SELECT dash_help_open_refill();
