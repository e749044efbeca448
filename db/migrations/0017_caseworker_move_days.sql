CREATE TABLE "dash_caseworker_move_days" (
	"month" date NOT NULL,
	"caseworker_id" uuid NOT NULL,
	"counts" integer[] NOT NULL,
	CONSTRAINT "dash_caseworker_move_days_month_caseworker_id_pk" PRIMARY KEY("month","caseworker_id")
);

--> statement-breakpoint
-- dash_caseworker_move_days follows dash_caseworker_moves (docs/decisions/027): every change
-- of a counter row of a caseworker adds its difference to counts[days + 1] of the row of
-- its month and caseworker, in the same transaction; a TRUNCATE of the source (dash_rebuild)
-- empties it, and the rebuild's inserts fill it again. Moves recorded by anyone but a
-- caseworker stay out (the table is the caseworker table's).
CREATE FUNCTION dash_caseworker_move_days_apply() RETURNS trigger LANGUAGE plpgsql AS $$
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
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER dash_caseworker_move_days_apply AFTER INSERT OR UPDATE OR DELETE ON dash_caseworker_moves
  FOR EACH ROW EXECUTE FUNCTION dash_caseworker_move_days_apply();
--> statement-breakpoint
-- DELETE, not TRUNCATE: the source may be truncated in one statement with this table
-- (db/truncate.ts), which a nested TRUNCATE of it would refuse.
CREATE FUNCTION dash_caseworker_move_days_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM dash_caseworker_move_days;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER dash_caseworker_move_days_truncate AFTER TRUNCATE ON dash_caseworker_moves
  FOR EACH STATEMENT EXECUTE FUNCTION dash_caseworker_move_days_truncate();
--> statement-breakpoint
-- The rows of what dash_caseworker_moves holds now (migration 0016 filled it).
INSERT INTO dash_caseworker_move_days (month, caseworker_id, counts)
SELECT m.month, m.caseworker_id, array_agg(coalesce(t.n, 0) ORDER BY g.d)
FROM (
  SELECT x.month, x.caseworker_id, max(x.days) AS mx FROM dash_caseworker_moves x
  JOIN users u ON u.id = x.caseworker_id AND u.role = 'caseworker'
  GROUP BY 1, 2 HAVING sum(x.n) <> 0
) m
CROSS JOIN LATERAL generate_series(0, m.mx) AS g(d)
LEFT JOIN (
  SELECT month, caseworker_id, days, sum(n)::int AS n FROM dash_caseworker_moves GROUP BY 1, 2, 3
) t ON t.month = m.month AND t.caseworker_id = m.caseworker_id AND t.days = g.d
GROUP BY m.month, m.caseworker_id;
--> statement-breakpoint
-- ALWAYS: also under session_replication_role = replica, in which `npm run seed:scale`
-- loads its rows and runs dash_rebuild(); this table must follow its source whatever writes it.
ALTER TABLE dash_caseworker_moves ENABLE ALWAYS TRIGGER dash_caseworker_move_days_apply;
--> statement-breakpoint
ALTER TABLE dash_caseworker_moves ENABLE ALWAYS TRIGGER dash_caseworker_move_days_truncate;
