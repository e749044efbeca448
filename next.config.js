import createNextIntlPlugin from "next-intl/plugin";

const withNextIntl = createNextIntlPlugin("./lib/i18n/request.ts");

/** @type {import('next').NextConfig} */
const nextConfig = {
  // PGlite ships WebAssembly and data files that must be loaded from node_modules at run
  // time, not bundled; exceljs (the participant list's Excel download) is plain CommonJS
  // that Node loads as is; pdfkit reads its standard fonts' metrics from its own data folder.
  // postgres.js stays in node_modules so that lib/process/postgres-write-guard.mjs can tell
  // its known null-socket write by its own file and function names, which bundling and
  // minifying would erase (the server would then end on a database restart).
  serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2", "exceljs", "pdfkit", "pg-boss", "pg", "postgres"],
  poweredByHeader: false,
  experimental: {
    authInterrupts: true,
  },
};

export default withNextIntl(nextConfig);
