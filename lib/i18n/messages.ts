import type { AppLocale } from "./config";
import appEn from "@/messages/en/app.json";
import appId from "@/messages/id/app.json";
import validationEn from "@/messages/en/validation.json";
import validationId from "@/messages/id/validation.json";

// Catalogues are split by namespace file so that separate areas can grow their own;
// this is the one place that puts them together.
const catalogues = {
  id: { ...appId, validation: validationId },
  en: { ...appEn, validation: validationEn },
} as const;

export type Messages = (typeof catalogues)["id"];

export function messagesFor(locale: AppLocale): Messages {
  return catalogues[locale] as Messages;
}
