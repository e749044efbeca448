// The daily reminder run of `npm run bench -- --only reminders`: N participants of the
// scale database made due (their card dated so that the purchase deadline is 0–3 days
// away), what the run adds taken out again, and the same messages written by plain SQL.
//
// The changed card dates are kept in a table of the bench's own (bench_reminder_cards)
// until they are put back, so that a run that died midway is undone by the next one
// (restoreReminderRun at its start) rather than leaving participants due for ever.
import type postgres from "postgres";

type Sql = postgres.Sql | postgres.TransactionSql;

/** The days of lib/data/casework.ts (PURCHASE_DEADLINE_DAYS, DEADLINE_WARNING_DAYS). */
const PURCHASE_DAYS = 15;
const WARNING_DAYS = 3;

/** lib/data/reminders.ts deadlineWithin, with an account (what queueDeadlineReminders selects), in SQL. */
export function dueWhere(sql: Sql, today: string) {
  return sql`p.user_id is not null and p.card_received_on is not null and p.training_bought_on is null
    and p.stage in ('registration', 'training')
    and p.card_received_on between ${today}::date - ${PURCHASE_DAYS}::int and ${today}::date + ${WARNING_DAYS - PURCHASE_DAYS}::int`;
}

export async function countDue(sql: Sql, today: string): Promise<number> {
  const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from participants p where ${dueWhere(sql, today)}`;
  return n;
}

/**
 * Makes `n` participants due today: participants with an account, a phone, no email (so
 * that every channel rule sends them WhatsApp once it is configured), WhatsApp not opted
 * out nor unreachable, in registration or training without a bought training, and not
 * due already. Their card is dated 12–15 days ago (0–3 days left, spread evenly); the
 * old dates are kept in bench_reminder_cards. Returns how many were made due.
 */
export async function makeDue(sql: postgres.Sql, n: number, today: string): Promise<number> {
  return sql.begin(async (tx) => {
    await tx`create table bench_reminder_cards (participant_id uuid primary key, card_received_on date, started_at timestamptz not null default now())`;
    await tx`
      insert into bench_reminder_cards (participant_id, card_received_on)
      select p.id, p.card_received_on from participants p join users u on u.id = p.user_id
      where p.stage in ('registration', 'training') and p.training_bought_on is null and p.erased_at is null
        and u.phone is not null and u.email is null and u.whatsapp_opted_out_at is null and u.whatsapp_unreachable_at is null
        and not (${dueWhere(tx, today)})
      order by p.id limit ${n}`;
    // 0, 1, 2 or 3 days left, in turn.
    const changed = await tx`
      update participants p set card_received_on = ${today}::date - ${PURCHASE_DAYS}::int + (s.k % ${WARNING_DAYS + 1})::int
      from (select participant_id, row_number() over (order by participant_id) as k from bench_reminder_cards) s
      where p.id = s.participant_id`;
    return changed.count;
  });
}

/**
 * Undoes a reminder run, or what a dead one left: the card dates back, and every
 * deadline_reminder message written since the run began taken out with its delivery
 * jobs (pending, done or archived) and the send pace row it made; audit events after
 * `auditBefore` (when given) too. The audit log refuses deletes: replica mode, as
 * scripts/scale/remove.ts. Returns what was restored and removed, or null when there
 * was nothing to undo.
 */
export async function restoreReminderRun(
  sql: postgres.Sql,
  opts: { auditBefore?: string | null; paceKey?: string | null } = {},
): Promise<{ cards: number; messages: number; jobs: number; audit: number } | null> {
  const [{ exists }] = await sql<{ exists: boolean }[]>`select to_regclass('bench_reminder_cards') is not null as exists`;
  if (!exists) return null;
  return sql.begin(async (tx) => {
    const cards = await tx`
      update participants p set card_received_on = s.card_received_on
      from bench_reminder_cards s where p.id = s.participant_id`;
    await tx`create temp table gone_messages on commit drop as
             select m.id from outbox_messages m
             where m.kind = 'deadline_reminder' and m.created_at >= (select min(started_at) from bench_reminder_cards)`;
    let jobs = 0;
    for (const table of ["job", "archive"]) {
      const [{ present }] = await tx<{ present: boolean }[]>`select to_regclass(${`pgboss.${table}`}) is not null as present`;
      if (!present) continue;
      const removed = await tx`
        delete from ${tx("pgboss")}.${tx(table)}
        where name in ('outbox-deliver', 'outbox-failed') and (data ->> 'messageId')::uuid in (select id from gone_messages)`;
      jobs += removed.count;
    }
    const messages = await tx`delete from outbox_messages where id in (select id from gone_messages)`;
    if (opts.paceKey) await tx`delete from send_pace where key = ${opts.paceKey}`;
    let audit = 0;
    if (opts.auditBefore !== undefined) {
      await tx`set local session_replication_role = replica`;
      audit = (await tx`delete from audit_events where id > ${opts.auditBefore ?? 0}::bigint`).count;
    }
    await tx`drop table bench_reminder_cards`;
    return { cards: cards.count, messages: messages.count, jobs, audit };
  });
}

/**
 * The plain SQL beside queueDeadlineReminders: the same messages (channel as today's
 * recipientOf: email when the account has one, else WhatsApp; subject and body with the
 * name and the date, the template's values) and their delivery jobs with the queue's
 * settings, in one statement, rolled back. Returns the milliseconds and the rows written.
 */
export async function plainReminders(sql: postgres.Sql, today: string): Promise<{ ms: number; messages: number; jobs: number }> {
  class Rollback extends Error {}
  let result = { ms: 0, messages: 0, jobs: 0 };
  const t0 = performance.now();
  await sql
    .begin(async (tx) => {
      const [row] = await tx<{ messages: number; jobs: number }[]>`
        with due as (
          select p.id, p.full_name, u.email, u.phone, p.card_received_on + ${PURCHASE_DAYS}::int as deadline
          from participants p join users u on u.id = p.user_id where ${dueWhere(tx, today)}
        ),
        written as (
          insert into outbox_messages (channel, recipient, subject, body, kind, participant_id, dedupe_key, template_values)
          select case when email is not null then 'email' else 'whatsapp' end, coalesce(email, phone),
                 case when email is not null then 'Batas waktu pembelian pelatihan' end,
                 format('Halo %s, batas waktu pembelian pelatihan Anda adalah %s (%s hari lagi).', full_name,
                        to_char(deadline, 'FMDD Month YYYY'), deadline - ${today}::date),
                 'deadline_reminder', id, format('deadline:%s:%s', id, deadline),
                 case when email is null then jsonb_build_object('name', full_name, 'date', to_char(deadline, 'FMDD Month YYYY'),
                                                                  'daysLeft', format('%s hari', deadline - ${today}::date)) end
          from due
          on conflict (dedupe_key) do nothing
          returning id
        ),
        queued as (
          insert into pgboss.job (name, data, dead_letter, expire_in, retry_limit, retry_delay, retry_backoff, policy)
          select q.name, jsonb_build_object('messageId', w.id), q.dead_letter, q.expire_seconds * interval '1s',
                 q.retry_limit, q.retry_delay, q.retry_backoff, q.policy
          from written w cross join pgboss.queue q where q.name = 'outbox-deliver'
          returning id
        )
        select (select count(*)::int from written) as messages, (select count(*)::int from queued) as jobs`;
      result = { ms: performance.now() - t0, messages: row.messages, jobs: row.jobs };
      throw new Rollback();
    })
    .catch((error) => {
      if (!(error instanceof Rollback)) throw error;
    });
  return result;
}
