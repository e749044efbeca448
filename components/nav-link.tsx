"use client";

import { useRouter } from "next/navigation";
import type { MouseEvent, ReactNode } from "react";

/**
 * A link for the participant's pages: a plain <a> (so it works without JavaScript and
 * opens in a new tab as usual) that, with JavaScript, moves inside the app like next/link:
 * only the new page's server payload is fetched, not a whole document. Unlike next/link it
 * does not prefetch the pages it points to (on paid data, opening pages in the background
 * that the reader may never visit costs them) and it ships about 2 KB less script to every
 * page. Staff pages keep next/link.
 */
export function NavLink({ href, className, children }: { href: string; className?: string; children: ReactNode }) {
  const router = useRouter();
  function navigate(event: MouseEvent<HTMLAnchorElement>) {
    // Let the browser handle new-tab, new-window and download clicks.
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    router.push(href);
  }
  return (
    <a href={href} className={className} onClick={navigate}>
      {children}
    </a>
  );
}
