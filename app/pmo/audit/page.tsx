import type { Metadata } from "next";
import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { auditFilterOptions, listAuditEvents, type AuditRow } from "@/lib/data/audit-log";
import { sentenceKey, sentenceValues } from "@/lib/i18n/audit-sentences";
import { canAny, READ_AUDIT } from "@/lib/data/permissions";
import { getUser, requireUserWithAny } from "@/lib/data/session";
import { auditQuerySchema, type AuditQuery } from "@/lib/validation/pmo-staff";
import { queryFields } from "@/lib/validation/query";

export async function generateMetadata(): Promise<Metadata> {
  // Metadata renders before the page refuses: other roles get the site's default title.
  if (!canAny(await getUser(), READ_AUDIT)) return {};
  return { title: (await getTranslations("pmoAudit"))("title") };
}

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function pageHref(query: AuditQuery, page: number): string {
  const params = new URLSearchParams();
  if (query.actorId) params.set("actorId", query.actorId);
  if (query.action) params.set("action", query.action);
  if (query.record) params.set("record", query.record);
  if (query.from) params.set("from", query.from);
  if (query.to) params.set("to", query.to);
  if (page > 1) params.set("page", String(page));
  const s = params.toString();
  return `/pmo/audit${s ? `?${s}` : ""}`;
}

/** A value of the before/after objects, short: text as is, anything else as JSON. */
function show(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

/** The before or after of an event as a key: value list (or compact JSON when not an object). */
function Values({ value, nothing }: { value: unknown; nothing: string }) {
  if (value === null || value === undefined) return <span className="text-slate-500">{nothing}</span>;
  if (typeof value !== "object" || Array.isArray(value)) return <code className="break-all">{JSON.stringify(value)}</code>;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return <span className="text-slate-500">{nothing}</span>;
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-2 font-mono text-xs">
      {entries.map(([k, v]) => (
        <div key={k} className="contents">
          <dt className="text-slate-600">{k}:</dt>
          <dd className="break-all">{show(v)}</dd>
        </div>
      ))}
    </dl>
  );
}

const input = "rounded-md border border-slate-400 px-3 py-2";

/** Events told as one sentence: assignments one person made together to the same caseworker. */
const TOLD_TOGETHER = new Set(["participant.assign", "participant.unassign"]);

function groupEvents(rows: AuditRow[]): AuditRow[][] {
  const groups: AuditRow[][] = [];
  for (const row of rows) {
    const last = groups.at(-1)?.[0];
    const together =
      last &&
      TOLD_TOGETHER.has(row.action) &&
      row.action === last.action &&
      row.actorId === last.actorId &&
      row.createdAt.getTime() === last.createdAt.getTime() &&
      JSON.stringify((row.after as { caseworkerId?: unknown } | null)?.caseworkerId ?? null) ===
        JSON.stringify((last.after as { caseworkerId?: unknown } | null)?.caseworkerId ?? null);
    if (together) groups.at(-1)!.push(row);
    else groups.push([row]);
  }
  return groups;
}

