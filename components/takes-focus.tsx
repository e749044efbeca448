"use client";

import { useEffect, useRef, type ReactNode } from "react";

/**
 * The answer to a form the user just sent, put where the eye is. Without JavaScript the
 * answer is a whole new page: the `autofocus` attribute makes the browser focus the answer
 * and scroll to it on load (unless the address names a #fragment, which then wins). With
 * JavaScript the answer arrives in place; the effect moves the focus to it, so a screen
 * reader reads it and a phone scrolls to it. Give it a new `key` for each answer (the
 * form state's `attempt`), so a second identical answer takes the focus again.
 */
export function TakesFocus({ children, className }: { children: ReactNode; className?: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => box.current?.focus(), []);
  return (
    <div ref={box} tabIndex={-1} autoFocus data-answer className={`scroll-mt-4 outline-none focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-teal-800 ${className ?? ""}`.trim()}>
      {children}
    </div>
  );
}
