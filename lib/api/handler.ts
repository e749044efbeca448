import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { ApiScope } from "@/db/schema";
import { hasApiScope, type ApiClientActor } from "@/lib/data/api-actor";
import { recordApiCall, takeApiRequest } from "@/lib/data/api-calls";
import { authenticateApiKey } from "@/lib/data/api-clients";
import { logError } from "@/lib/log";
import { API_HEADERS, problem, zodFields, type ProblemStatus } from "./problem";
import { readCapped } from "@/lib/http/read-capped";

// One door for every /api/v1 route (docs/decisions/031): in this order, each step
// answering a problem-details refusal before anything is read or written:
//   1. a NIK (16 digits) anywhere in the query string: 400 (a NIK goes in a body, never a
//      URL, which proxies and logs keep);
//   2. the key (Authorization: Bearer ppmi_…): 401 when absent, malformed, unknown, revoked
//      or expired;
//   3. the route's scope: 403;
//   4. the client's rate limit: 429 with Retry-After;
//   5. a body: 413 past the limit (by Content-Length at once, else while reading), 415 not
//      JSON, 400 malformed JSON;
// then the route's own work, whose notFound()/forbidden() from the data layer become 404
// and 403, a zod error 400, anything else 500 with an error id (logged, never the stack).
// Each call of a known client is audited (api.call) with its status and record count.

/** The largest body /api/v1 reads: a batch of 10,000 status events fits well inside. */
export const API_MAX_BODY_BYTES = 5 * 1024 * 1024;

const NIK_IN_QUERY = /(?<!\d)\d{16}(?!\d)/;

export class ApiRefusal extends Error {
  constructor(
    readonly status: ProblemStatus,
    readonly detail: string,
    readonly fields?: { field: string; message: string }[],
  ) {
    super(detail);
  }
}

export type ApiContext = {
  actor: ApiClientActor;
  request: Request;
  url: URL;
  /** The query's parameters (each once; a repeated one is refused by the schema). */
  query: Record<string, string | string[]>;
  /** The parsed JSON body (POST), else undefined. */
  body: unknown;
  /** The path's dynamic segments. */
  params: Record<string, string>;
};

export type ApiAnswer = { status: number; body: unknown; headers?: Record<string, string>; count?: number | null };

type RouteOptions = { route: string; scope: ApiScope; body?: boolean };

function queryOf(url: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(key);
    out[key] = all.length === 1 ? all[0] : all;
  }
  return out;
}

function queryHasNik(url: URL): boolean {
  let decoded = url.search;
  try {
    decoded = decodeURIComponent(url.search.replace(/\+/g, " "));
  } catch {
    // Malformed escapes: look at the raw text and the parsed parameters.
  }
  // Each name and value on its own, also with separators taken out ("3174 0157 …").
  const parts = [...url.searchParams].flat();
  return NIK_IN_QUERY.test(url.search) || NIK_IN_QUERY.test(decoded) || parts.some((p) => NIK_IN_QUERY.test(p.replace(/[\s.-]/g, "")));
}

function bearerKey(request: Request): string | null {
  const header = request.headers.get("authorization");
  const match = header ? /^Bearer\s+(\S{1,200})\s*$/i.exec(header) : null;
  return match ? match[1] : null;
}

async function readJson(request: Request): Promise<{ ok: true; body: unknown } | { ok: false; response: Response }> {
  const path = new URL(request.url).pathname;
  const declared = request.headers.get("content-length");
  if (declared !== null && (!/^\d+$/.test(declared) || Number(declared) > API_MAX_BODY_BYTES)) {
    return { ok: false, response: problem(413, `The body is larger than ${API_MAX_BODY_BYTES} bytes.`, { instance: path, headers: { Connection: "close" } }) };
  }
  const type = (request.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/json") {
    return { ok: false, response: problem(415, "Send the body as application/json.", { instance: path }) };
  }
  const raw = await readCapped(request, API_MAX_BODY_BYTES);
  if (raw === null) {
    return { ok: false, response: problem(413, `The body is larger than ${API_MAX_BODY_BYTES} bytes.`, { instance: path, headers: { Connection: "close" } }) };
  }
  try {
    return { ok: true, body: JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(raw)) };
  } catch {
    return { ok: false, response: problem(400, "The body is not valid JSON (UTF-8).", { instance: path, type: "malformed-json" }) };
  }
}

function nextHttpStatus(error: unknown): 403 | 404 | null {
  const digest = (error as { digest?: unknown } | null)?.digest;
  if (typeof digest !== "string") return null;
  const match = /^NEXT_HTTP_ERROR_FALLBACK;(\d{3})$/.exec(digest);
  if (match?.[1] === "404") return 404;
  if (match?.[1] === "403") return 403;
  return null;
}

// No value this API takes holds a control character (a NIK, a date, a name, a cursor), and
// PostgreSQL refuses NUL in text: one is refused by name, before the route's schema.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
const CONTROL_MESSAGE = "must not hold a control character";

