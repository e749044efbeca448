"use client";

import { createContext, use, type ReactNode } from "react";

// The participant forms' words, already resolved on the server (components/client-texts.tsx).
// A lookup table instead of next-intl's client provider: that provider brings an ICU
// message parser and formatter (about 12 KB of gzipped JavaScript) to every page with a
// form, and these forms only show fixed texts. Texts that need values (names, dates,
// counts) are formatted on the server or by the server action.

type Texts = Readonly<Record<string, string>>;

const TextsContext = createContext<Texts>({});

export function TextsProvider({ texts, children }: { texts: Texts; children: ReactNode }) {
  const outer = use(TextsContext);
  return <TextsContext value={Object.keys(outer).length ? { ...outer, ...texts } : texts}>{children}</TextsContext>;
}

/** `useTexts("login")("submit")`: the text of `login.submit` in the reader's language. */
export function useTexts(namespace: string): (key: string) => string {
  const texts = use(TextsContext);
  return (key) => texts[`${namespace}.${key}`] ?? `${namespace}.${key}`;
}
