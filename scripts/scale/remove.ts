// Taking out what a benchmark added to the scale database.
import type postgres from "postgres";

/**
 * Deletes the participants listed in the temp table `gone` (id, user_id) with their stage
 * changes and accounts, and every audit event after `auditBefore`. The append-only tables
 * refuse deletes, so this runs in replica mode, where no trigger fires: the dashboard
 * counters are put right by hand (the dashboard figure's full count checks them). A few
 * thousand participants are taken off one by one with dash_apply, as the delete trigger
 * would; an import's hundred thousand would take minutes that way (4 ms each), so those
 * are recounted with dash_rebuild (2-3 minutes at 1M).
 */
export async function removeGone(
  tx: postgres.TransactionSql,
  auditBefore: string | null,
  alsoFirst: () => Promise<unknown> = async () => {},
): Promise<void> {
  const [{ n }] = await tx<{ n: number }[]>`select count(*)::int as n from gone`;
  const rebuild = n > 5_000;
  if (!rebuild) {
    await tx`select dash_apply(p, '{}', '{}', null, array['row', 'journey', 'services'])
             from participants p where p.id in (select id from gone) order by p.id`;
  }
  await tx`set local session_replication_role = replica`;
  await alsoFirst();
  await tx`delete from stage_changes where participant_id in (select id from gone)`;
  await tx`delete from participants where id in (select id from gone)`;
  await tx`delete from users where id in (select user_id from gone)`;
  await tx`delete from audit_events where id > ${auditBefore ?? 0}::bigint`;
  if (rebuild) {
    await tx`set local session_replication_role = origin`;
    await tx`select dash_rebuild()`;
  }
}
