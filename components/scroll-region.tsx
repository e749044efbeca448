import type { ReactNode } from "react";

/**
 * A wide table on a narrow screen: it scrolls sideways inside this box instead of the whole
 * page. The box is a named region that takes the keyboard focus, so someone without a
 * mouse or touch can scroll it with the arrow keys (axe: scrollable-region-focusable), and
 * a screen reader announces what it holds. `labelledBy` is the id of the table's heading.
 * Positioned (relative), so a screen-reader-only header inside (absolutely positioned) is
 * held by the box instead of widening the whole page.
 */
export function ScrollRegion({ labelledBy, children }: { labelledBy: string; children: ReactNode }) {
  return (
    <div
      role="region"
      aria-labelledby={labelledBy}
      tabIndex={0}
      className="relative max-w-full overflow-x-auto focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-teal-700"
    >
      {children}
    </div>
  );
}