export default async function AuditPage({ searchParams }: { searchParams: SearchParams }) {
  const viewer = await requireUserWithAny(READ_AUDIT);
  const query = auditQuerySchema.parse(queryFields(await searchParams));
  const [log, options] = await Promise.all([listAuditEvents(viewer, query), auditFilterOptions(viewer)]);
  const t = await getTranslations("pmoAudit");
  const format = await getFormatter();
  const roleName = (role: string | null) => (role && t.has(`role.${role}` as never) ? t(`role.${role}` as never) : (role ?? t("role.system")));
  const tStage = await getTranslations("stage");
  const words = {
    system: t("system"),
    someone: t("someone"),
    stage: (code: string) => (tStage.has(code as never) ? tStage(code as never) : code),
  };
  const entityName = (type: string) => (t.has(`entity.${type}` as never) ? t(`entity.${type}` as never) : type);
  const staffGroups = [
    ["pmo", t("pmoGroup")],
    ["coordinator", t("coordinatorGroup")],
    ["caseworker", t("caseworkerGroup")],
  ] as const;
  const filtered = Boolean(query.actorId || query.action || query.record || query.from || query.to);

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">{t("title")}</h1>
        <p className="mt-2 max-w-3xl text-slate-700">{canAny(viewer, ["read:audit:any"]) ? t("intro") : t("introRegion")}</p>
      </div>

      <form method="get" action="/pmo/audit" role="search" aria-label={t("filterTitle")} className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-4">
        <div>
          <label htmlFor="actorId" className="block text-sm font-medium">
            {t("actorId")}
          </label>
          <select id="actorId" name="actorId" defaultValue={query.actorId ?? ""} className={`${input} w-full`}>
            <option value="">{t("anyActor")}</option>
            <option value="system">{t("system")}</option>
            {staffGroups.map(([role, label]) => (
              <optgroup key={role} label={label}>
                {options.staff
                  .filter((s) => s.role === role)
                  .map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.name}
                      {s.email ? ` (${s.email})` : ""}
                    </option>
                  ))}
              </optgroup>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="action" className="block text-sm font-medium">
            {t("action")}
          </label>
          <select id="action" name="action" defaultValue={query.action} className={`${input} w-full`}>
            <option value="">{t("anyAction")}</option>
            {options.actions.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="record" className="block text-sm font-medium">
            {t("record")}
          </label>
          <input id="record" name="record" type="search" defaultValue={query.record} maxLength={100} aria-describedby="record-hint" className={`${input} w-full font-mono`} />
          <p id="record-hint" className="text-xs text-slate-600">
            {t("recordHint")}
          </p>
        </div>
        <div>
          <label htmlFor="from" className="block text-sm font-medium">
            {t("from")}
          </label>
          <input id="from" name="from" type="date" defaultValue={query.from ?? ""} className={`${input} w-full`} />
        </div>
        <div>
          <label htmlFor="to" className="block text-sm font-medium">
            {t("to")}
          </label>
          <input id="to" name="to" type="date" defaultValue={query.to ?? ""} className={`${input} w-full`} />
        </div>
        <div className="flex items-end gap-3 sm:col-span-2">
          <button type="submit" className="rounded-md bg-teal-800 px-4 py-2 font-semibold text-white">
            {t("apply")}
          </button>
          {filtered ? (
            <Link href="/pmo/audit" className="text-teal-800 underline">
              {t("reset")}
            </Link>
          ) : null}
        </div>
      </form>

      <p className="text-sm text-slate-700">{t("results", { count: log.total })}</p>

      {log.rows.length === 0 ? (
        <p>{t("empty")}</p>
      ) : (
        <ol className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white" aria-label={t("tableLabel")}>
          {groupEvents(log.rows).map((group) => {
            const e = group[0];
            const key = sentenceKey(e.action);
            const values = sentenceValues(e, words, group.length > 1 ? group.length : undefined);
            const sentence = t.has(key as never) ? t(key as never, values as never) : t("sentenceUnknown", values);
            return (
              <li key={e.id} data-event-id={e.id} data-action={e.action} className="space-y-1 p-3">
                <p className="text-sm text-slate-600 tabular-nums">
                  <time dateTime={e.createdAt.toISOString()}>
                    {format.dateTime(e.createdAt, { dateStyle: "medium", timeStyle: "medium", timeZone: "Asia/Jakarta" })}
                  </time>
                  {e.actorId ? ` · ${roleName(e.actorRole)}` : null}
                </p>
                <p className="font-medium" data-sentence>
                  {sentence}
                </p>
                {/* The raw record stays one click away; <details> opens without JavaScript. */}
                <details className="text-sm">
                  <summary className="cursor-pointer text-teal-800 underline">
                    {group.length > 1 ? `${t("detailsOf")} (${t("events", { count: group.length })})` : t("detailsOf")}
                  </summary>
                  <div className="mt-2 space-y-3">
                    {group.map((g) => (
                      <dl key={g.id} data-raw-event={g.id} className="grid gap-x-3 gap-y-1 sm:grid-cols-[auto_1fr]">
                        <dt className="text-slate-600">{t("what")}</dt>
                        <dd className="font-mono text-xs" data-part="action">
                          {g.action}
                        </dd>
                        <dt className="text-slate-600">{t("on")}</dt>
                        <dd data-part="record">
                          <span className="mr-1 text-xs text-slate-600">{entityName(g.entityType)}</span>
                          {g.entityId && g.entityType === "participant" && UUID.test(g.entityId) ? (
                            <Link href={`/pmo/participants/${g.entityId}`} className="break-all font-mono text-xs text-teal-800 underline">
                              {g.entityId}
                            </Link>
                          ) : (
                            <span className="break-all font-mono text-xs">{g.entityId ?? t("nothing")}</span>
                          )}
                        </dd>
                        <dt className="text-slate-600">{t("before")}</dt>
                        <dd data-part="before">
                          <Values value={g.before} nothing={t("nothing")} />
                        </dd>
                        <dt className="text-slate-600">{t("after")}</dt>
                        <dd data-part="after">
                          <Values value={g.after} nothing={t("nothing")} />
                        </dd>
                      </dl>
                    ))}
                  </div>
                </details>
              </li>
            );
          })}
        </ol>
      )}

      {log.pageCount > 1 ? (
        <nav aria-label={t("pagination")} className="flex items-center justify-between">
          {log.page > 1 ? (
            <Link href={pageHref(query, log.page - 1)} className="underline">
              {t("previous")}
            </Link>
          ) : (
            <span />
          )}
          <span>{t("page", { page: log.page, pages: log.pageCount })}</span>
          {log.page < log.pageCount ? (
            <Link href={pageHref(query, log.page + 1)} className="underline">
              {t("next")}
            </Link>
          ) : (
            <span />
          )}
        </nav>
      ) : null}
    </div>
  );
}
