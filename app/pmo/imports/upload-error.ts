import type { ImportFileError } from "@/lib/data/import-file";
import type { QueryFields } from "@/lib/validation/query";

// The upload is a plain form post to a route handler (it streams the file), which answers
// a refusal by sending the browser back to /pmo/imports with the problem in the query
// string. These two functions write and read that query string; the page translates it.

export type UploadProblem =
  | { field: "cohort"; key: "cohortRequired" | "cohortTooLong" }
  | { field: "file"; key: "noFile" }
  | { field: "file"; error: ImportFileError };

const FILE_KEYS = new Set<string>([
  "empty",
  "noRows",
  "tooLarge",
  "tooManyRows",
  "binary",
  "spreadsheet",
  "notUtf8",
  "delimiter",
  "header",
  "tooManyFields",
  "tooFewFields",
  "malformed",
  "lineTooLong",
  "incomplete",
]);

/** The query string (without "?") for a refused upload; the cohort typed is kept. */
export function uploadProblemQuery(problem: UploadProblem, cohort: string): string {
  const params = new URLSearchParams();
  if (cohort) params.set("cohort", cohort.slice(0, 200));
  if ("error" in problem) {
    for (const [key, value] of Object.entries(problem.error)) {
      params.set(key === "key" ? "error" : key, Array.isArray(value) ? value.join(",") : String(value));
    }
  } else {
    params.set("error", problem.key);
  }
  return params.toString();
}

/** The refused upload named by the query string, or null (an unknown key is ignored). */
export function readUploadProblem(fields: QueryFields): UploadProblem | null {
  const get = (k: string) => fields[k] ?? "";
  const num = (k: string) => {
    const n = Number(get(k));
    return Number.isFinite(n) && n >= 0 ? Math.floor(n) : 0;
  };
  const list = (k: string) => get(k).split(",").filter(Boolean).slice(0, 20);
  const key = get("error");
  if (key === "cohortRequired" || key === "cohortTooLong") return { field: "cohort", key };
  if (key === "noFile") return { field: "file", key };
  if (!FILE_KEYS.has(key)) return null;
  const error = { key, line: num("line"), count: num("count"), expected: num("expected"), max: num("max"), missing: list("missing"), unknown: list("unknown"), repeated: list("repeated") };
  return { field: "file", error: error as unknown as ImportFileError };
}
