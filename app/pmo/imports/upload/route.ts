import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import busboy from "busboy";
import { after, type NextRequest } from "next/server";
import { startImportCheck, uploadImport, type UploadResult } from "@/lib/data/imports";
import { can } from "@/lib/data/permissions";
import { getUser } from "@/lib/data/session";
import { forbiddenResponse, seeOther } from "../http";
import { uploadProblemQuery, type UploadProblem } from "../upload-error";

// POST /pmo/imports/upload: the upload form's target (multipart/form-data with "cohort"
// first, then "file"). A route handler rather than a server action so that the file is
// streamed (no body size limit, never whole in memory): the request body goes through a
// multipart parser straight into the data layer's file check. A good file starts its row
// check after this request is answered and the browser is sent to the import's page; a
// refused one goes back to the form with the problem.

export const dynamic = "force-dynamic";

export async function POST(request: NextRequest): Promise<Response> {
  if (!sameOrigin(request)) return new Response(null, { status: 403 });
  const viewer = await getUser();
  if (!viewer) return seeOther("/login");
  if (!can(viewer, "create:import:any")) return forbiddenResponse();

  const contentType = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data/i.test(contentType) || !request.body) return refused({ field: "file", key: "noFile" }, "");

  let cohort = "";
  let upload: Promise<UploadResult | "incomplete"> | null = null;
  const parser = busboy({
    headers: { "content-type": contentType },
    limits: { files: 1, fields: 10, fieldSize: 10_000, parts: 20 },
    defParamCharset: "utf8",
  });
  parser.on("field", (name, value) => {
    if (name === "cohort") cohort = value;
  });
  parser.on("file", (name, stream, info) => {
    // An empty file input still sends a part, with no file name.
    if (name !== "file" || upload || !info.filename) {
      stream.resume();
      return;
    }
    upload = uploadImport(viewer, { cohort, fileName: info.filename, body: stream })
      .catch((error: unknown) => {
        // The body ended inside the file: the browser gave up, or the connection broke.
        if (stream.errored || stream.readableAborted || (error as { code?: string }).code === "ERR_STREAM_PREMATURE_CLOSE") return "incomplete" as const;
        throw error;
      })
      // What the check did not read (a refused file stops early) is read and dropped, so
      // that the whole request arrives and the answer reaches the browser.
      .finally(() => stream.resume());
    // Awaited below, once the body is read; a handler now keeps an early failure from
    // counting as unhandled meanwhile.
    upload.catch(() => {});
  });

  try {
    await pipeline(Readable.fromWeb(request.body as unknown as NodeReadableStream<Uint8Array>), parser);
  } catch {
    // A broken body: the file part, if any, reports it ("incomplete"); without one, no file came.
  }
  const result = upload ? await (upload as Promise<UploadResult | "incomplete">) : null;
  if (result === null) return refused({ field: "file", key: "noFile" }, cohort);
  if (result === "incomplete") return refused({ field: "file", error: { key: "incomplete" } }, cohort);
  if (!result.ok) {
    return refused(result.field === "cohort" ? { field: "cohort", key: result.key } : { field: "file", error: result.error }, cohort);
  }
  // The check runs in this server process after the answer has gone out; the page shows
  // its progress and may be left and come back to.
  after(startImportCheck(viewer, result.importId));
  return seeOther(`/pmo/imports/${result.importId}`);
}

function refused(problem: UploadProblem, cohort: string): Response {
  return seeOther(`/pmo/imports?${uploadProblemQuery(problem, cohort)}#upload`);
}

function sameOrigin(request: NextRequest): boolean {
  const origin = request.headers.get("origin");
  // Browsers send Origin with every POST; a client that sends none is not a cross-site page.
  if (!origin) return true;
  const host = request.headers.get("x-forwarded-host")?.split(",")[0]?.trim() ?? request.headers.get("host");
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
