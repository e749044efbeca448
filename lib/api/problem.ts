import type { z } from "zod";

// RFC 9457 problem details: every refusal of /api/v1 is one, as application/problem+json.
// `type` names the kind of problem with a stable URI (documented in the OpenAPI document),
// never a stack trace, a SQL statement or a value the client sent.

export const PROBLEM_BASE = "https://pendamping-pmi.id/problems/";

export const PROBLEMS = {
  400: { type: "invalid-request", title: "Bad Request" },
  401: { type: "unauthorized", title: "Unauthorized" },
  403: { type: "forbidden", title: "Forbidden" },
  404: { type: "not-found", title: "Not Found" },
  405: { type: "method-not-allowed", title: "Method Not Allowed" },
  409: { type: "conflict", title: "Conflict" },
  413: { type: "payload-too-large", title: "Content Too Large" },
  415: { type: "unsupported-media-type", title: "Unsupported Media Type" },
  429: { type: "rate-limited", title: "Too Many Requests" },
  500: { type: "internal-error", title: "Internal Server Error" },
} as const;
export type ProblemStatus = keyof typeof PROBLEMS;

export type ProblemField = { field: string; message: string };

export const API_HEADERS = { "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" } as const;

export function problem(
  status: ProblemStatus,
  detail: string,
  options: { instance?: string; errors?: ProblemField[]; errorId?: string; headers?: Record<string, string>; type?: string } = {},
): Response {
  const kind = PROBLEMS[status];
  const body = {
    type: PROBLEM_BASE + (options.type ?? kind.type),
    title: kind.title,
    status,
    detail,
    ...(options.instance ? { instance: options.instance } : {}),
    ...(options.errors ? { errors: options.errors } : {}),
    ...(options.errorId ? { errorId: options.errorId } : {}),
  };
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/problem+json", ...API_HEADERS, ...options.headers },
  });
}

/** A zod error as the problem's field list: the path (dot-separated) and zod's message, never the value. */
export function zodFields(error: z.ZodError, prefix = ""): ProblemField[] {
  return error.issues.slice(0, 100).map((issue) => ({
    field: prefix + (issue.path.length ? issue.path.map(String).join(".") : "(root)"),
    message: issue.code === "unrecognized_keys" ? `unknown: ${((issue as { keys?: string[] }).keys ?? []).map((k) => k.slice(0, 40)).join(", ")}` : issue.message,
  }));
}
