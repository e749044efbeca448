"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/**
 * Refreshes the page's server data every few seconds while a check or import runs, so
 * that its progress moves. Without JavaScript the <noscript> refresh does the same, by
 * reloading the page; with it, that tag is inert.
 */
export function AutoRefresh({ seconds = 2 }: { seconds?: number }) {
  const router = useRouter();
  useEffect(() => {
    const timer = setInterval(() => router.refresh(), seconds * 1000);
    return () => clearInterval(timer);
  }, [router, seconds]);
  return (
    <noscript>
      <meta httpEquiv="refresh" content={String(seconds + 1)} />
    </noscript>
  );
}
