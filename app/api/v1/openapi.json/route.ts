import { openApiDocument } from "@/lib/api/openapi";

// The OpenAPI 3.1 document of /api/v1, generated from the zod schemas the routes parse with.
// Public: it describes the API, not any data.

export const dynamic = "force-static";

export function GET(): Response {
  return new Response(JSON.stringify(openApiDocument()), {
    headers: { "Content-Type": "application/json", "Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff" },
  });
}
