import { getTranslations } from "next-intl/server";

/**
 * A whole phone number (E.164, as stored) as something a caseworker on a phone can use:
 * a `tel:` link that dials it and a WhatsApp link (`https://wa.me/` takes the digits of
 * the international number without "+"). Masked numbers are never links.
 */
export async function PhoneLinks({ phone }: { phone: string }) {
  const t = await getTranslations("common");
  const digits = phone.replace(/\D/g, "");
  const link = "inline-block py-1 text-teal-800 underline";
  return (
    <span className="flex flex-wrap items-baseline gap-x-4">
      <a href={`tel:+${digits}`} className={`${link} font-mono`}>
        {phone}
      </a>
      <a href={`https://wa.me/${digits}`} className={link} aria-label={t("whatsappLabel", { phone })}>
        {t("whatsapp")}
      </a>
    </span>
  );
}
