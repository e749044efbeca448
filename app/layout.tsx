import type { Metadata, Viewport } from "next";
import { getLocale, getTranslations } from "next-intl/server";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import { pageWidthClass } from "@/components/page-width";
import { SiteHeader } from "@/components/site-header";
import { TextsProvider } from "@/components/texts";
import { getUser } from "@/lib/data/session";
import "./globals.css";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("common");
  return { title: { default: t("appName"), template: `%s · ${t("appName")}` }, description: t("tagline") };
}

export const viewport: Viewport = { width: "device-width", initialScale: 1, themeColor: "#115e59" };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const locale = await getLocale();
  const t = await getTranslations("common");
  const tForms = await getTranslations("forms");
  const user = await getUser();
  const requestHeaders = await headers();
  const path = requestHeaders.get("x-pathname") ?? "/";
  // The query as it came (filters, period, page; never personal data: the PMO's search is sealed).
  const search = requestHeaders.get("x-search") ?? "";
  return (
    <html lang={locale}>
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:p-2">
          {t("skipToContent")}
        </a>
        <SiteHeader user={user} path={path} search={search} />
        <main id="main" className={`mx-auto px-4 py-6 ${pageWidthClass(path)}`}>
          {/* Every form's error summary and password note, whatever texts its page hands down. */}
          <TextsProvider texts={{ "forms.title": tForms("title"), "forms.passwordAgain": tForms("passwordAgain") }}>{children}</TextsProvider>
        </main>
      </body>
    </html>
  );
}