/** The paths (dot-separated) of the strings in a parsed value that hold a control character, names included. */
function controlCharacterPaths(value: unknown, path: string, out: string[] = []): string[] {
  if (out.length >= 20) return out;
  if (typeof value === "string") {
    if (CONTROL_CHARACTER.test(value)) out.push(path || "(root)");
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => controlCharacterPaths(item, path ? `${path}.${i}` : String(i), out));
  } else if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      // A name with a control character is refused as such (and not echoed).
      const bad = CONTROL_CHARACTER.test(key);
      const at = [path, bad ? "(a name with a control character)" : key.slice(0, 40)].filter(Boolean).join(".");
      if (bad) out.push(at);
      else controlCharacterPaths(item, at, out);
    }
  }
  return out;
}

function refuseControlCharacters(value: unknown, prefix: string, detail: string) {
  const paths = controlCharacterPaths(value, "");
  if (paths.length) throw new ApiRefusal(400, detail, paths.map((field) => ({ field: prefix + field, message: CONTROL_MESSAGE })));
}

/** Parses the query with the route's schema, or refuses with 400 naming each parameter. */
export function parseQuery<S extends z.ZodType>(schema: S, ctx: ApiContext): z.infer<S> {
  refuseControlCharacters(ctx.query, "", "A query parameter was refused.");
  const parsed = schema.safeParse(ctx.query);
  if (!parsed.success) throw new ApiRefusal(400, "A query parameter was refused.", zodFields(parsed.error));
  return parsed.data;
}

/** Parses the body with the route's schema, or refuses with 400 naming each field. */
export function parseBody<S extends z.ZodType>(schema: S, ctx: ApiContext): z.infer<S> {
  refuseControlCharacters(ctx.body, "body.", "The body was refused.");
  const parsed = schema.safeParse(ctx.body);
  if (!parsed.success) throw new ApiRefusal(400, "The body was refused.", zodFields(parsed.error, "body."));
  return parsed.data;
}

type RouteContext<P> = { params: Promise<P> };

export function apiRoute<P extends Record<string, string> = Record<string, never>>(
  options: RouteOptions,
  work: (ctx: ApiContext) => Promise<ApiAnswer>,
): (request: Request, context?: RouteContext<P>) => Promise<Response> {
  return async (request, context) => {
    const url = new URL(request.url);
    const instance = url.pathname;
    if (queryHasNik(url)) {
      return problem(400, "A NIK must never be sent in a URL: send it in the body of a POST.", { instance, type: "nik-in-query" });
    }
    const key = bearerKey(request);
    const actor = key ? await authenticateApiKey(key) : null;
    if (!actor) {
      return problem(401, key ? "The API key is unknown, revoked or expired." : "Send your API key as Authorization: Bearer <key>.", {
        instance,
        headers: { "WWW-Authenticate": 'Bearer realm="api/v1"' },
      });
    }
    const params: Record<string, string> = (await context?.params) ?? {};
    const answer = await answerFor(actor, options, work, request, url, params);
    try {
      await recordApiCall(actor, { method: request.method, route: options.route, status: answer.status, count: answer.count ?? null, errorId: answer.errorId });
    } catch (error) {
      // The call was answered; its audit event failed: logged, and the client told 500.
      const errorId = randomUUID();
      logError(`api audit ${errorId}`, error);
      return problem(500, "The request could not be completed.", { instance, errorId });
    }
    return answer.response;
  };
}

async function answerFor(
  actor: ApiClientActor,
  options: RouteOptions,
  work: (ctx: ApiContext) => Promise<ApiAnswer>,
  request: Request,
  url: URL,
  params: Record<string, string>,
): Promise<{ status: number; response: Response; count?: number | null; errorId?: string }> {
  const instance = url.pathname;
  const refuse = (status: ProblemStatus, detail: string, extra: Parameters<typeof problem>[2] = {}) => ({
    status,
    response: problem(status, detail, { instance, ...extra }),
  });
  if (!hasApiScope(actor, options.scope)) return refuse(403, `This key does not have the scope ${options.scope}.`);
  const rate = await takeApiRequest(actor);
  if (!rate.ok) {
    return refuse(429, "Too many requests for this key: wait before the next one.", { headers: { "Retry-After": String(rate.retryAfterSeconds) } });
  }
  let body: unknown;
  if (options.body) {
    const read = await readJson(request);
    if (!read.ok) return { status: read.response.status, response: read.response };
    body = read.body;
  }
  try {
    const result = await work({ actor, request, url, query: queryOf(url), body, params });
    return {
      status: result.status,
      count: result.count,
      response: new Response(JSON.stringify(result.body), {
        status: result.status,
        headers: { "Content-Type": "application/json", ...API_HEADERS, ...result.headers },
      }),
    };
  } catch (error) {
    if (error instanceof ApiRefusal) return refuse(error.status, error.detail, error.fields ? { errors: error.fields } : {});
    if (error instanceof z.ZodError) return refuse(400, "The request was refused.", { errors: zodFields(error) });
    const status = nextHttpStatus(error);
    if (status === 404) return refuse(404, "Not found, or not within this key's scope.");
    if (status === 403) return refuse(403, "This key may not do this.");
    const errorId = randomUUID();
    logError(`api ${options.route} ${errorId}`, error);
    return { ...refuse(500, "The request could not be completed.", { errorId }), errorId };
  }
}
