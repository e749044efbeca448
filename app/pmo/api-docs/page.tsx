import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { ScrollRegion } from "@/components/scroll-region";
import { openApiDocument } from "@/lib/api/openapi";
import { can } from "@/lib/data/permissions";
import { getUser, requireUserWith } from "@/lib/data/session";

export async function generateMetadata(): Promise<Metadata> {
  if (!can(await getUser(), "manage:api_client:any")) return {};
  return { title: (await getTranslations("pmoApiDocs"))("title") };
}

type Schema = { type?: string | string[]; format?: string; $ref?: string; enum?: unknown[]; description?: string };
type Parameter = { name: string; in: string; required?: boolean; description?: string; schema?: Schema };
type MediaType = { schema?: Schema; example?: unknown };
type Operation = {
  operationId?: string;
  summary?: string;
  description?: string;
  "x-scope"?: string;
  parameters?: Parameter[];
  requestBody?: { description?: string; content?: Record<string, MediaType> };
  responses: Record<string, { description?: string; content?: Record<string, MediaType> }>;
};

const typeOf = (s?: Schema): string => {
  if (!s) return "";
  if (s.$ref) return s.$ref.replace("#/components/schemas/", "");
  if (s.enum) return s.enum.map(String).join(" | ");
  return [Array.isArray(s.type) ? s.type.join(" | ") : s.type, s.format].filter(Boolean).join(", ");
};

/**
 * The partner API's reference for the PMO (issue 20), rendered on the server from the
 * OpenAPI document the API is tested against: operations, parameters, responses,
 * examples and schemas. No scripts from elsewhere (the CSP forbids them).
 */
