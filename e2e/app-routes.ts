import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const APP = fileURLToPath(new URL("../app", import.meta.url));

/**
 * The URL path of every file under app/ with one of these names (page.tsx, route.ts), found
 * by walking the folders: what Next serves, so a new page cannot escape a table of pages.
 * Route groups "(name)" do not appear in the URL; dynamic segments stay as written ([id]).
 */
export function appRoutes(fileNames: readonly string[], dir = APP, prefix = ""): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) {
      const segment = name.startsWith("(") ? "" : `/${name}`;
      found.push(...appRoutes(fileNames, full, prefix + segment));
    } else if (fileNames.includes(name)) {
      found.push(prefix || "/");
    }
  }
  return found;
}
