import { describe, expect, it } from "vitest";
import { messagesFor } from "@/lib/i18n/messages";
import { OUTBOX_KINDS, REPLY_KINDS } from "@/lib/data/outbox";
import {
  buildWhatsAppTemplate,
  daysLeftText,
  emailText,
  TEMPLATE_KEYS,
  TEMPLATES,
  TemplateValuesInvalid,
  type TemplateKey,
  type TemplateValues,
} from "./templates";

describe("the template catalogue", () => {
  it("has the messages the issue names, and every kind the outbox writes today", () => {
    expect(TEMPLATE_KEYS).toEqual(expect.arrayContaining(["deadline_reminder", "help_answered", "activation_code", "phone_confirmation", "password_reset"]));
    // The answers to BERHENTI and MULAI are free texts inside the window the person opened.
    expect(TEMPLATE_KEYS).toEqual(expect.arrayContaining(OUTBOX_KINDS.filter((k) => !REPLY_KINDS.has(k))));
    expect([...REPLY_KINDS].filter((k) => (TEMPLATE_KEYS as string[]).includes(k))).toEqual([]);
  });

  it("gives each template a distinct WhatsApp name (lower case, digits, underscores) in Indonesian", () => {
    const names = TEMPLATE_KEYS.map((k) => TEMPLATES[k].whatsapp.name);
    expect(new Set(names).size).toBe(names.length);
    for (const key of TEMPLATE_KEYS) {
      expect(TEMPLATES[key].whatsapp.name, key).toMatch(/^[a-z0-9_]{1,512}$/);
      expect(TEMPLATES[key].whatsapp.language, key).toBe("id");
    }
  });

  it("numbers a utility template's variables {{1}}…{{n}} for its n parameters, and keeps the body under 1024 characters", () => {
    for (const key of TEMPLATE_KEYS) {
      const spec = TEMPLATES[key];
      if (spec.whatsapp.category !== "UTILITY") continue;
      const used = [...spec.whatsapp.body.matchAll(/\{\{(\d+)\}\}/g)].map((m) => Number(m[1]));
      expect([...new Set(used)].sort(), key).toEqual(spec.params.map((_, i) => i + 1));
      expect(spec.whatsapp.body.length, key).toBeLessThanOrEqual(1024);
    }
  });

  it("has an email subject and body in both languages, using the values it names", () => {
    for (const key of TEMPLATE_KEYS) {
      for (const locale of ["id", "en"] as const) {
        const texts = (messagesFor(locale).outboxText as unknown as Record<string, { subject: string; body: string }>)[key];
        expect(texts?.subject, `${locale} ${key}`).toBeTruthy();
        expect(texts?.body, `${locale} ${key}`).toBeTruthy();
        // ICU argument names, not the text of a plural branch ("=0 {today}").
        const icuArgument = /(?<!(?:=\d+|zero|one|two|few|many|other)\s*)\{(\w+)\s*[,}]/g;
        const args = new Set([...`${texts.subject} ${texts.body}`.matchAll(icuArgument)].map((m) => m[1]));
        expect([...args].sort(), `${locale} ${key}`).toEqual([...TEMPLATES[key].emailValues].sort());
      }
    }
  });
});

