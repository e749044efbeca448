import { createTranslator } from "next-intl";
import { z } from "zod";
import type { AppLocale } from "@/lib/i18n/config";
import { messagesFor } from "@/lib/i18n/messages";

// The messages the app sends to a participant, one entry each, for both channels.
//
// WhatsApp: outside a 24-hour conversation the Cloud API delivers only templates that the
// deployment has had approved in WhatsApp Manager, under exactly the name and language
// given here, with the body's variables {{1}}, {{2}}… filled in the order of `params`.
// `whatsapp.body` is the text to submit for approval (the README lists these). Templates
// of category AUTHENTICATION (the codes) have a body preset by WhatsApp ("{{1}} is your
// verification code", in the template's language) and a copy-code button, whose
// parameter is the code again: Meta's "Copy code authentication templates".
//
// Email: the subject and body live in the message catalogue, messages/{id,en}/
// participant.json under "outboxText.<key>", the one source of both languages; the same
// texts are what lib/data/outbox.ts writes today. `emailValues` names the ICU arguments
// they use. WhatsApp templates are approved in Bahasa Indonesia ("id") only, so the values
// given to a WhatsApp template are written in Indonesian whatever the user's locale.

export type TemplateParam = { readonly name: string; readonly meaning: string };

export type TemplateSpec = {
  readonly whatsapp: {
    readonly name: string;
    readonly language: "id";
    readonly category: "UTILITY" | "AUTHENTICATION";
    /** For approval: the text with {{n}} placeholders (AUTHENTICATION: preset by WhatsApp). */
    readonly body: string;
    /** AUTHENTICATION templates carry a copy-code button, sent with the code as its parameter. */
    readonly copyCodeButton: boolean;
    /** AUTHENTICATION: the "expires in N minutes" footer chosen at approval, if any (1–90). */
    readonly codeExpirationMinutes?: number;
  };
  /** The body's parameters in order: {{1}} is params[0]. */
  readonly params: readonly TemplateParam[];
  /** The ICU arguments of outboxText.<key>.subject and .body. */
  readonly emailValues: readonly string[];
};

/** How long a phone confirmation or password-reset code works (the issue: 10 minutes). */
export const PHONE_CODE_MINUTES = 10;

export const TEMPLATES = {
  deadline_reminder: {
    whatsapp: {
      name: "pmi_batas_beli_pelatihan",
      language: "id",
      category: "UTILITY",
      body: "Halo {{1}}, beli pelatihan Prakerja Anda paling lambat {{2}} ({{3}}), atau kartu Prakerja Anda dicabut. Hubungi petugas pendamping jika perlu bantuan.",
      copyCodeButton: false,
    },
    params: [
      { name: "name", meaning: "the participant's full name" },
      { name: "date", meaning: "the purchase deadline written out in Indonesian (\"3 Juli 2026\", longDate)" },
      { name: "daysLeft", meaning: "what is left, from outboxText.deadline_reminder.daysLeft in Indonesian (\"3 hari lagi\", \"hari ini\")" },
    ],
    emailValues: ["name", "date", "days"],
  },
  help_answered: {
    whatsapp: {
      name: "pmi_pertanyaan_dijawab",
      language: "id",
      category: "UTILITY",
      body: "Halo {{1}}, pertanyaan Anda di Pendamping PMI sudah dijawab. Masuk ke Pendamping PMI dan buka Bantuan untuk membaca jawabannya.",
      copyCodeButton: false,
    },
    params: [{ name: "name", meaning: "the participant's full name" }],
    emailValues: ["name"],
  },
  activation_code: {
    whatsapp: {
      name: "pmi_kode_aktivasi",
      language: "id",
      category: "AUTHENTICATION",
      body: "Preset by WhatsApp in Indonesian: \"{{1}} is your verification code\", with the security recommendation; a copy-code button.",
      copyCodeButton: true,
    },
    params: [{ name: "code", meaning: "the activation code as shown (\"K7QM-4XPD\"), at most 15 characters" }],
    emailValues: ["name", "code", "time"],
  },
  phone_confirmation: {
    whatsapp: {
      name: "pmi_kode_konfirmasi",
      language: "id",
      category: "AUTHENTICATION",
      body: "Preset by WhatsApp in Indonesian: \"{{1}} is your verification code\", with the security recommendation and \"expires in 10 minutes\"; a copy-code button.",
      copyCodeButton: true,
      codeExpirationMinutes: PHONE_CODE_MINUTES,
    },
    params: [{ name: "code", meaning: "the 6-digit confirmation code" }],
    emailValues: ["name", "code", "minutes"],
  },
  password_reset: {
    whatsapp: {
      name: "pmi_kode_atur_sandi",
      language: "id",
      category: "AUTHENTICATION",
      body: "Preset by WhatsApp in Indonesian: \"{{1}} is your verification code\", with the security recommendation and \"expires in 10 minutes\"; a copy-code button.",
      copyCodeButton: true,
      codeExpirationMinutes: PHONE_CODE_MINUTES,
    },
    params: [{ name: "code", meaning: "the 6-digit code for a new password" }],
    emailValues: ["name", "code", "minutes"],
  },
  // Sent today (lib/data/participants.ts) when someone registers with an account holder's
  // details; to a phone it needs a template like the others.
  registration_attempt: {
    whatsapp: {
      name: "pmi_percobaan_pendaftaran",
      language: "id",
      category: "UTILITY",
      body:
        "Halo {{1}}, seseorang baru saja mencoba mendaftar di Pendamping PMI dengan data yang sudah terdaftar untuk akun Anda (NIK, nomor HP, atau email). " +
        "Pendaftaran itu ditolak dan tidak ada yang diubah pada akun Anda. Jika itu Anda, masuk dengan nomor HP atau email dan kata sandi Anda; " +
        "jika lupa kata sandi, minta kode aktivasi kepada petugas pendamping Anda. Jika itu bukan Anda, akun Anda tetap aman.",
      copyCodeButton: false,
    },
    params: [{ name: "name", meaning: "the account holder's full name" }],
    emailValues: ["name"],
  },
} as const satisfies Record<string, TemplateSpec>;

