import "server-only";
import { getMessages, getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { TextsProvider } from "./texts";

type Catalogue = { [key: string]: string | Catalogue };

/** Every message of a namespace, by dotted key ("status.open"), that needs no values. */
function plainKeys(node: Catalogue, prefix = ""): string[] {
  return Object.entries(node).flatMap(([key, value]) =>
    typeof value === "string" ? (value.includes("{") ? [] : [prefix + key]) : plainKeys(value, `${prefix}${key}.`),
  );
}

/**
 * Gives the client components below it the texts of `namespaces` (read with `useTexts`
 * from components/texts.tsx). Each text is resolved here by next-intl, so ICU escapes are
 * applied; messages with placeholders are left out: format those on the server.
 */
export async function ClientTexts({ namespaces, children }: { namespaces: readonly string[]; children: ReactNode }) {
  const messages = (await getMessages()) as unknown as Record<string, Catalogue>;
  const texts: Record<string, string> = {};
  for (const namespace of namespaces) {
    const t = await getTranslations(namespace);
    for (const key of plainKeys(messages[namespace] ?? {})) texts[`${namespace}.${key}`] = t(key as never);
  }
  return <TextsProvider texts={texts}>{children}</TextsProvider>;
}