describe("buildWhatsAppTemplate", () => {
  it("puts the deadline reminder's values in the template's order", () => {
    expect(buildWhatsAppTemplate("deadline_reminder", { daysLeft: "3 hari lagi", date: "6 Juli 2026", name: "Siti Aminah" })).toEqual({
      name: "pmi_batas_beli_pelatihan",
      language: { code: "id" },
      components: [
        {
          type: "body",
          parameters: [
            { type: "text", text: "Siti Aminah" },
            { type: "text", text: "6 Juli 2026" },
            { type: "text", text: "3 hari lagi" },
          ],
        },
      ],
    });
  });

  it("builds the caseworker's answer with the name only", () => {
    expect(buildWhatsAppTemplate("help_answered", { name: "Budi" })).toEqual({
      name: "pmi_pertanyaan_dijawab",
      language: { code: "id" },
      components: [{ type: "body", parameters: [{ type: "text", text: "Budi" }] }],
    });
  });

  it("sends a code in the body and again in the copy-code button", () => {
    for (const [key, code] of [
      ["phone_confirmation", "482913"],
      ["activation_code", "K7QM-4XPD"],
    ] as const) {
      const template = buildWhatsAppTemplate(key, { code });
      expect(template.name).toBe(TEMPLATES[key].whatsapp.name);
      expect(template.components).toEqual([
        { type: "body", parameters: [{ type: "text", text: code }] },
        { type: "button", sub_type: "url", index: "0", parameters: [{ type: "text", text: code }] },
      ]);
    }
  });

  it("refuses a missing, empty or unusable value, naming the field but not the values", () => {
    const refused = (key: TemplateKey, values: Record<string, unknown>) => {
      try {
        buildWhatsAppTemplate(key, values as TemplateValues<typeof key>);
      } catch (error) {
        expect(error).toBeInstanceOf(TemplateValuesInvalid);
        return error as TemplateValuesInvalid;
      }
      throw new Error(`accepted ${JSON.stringify(values)}`);
    };
    expect(refused("deadline_reminder", { name: "Siti Aminah", date: "6 Juli 2026" }).fields).toEqual(["daysLeft"]);
    expect(refused("deadline_reminder", {}).fields.sort()).toEqual(["date", "daysLeft", "name"]);
    expect(refused("help_answered", { name: "   " }).fields).toEqual(["name"]);
    expect(refused("help_answered", { name: 42 }).fields).toEqual(["name"]);
    expect(refused("help_answered", { name: "Siti\nAminah" }).fields).toEqual(["name"]);
    expect(refused("help_answered", { name: "Siti\tAminah" }).fields).toEqual(["name"]);
    expect(refused("help_answered", { name: "Siti     Aminah" }).fields).toEqual(["name"]);
    expect(refused("phone_confirmation", { code: "1234567890123456" }).fields).toEqual(["code"]);
    const error = refused("activation_code", { code: "K7QM 4XPD" });
    expect(error.message).not.toContain("K7QM");
  });

  it("trims values and ignores ones the template does not use", () => {
    const template = buildWhatsAppTemplate("help_answered", { name: "  Budi  ", extra: "x" } as TemplateValues<"help_answered">);
    expect(template.components).toEqual([{ type: "body", parameters: [{ type: "text", text: "Budi" }] }]);
  });
});

describe("email texts", () => {
  it("are the catalogue's texts, in the reader's language", () => {
    expect(emailText("help_answered", "id", { name: "Siti" })).toEqual({
      subject: "Pertanyaan Anda sudah dijawab",
      body: "Halo Siti, pertanyaan Anda di Pendamping PMI sudah dijawab. Masuk ke Pendamping PMI dan buka Bantuan untuk membaca jawabannya.",
    });
    expect(emailText("deadline_reminder", "en", { name: "Siti", date: "6 July 2026", days: 1 }).body).toContain("by 6 July 2026 (1 day left)");
    expect(emailText("phone_confirmation", "id", { name: "Siti", code: "482913", minutes: 10 }).body).toContain("482913");
    expect(emailText("activation_code", "en", { name: "Siti", code: "K7QM-4XPD", time: "4 July 2026 14:00" }).body).toContain("K7QM-4XPD");
  });

  it("writes the days left as the email does, for the WhatsApp reminder", () => {
    expect(daysLeftText(0)).toBe("hari ini");
    expect(daysLeftText(3)).toBe("3 hari lagi");
    expect(daysLeftText(1, "en")).toBe("1 day left");
    expect(emailText("deadline_reminder", "id", { name: "Siti", date: "6 Juli 2026", days: 3 }).body).toContain(`(${daysLeftText(3)})`);
  });
});
