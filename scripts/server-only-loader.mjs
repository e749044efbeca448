// Lets command-line scripts (tsx) load the data layer: "server-only" throws outside a
// React Server Components build, so scripts resolve it to an empty module instead.
// Registered by scripts/register-server-only.mjs (tsx --import).
export async function resolve(specifier, context, nextResolve) {
  if (specifier === "server-only") {
    return { url: new URL("./empty-module.mjs", import.meta.url).href, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}
