import "server-only";
import { getTranslations } from "next-intl/server";
import type { ImportFileError } from "@/lib/data/import-file";

// The import's problems in the reader's words: a file's problem (the upload form) and a
// line's reasons (the report on the page and in the CSV).

/** The message (one or more sentences) for a file that was refused. */
export async function fileProblemText(error: ImportFileError): Promise<string[]> {
  const t = await getTranslations("pmoImports.fileError");
  switch (error.key) {
    case "header": {
      const list = (names: string[]) => names.join(", ");
      return [
        t("header"),
        ...(error.missing.length ? [t("headerMissing", { columns: list(error.missing) })] : []),
        ...(error.unknown.length ? [t("headerUnknown", { columns: list(error.unknown) })] : []),
        ...(error.repeated.length ? [t("headerRepeated", { columns: list(error.repeated) })] : []),
      ];
    }
    case "tooLarge":
      return [t("tooLarge", { max: Math.round(error.max / 1024 / 1024) })];
    case "tooManyRows":
      return [t("tooManyRows", { max: error.max })];
    case "notUtf8":
    case "malformed":
      return [t(error.key, { line: error.line })];
    case "lineTooLong":
      return [t("lineTooLong", { line: error.line, max: error.max })];
    case "tooManyFields":
    case "tooFewFields":
      return [t(error.key, { line: error.line, count: error.count, expected: error.expected })];
    default:
      return [t(error.key)];
  }
}

export type ReasonParts = { column: string; key: string; line?: number };

/** "Column: what is wrong" for one reason of a line, in the reader's language. */
export async function reasonTranslator(): Promise<(reason: ReasonParts) => string> {
  const t = await getTranslations("pmoImports");
  return (reason) => {
    const column = t.has(`column.${reason.column}`) ? t(`column.${reason.column}`) : reason.column;
    const text = t.has(`reason.${reason.key}`) ? t(`reason.${reason.key}`, { line: reason.line ?? 0 }) : t("reason.unknown");
    return `${column}: ${text}`;
  };
}
