-- The automatic assignment rule within the participant's region (issue 19,
-- docs/decisions/030-coordinators-manage-caseworkers.md): an enabled caseworker of the
-- participant's province with the smallest open caseload; when the province has none, the
-- same among the caseworkers of the other provinces of the province's region (a
-- caseworker belongs to the region of their province, decision 028), and never outside
-- it: a region without an enabled caseworker leaves the participant waiting for its
-- coordinator. A province in no region falls back, as before, to the caseworkers outside
-- every region (no province, or a province in no region); with no regions at all that is
-- every enabled caseworker, as decision 020 had it.
--
-- The locks are 0009's: the province's (20, province) first, then (20, 0) for any
-- fallback, always in that order. register_participant (0009) calls this function and is
-- unchanged; the rule still runs inside the registration's one statement.
CREATE OR REPLACE FUNCTION auto_assign_choice(province text)
RETURNS TABLE (chosen_id uuid, chosen_name text, same_province boolean) AS $$
DECLARE
  home_region uuid;
BEGIN
  PERFORM pg_advisory_xact_lock(20, province::int);
  RETURN QUERY
    SELECT u.id, u.name, true
    FROM users u
    CROSS JOIN LATERAL (
      SELECT count(*) AS n FROM participants p
      WHERE p.caseworker_id = u.id AND p.stage NOT IN ('completed', 'withdrawn')
    ) c
    WHERE u.role = 'caseworker' AND u.disabled_at IS NULL AND u.province_code = province
    ORDER BY c.n, u.id
    LIMIT 1
    FOR SHARE OF u;
  IF FOUND THEN
    RETURN;
  END IF;
  SELECT rp.region_id INTO home_region FROM region_provinces rp WHERE rp.province_code = province;
  PERFORM pg_advisory_xact_lock(20, 0);
  RETURN QUERY
    SELECT u.id, u.name, false
    FROM users u
    LEFT JOIN region_provinces urp ON urp.province_code = u.province_code
    CROSS JOIN LATERAL (
      SELECT count(*) AS n FROM participants p
      WHERE p.caseworker_id = u.id AND p.stage NOT IN ('completed', 'withdrawn')
    ) c
    WHERE u.role = 'caseworker' AND u.disabled_at IS NULL
      AND urp.region_id IS NOT DISTINCT FROM home_region
    ORDER BY c.n, u.id
    LIMIT 1
    FOR SHARE OF u;
END;
$$ LANGUAGE plpgsql;
