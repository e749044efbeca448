import type { Metadata, Viewport } from "next";
import { getLocale, getTranslations } from "next-intl/server";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import { pageWidthClass } from "@/components/page-width";
import { SiteHeader } from "@/components/site-header";
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
  const user = await getUser();
  const path = (await headers()).get("x-pathname") ?? "/";
  return (
    <html lang={locale}>
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:p-2">
          {t("skipToContent")}
        </a>
        <SiteHeader user={user} path={path} />
        <main id="main" className={`mx-auto px-4 py-6 ${pageWidthClass(path)}`}>
          {children}
        </main>
      </body>
    </html>
  );
}
