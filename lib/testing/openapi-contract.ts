import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { openApiDocument } from "@/lib/api/openapi";

// Validates a response of /api/v1 against the OpenAPI document (docs/decisions/032): the
// path and method must be documented, the status listed for the operation, the content
// type the documented one, and the body valid under its schema (JSON Schema 2020-12, which
// OpenAPI 3.1 schemas are), checked with Ajv. Every HTTP test of the API calls it.

type Doc = ReturnType<typeof openApiDocument>;
type Operation = { responses: Record<string, { content?: Record<string, { schema?: unknown }>; headers?: Record<string, unknown> }> };

let ajv: Ajv2020 | null = null;

function validator(doc: Doc): Ajv2020 {
  if (ajv) return ajv;
  ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema({ $id: "openapi.json", components: doc.components }, "openapi.json");
  return ajv;
}

/** Rewrites local refs ("#/components/…") to the document's id, so Ajv resolves them. */
function rooted(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rooted);
  if (schema && typeof schema === "object") {
    return Object.fromEntries(
      Object.entries(schema).map(([k, v]) => [k, k === "$ref" && typeof v === "string" && v.startsWith("#/") ? `openapi.json${v}` : rooted(v)]),
    );
  }
  return schema;
}

/** The document's path template matching a concrete path under /api/v1. */
function templateFor(doc: Doc, path: string): string | null {
  const rest = path.replace(/^\/api\/v1/, "");
  for (const template of Object.keys(doc.paths ?? {})) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`);
    if (pattern.test(rest)) return template;
  }
  return null;
}

/**
 * Throws unless the response is one the document describes. Returns the parsed body.
 * The response's body is read (pass a clone to keep it).
 */
export async function expectDocumented(method: string, url: string, response: Response): Promise<unknown> {
  const doc = openApiDocument();
  const path = new URL(url, "http://localhost").pathname;
  const template = templateFor(doc, path);
  if (!template) throw new Error(`${method} ${path}: not in the OpenAPI document`);
  const operation = (doc.paths as Record<string, Record<string, Operation>>)[template][method.toLowerCase()];
  if (!operation) throw new Error(`${method} ${template}: method not in the OpenAPI document`);
  const documented = operation.responses[String(response.status)];
  if (!documented) throw new Error(`${method} ${template}: status ${response.status} not documented (${Object.keys(operation.responses).join(", ")})`);
  for (const header of Object.keys(documented.headers ?? {})) {
    if (!response.headers.has(header)) throw new Error(`${method} ${template} ${response.status}: header ${header} missing`);
  }
  const type = (response.headers.get("content-type") ?? "").split(";")[0].trim();
  const text = await response.text();
  if (!documented.content) {
    if (text !== "") throw new Error(`${method} ${template} ${response.status}: a body where none is documented`);
    return null;
  }
  const media = documented.content[type];
  if (!media) throw new Error(`${method} ${template} ${response.status}: content type ${type} not documented (${Object.keys(documented.content).join(", ")})`);
  const body = JSON.parse(text) as unknown;
  const validate = validator(doc).compile(rooted(media.schema) as object);
  if (!validate(body)) {
    throw new Error(`${method} ${template} ${response.status}: body does not match the document: ${JSON.stringify(validate.errors?.slice(0, 5))}`);
  }
  return body;
}
