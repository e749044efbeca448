"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

/**
 * A section's menu (the PMO's), marking the page the reader is on with aria-current="page"
 * (read out by screen readers, and styled). A client component because the layout that
 * holds it is not rendered again when the reader moves between its pages; the current page
 * is read from the URL on each move. A link to a section's home ("/pmo") is current only
 * there; any other link also for the pages below it (a participant's file under the list).
 */
export function SectionNav({ label, links, home }: { label: string; links: readonly (readonly [string, string])[]; home: string }) {
  const pathname = usePathname();
  const isCurrent = (href: string) => (href === home ? pathname === href : pathname === href || pathname.startsWith(`${href}/`));
  return (
    <nav aria-label={label} className="-mt-2 border-b border-slate-200 pb-2 text-sm">
      <ul className="flex flex-wrap gap-x-4 gap-y-1">
        {links.map(([href, text]) => {
          const current = isCurrent(href);
          return (
            <li key={href}>
              <Link
                href={href}
                aria-current={current ? "page" : undefined}
                className={
                  current
                    ? "font-bold text-slate-900 underline decoration-2 underline-offset-4"
                    : "font-medium text-teal-800 underline"
                }
              >
                {text}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
