import { sql, type SQL } from "drizzle-orm";

/**
 * participants.last_contact_on and next_follow_up_on summarise service_logs so that a
 * caseload sorts by an index. This is the one definition of both: the data layer runs
 * it in the transaction that writes a log, the seed for everyone, and a test compares
 * the columns with it.
 *   last_contact_on   = the latest date a service was given (corrected records excluded)
 *   next_follow_up_on = the follow-up date of the latest record still in force
 * Both from caseworkers' records only: a fact the Prakerja PMO reported (source
 * 'prakerja') is no contact and carries no follow-up (docs/decisions/033).
 */
export function refreshContactSummary(participantId?: string): SQL {
  const inForce = sql`l.participant_id = p.id and l.source = 'caseworker' and not exists (select 1 from service_logs c where c.corrects_id = l.id)`;
  return sql`
    update participants p set
      last_contact_on = (select max(l.occurred_on) from service_logs l where ${inForce}),
      next_follow_up_on = (
        select l.next_follow_up_on from service_logs l where ${inForce}
        order by l.occurred_on desc, l.created_at desc limit 1
      )
    ${participantId ? sql`where p.id = ${participantId}` : sql``}
  `;
}
