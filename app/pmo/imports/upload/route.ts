import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import busboy from "busboy";
import type { NextRequest } from "next/server";
import { uploadImport, type UploadResult } from "@/lib/data/imports";
import { can } from "@/lib/data/permissions";
import { getUser } from "@/lib/data/session";
import { sameOrigin } from "@/lib/http/client";
import { withoutControlCharacters } from "@/lib/validation/common";
import { forbiddenResponse, seeOther } from "../http";
import { uploadProblemQuery, type UploadProblem } from "../upload-error";

// POST /pmo/imports/upload: the upload form's target (multipart/form-data with "cohort"
// first, then "file"). A route handler rather than a server action so that the file is
// streamed (no body size limit, never whole in memory): the request body goes through a
// multipart parser straight into the data layer's file check. A good file is stored in
// the database with its row-check job, and the browser is sent to the import's page; a
// refused one goes back to the form with the problem at once, however much of the body
// is still on its way (see discardRest).

export const dynamic = "force-dynamic";

/** What is read and dropped of a refused upload's body before the connection is closed. */
export const DISCARD_LIMIT = { bytes: 64 * 1024 * 1024, ms: 60_000 };

type Outcome = UploadResult | "incomplete" | null;

export async function POST(request: NextRequest): Promise<Response> {
  if (!sameOrigin(request.headers)) return new Response(null, { status: 403 });
  const viewer = await getUser();
  if (!viewer) return seeOther("/login");
  if (!can(viewer, "create:import:any")) return forbiddenResponse();

  const contentType = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data/i.test(contentType) || !request.body) return refused({ field: "file", key: "noFile" }, "");

  const body = Readable.fromWeb(request.body as unknown as NodeReadableStream<Uint8Array>);
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { "content-type": contentType },
      limits: { files: 1, fields: 10, fieldSize: 10_000, parts: 20 },
      defParamCharset: "utf8",
    });
  } catch {
    // A multipart type without a boundary.
    discardRest(body);
    return refused({ field: "file", key: "noFile" }, "");
  }

  let cohort = "";
  let upload: Promise<Outcome> | null = null;
  // Settles with the file's result as soon as the data layer has one (a refused file stops
  // early), or with null when the body ends without a file part.
  const outcome = new Promise<Outcome>((resolve, reject) => {
    parser.on("field", (name, value) => {
      // As every form's text (lib/forms.ts formFields): PostgreSQL refuses a NUL in the name.
      if (name === "cohort") cohort = withoutControlCharacters(value);
    });
    parser.on("file", (name, stream, info) => {
      // An empty file input still sends a part, with no file name.
      if (name !== "file" || upload || !info.filename) {
        stream.resume();
        return;
      }
      upload = uploadImport(viewer, { cohort, fileName: info.filename, body: stream }).catch((error: unknown) => {
        // The body ended inside the file: the browser gave up, or the connection broke.
        if (stream.errored || stream.readableAborted || (error as { code?: string }).code === "ERR_STREAM_PREMATURE_CLOSE") return "incomplete" as const;
        throw error;
      });
      upload.then(resolve, reject);
    });
    const ended = () => (upload ? upload.then(resolve, reject) : resolve(null));
    parser.on("close", ended);
    parser.on("error", ended);
    body.on("error", ended);
  });
  body.pipe(parser);

  let result: Outcome;
  try {
    result = await outcome;
  } finally {
    // Whatever the check did not read (a refused file stops early, a good one leaves at
    // most the closing boundary) is read and dropped apart from the parser.
    body.unpipe(parser);
    parser.removeAllListeners("file");
    discardRest(body);
  }
  if (result === null) return refused({ field: "file", key: "noFile" }, cohort);
  if (result === "incomplete") return refused({ field: "file", error: { key: "incomplete" } }, cohort);
  if (!result.ok) {
    return refused(result.field === "cohort" ? { field: "cohort", key: result.key } : { field: "file", error: result.error }, cohort);
  }
  // The row check is a job, queued with the import: a worker runs it; the page shows its
  // progress and may be left and come back to.
  return seeOther(`/pmo/imports/${result.importId}`);
}

/**
 * Reads and drops the rest of a request body without holding up the answer. A browser
 * shows an answer only once it has sent its body, and a connection closed on unread
 * bytes is reset, which can lose the answer: so the rest is read, up to DISCARD_LIMIT,
 * and only a body beyond that (a client that will not stop) is cut off.
 */
function discardRest(body: Readable): void {
  if (body.readableEnded || body.destroyed) return;
  let bytes = 0;
  const timer = setTimeout(() => body.destroy(), DISCARD_LIMIT.ms);
  timer.unref?.();
  body.on("data", (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > DISCARD_LIMIT.bytes) body.destroy();
  });
  body.on("error", () => {});
  body.on("close", () => clearTimeout(timer));
  body.resume();
}

function refused(problem: UploadProblem, cohort: string): Response {
  // The rest of a large refused body may still be arriving: this connection is not reused.
  const response = seeOther(`/pmo/imports?${uploadProblemQuery(problem, cohort)}#upload`);
  response.headers.set("Connection", "close");
  return response;
}