export type TemplateKey = keyof typeof TEMPLATES;
export const TEMPLATE_KEYS = Object.keys(TEMPLATES) as TemplateKey[];

/** The values a template's WhatsApp body needs, by parameter name. */
export type TemplateValues<K extends TemplateKey> = Record<(typeof TEMPLATES)[K]["params"][number]["name"], string>;

// The Cloud API refuses a text parameter with a line break or a tab, or with more than
// four spaces in a row ("Param text cannot have new-line/tab characters or more than 4
// consecutive spaces", as reported in netflie/whatsapp-cloud-api#201); an empty one would
// leave a hole in the message.
const paramText = z
  .string()
  .trim()
  .min(1)
  .max(1024)
  .refine((s) => !/[\r\n\t]/.test(s), "no line breaks or tabs")
  .refine((s) => !/ {5,}/.test(s), "no more than four spaces in a row");

// One-time passwords in authentication templates are at most 15 characters.
const codeText = z.string().trim().min(1).max(15).regex(/^\S+$/, "no spaces");

const schemas = Object.fromEntries(
  TEMPLATE_KEYS.map((key) => {
    const spec: TemplateSpec = TEMPLATES[key];
    const shape = Object.fromEntries(spec.params.map((p) => [p.name, spec.whatsapp.copyCodeButton ? codeText : paramText]));
    return [key, z.object(shape)];
  }),
) as Record<TemplateKey, z.ZodObject<Record<string, z.ZodString>>>;

type TextParameter = { type: "text"; text: string };

/** The Cloud API's `template` object of a message (type "template"). */
export type CloudTemplate = {
  name: string;
  language: { code: string };
  components: (
    | { type: "body"; parameters: TextParameter[] }
    | { type: "button"; sub_type: "url"; index: "0"; parameters: TextParameter[] }
  )[];
};

/** A template's values that are missing or unusable: the message must not be sent. */
export class TemplateValuesInvalid extends Error {
  constructor(
    readonly template: TemplateKey,
    readonly fields: string[],
  ) {
    // Names the fields, never their values (they are names and codes).
    super(`template ${template}: invalid values for ${fields.join(", ")}`);
  }
}

/**
 * The `template` object for a Cloud API message: the approved name and language, and
 * the body's parameters in order. Refuses (TemplateValuesInvalid) a missing, empty or
 * unusable value rather than sending a message with a hole in it.
 */
export function buildWhatsAppTemplate<K extends TemplateKey>(key: K, values: TemplateValues<K>): CloudTemplate {
  const spec: TemplateSpec = TEMPLATES[key];
  const parsed = schemas[key].safeParse(values);
  if (!parsed.success) {
    throw new TemplateValuesInvalid(key, [...new Set(parsed.error.issues.map((i) => String(i.path[0] ?? "?")))]);
  }
  const parameters = spec.params.map((p): TextParameter => ({ type: "text", text: parsed.data[p.name] }));
  const components: CloudTemplate["components"] = [{ type: "body", parameters }];
  if (spec.whatsapp.copyCodeButton) {
    components.push({ type: "button", sub_type: "url", index: "0", parameters: [{ type: "text", text: parameters[0].text }] });
  }
  return { name: spec.whatsapp.name, language: { code: spec.whatsapp.language }, components };
}

type Translate = (key: string, values?: Record<string, string | number>) => string;

function outboxTexts(locale: AppLocale): Translate {
  return createTranslator({
    locale,
    messages: messagesFor(locale) as never,
    namespace: "outboxText" as never,
  }) as unknown as Translate;
}

/** A template's email, in the reader's language, from the message catalogue. */
export function emailText(key: TemplateKey, locale: AppLocale, values: Record<string, string | number>): { subject: string; body: string } {
  const t = outboxTexts(locale);
  return { subject: t(`${key}.subject`, values), body: t(`${key}.body`, values) };
}

/** "3 hari lagi", "hari ini": the deadline reminder's {{3}} (Indonesian for WhatsApp). */
export function daysLeftText(days: number, locale: AppLocale = "id"): string {
  return outboxTexts(locale)("deadline_reminder.daysLeft", { days });
}