export default async function ApiDocsPage() {
  await requireUserWith("manage:api_client:any");
  const t = await getTranslations("pmoApiDocs");
  const doc = openApiDocument();
  const operations = Object.entries((doc.paths ?? {}) as Record<string, Record<string, Operation>>).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
  );
  const schemas = Object.entries(doc.components?.schemas ?? {});
  const cell = "px-2 py-1 align-top";
  const json = (value: unknown) => JSON.stringify(value, null, 2);

  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-bold">{t("title")}</h1>
        <p className="mt-2 max-w-3xl text-slate-700">{doc.info.description}</p>
        <p className="mt-2 text-slate-700">
          {t("intro")}{" "}
          <a href="/api/v1/openapi.json" className="font-mono text-teal-800 underline">
            /api/v1/openapi.json
          </a>
        </p>
        <p className="mt-2 text-slate-700">{t("auth")}</p>
      </div>

      <nav aria-labelledby="api-docs-ops-h">
        <h2 id="api-docs-ops-h" className="text-lg font-semibold">
          {t("operations")}
        </h2>
        <ul className="list-disc pl-6">
          {operations.map(({ path, method, op }) => (
            <li key={`${method} ${path}`}>
              <a href={`#op-${op.operationId}`} className="text-teal-800 underline">
                <span className="font-mono">
                  {method} /api/v1{path}
                </span>
              </a>{" "}
              — {op.summary}
            </li>
          ))}
        </ul>
      </nav>

      {operations.map(({ path, method, op }) => {
        const id = op.operationId ?? `${method}-${path}`;
        const title = `${method} /api/v1${path}`;
        return (
          <section key={id} id={`op-${id}`} aria-labelledby={`op-${id}-h`} className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
            <h2 id={`op-${id}-h`} className="font-mono text-lg font-semibold">
              {title}
            </h2>
            <p className="font-medium">{op.summary}</p>
            {op.description ? <p className="max-w-3xl text-slate-700">{op.description}</p> : null}
            {op["x-scope"] ? (
              <p>
                {t("scope")}: <code className="font-mono">{op["x-scope"]}</code>
              </p>
            ) : null}
            {op.parameters?.length ? (
              <>
                <h3 id={`op-${id}-params`} className="font-semibold">
                  {t("parameters")}
                </h3>
                <ScrollRegion labelledBy={`op-${id}-params`}>
                  <table className="min-w-full text-sm">
                    <caption className="sr-only">{t("parametersTable", { operation: title })}</caption>
                    <thead>
                      <tr className="border-b border-slate-300 text-left">
                        <th scope="col" className={cell}>{t("paramName")}</th>
                        <th scope="col" className={cell}>{t("paramIn")}</th>
                        <th scope="col" className={cell}>{t("paramType")}</th>
                        <th scope="col" className={cell}>{t("paramDescription")}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {op.parameters.map((p) => (
                        <tr key={`${p.in}-${p.name}`} className="border-b border-slate-100">
                          <th scope="row" className={`${cell} text-left font-mono font-medium`}>
                            {p.name}
                            {p.required ? ` (${t("required")})` : ""}
                          </th>
                          <td className={cell}>{p.in}</td>
                          <td className={`${cell} font-mono text-xs`}>{typeOf(p.schema)}</td>
                          <td className={cell}>{p.description ?? p.schema?.description ?? ""}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </ScrollRegion>
              </>
            ) : null}
            {op.requestBody?.content ? (
              <>
                <h3 className="font-semibold">{t("requestBody")}</h3>
                {Object.entries(op.requestBody.content).map(([type, media]) => (
                  <p key={type} className="font-mono text-sm">
                    {type}: {typeOf(media.schema)}
                  </p>
                ))}
              </>
            ) : null}
            <h3 id={`op-${id}-responses`} className="font-semibold">
              {t("responses")}
            </h3>
            <ScrollRegion labelledBy={`op-${id}-responses`}>
              <table className="min-w-full text-sm">
                <caption className="sr-only">{t("responsesTable", { operation: title })}</caption>
                <thead>
                  <tr className="border-b border-slate-300 text-left">
                    <th scope="col" className={cell}>{t("status")}</th>
                    <th scope="col" className={cell}>{t("paramDescription")}</th>
                    <th scope="col" className={cell}>{t("paramType")}</th>
                  </tr>
                </thead>
                <tbody>
                  {Object.entries(op.responses).map(([status, r]) => (
                    <tr key={status} className="border-b border-slate-100">
                      <th scope="row" className={`${cell} text-left font-mono font-medium`}>{status}</th>
                      <td className={cell}>{r.description}</td>
                      <td className={`${cell} font-mono text-xs`}>
                        {Object.entries(r.content ?? {})
                          .map(([type, media]) => `${type}: ${typeOf(media.schema)}`)
                          .join("; ")}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </ScrollRegion>
            {Object.entries(op.responses)
              .filter(([status, r]) => status.startsWith("2") && Object.values(r.content ?? {}).some((m) => m.example !== undefined))
              .map(([status, r]) => (
                <div key={status}>
                  <h3 id={`op-${id}-example-${status}`} className="font-semibold">
                    {t("example")} ({status})
                  </h3>
                  <ScrollRegion labelledBy={`op-${id}-example-${status}`}>
                    <pre className="rounded-md bg-slate-100 p-3 text-xs text-slate-900">{json(Object.values(r.content ?? {})[0].example)}</pre>
                  </ScrollRegion>
                </div>
              ))}
          </section>
        );
      })}

      <section aria-labelledby="api-docs-schemas-h" className="space-y-3">
        <h2 id="api-docs-schemas-h" className="text-lg font-semibold">
          {t("schemas")}
        </h2>
        {schemas.map(([name, schema]) => (
          <div key={name} id={`schema-${name}`}>
            <h3 id={`schema-${name}-h`} className="font-mono font-semibold">
              {name}
            </h3>
            <ScrollRegion labelledBy={`schema-${name}-h`}>
              <pre className="rounded-md bg-slate-100 p-3 text-xs text-slate-900">{json(schema)}</pre>
            </ScrollRegion>
          </div>
        ))}
      </section>
    </div>
  );
}
