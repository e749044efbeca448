// One width for the header's bar and the page below it, so their left edges line up: staff
// tables on the PMO's pages need room; participant pages read best narrow, on a phone or not.
export function pageWidthClass(path: string): string {
  return path === "/pmo" || path.startsWith("/pmo/") ? "max-w-6xl" : "max-w-3xl";
}
