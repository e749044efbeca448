import { defineConfig, devices } from "@playwright/test";

// End-to-end tests against a production build (`npm run build` beforehand), served by
// server.mjs (Next behind the app's own HTTP server). scripts/test.mjs prepares a fresh database, builds, and runs this.
//
// Environment passed through to the server: DATABASE_URL (PostgreSQL) or PGLITE_DIR
// (embedded database folder), AUTH_SECRET. E2E_PORT picks the port (default 3100).
// CHROMIUM_PATH overrides the browser (default: Debian's /usr/bin/chromium, since
// `npx playwright install` cannot download here).

const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;

const serverEnv: Record<string, string> = {};
for (const [key, value] of Object.entries(process.env)) {
  if (value !== undefined) serverEnv[key] = value;
}
serverEnv.AUTH_TRUST_HOST = "true";
serverEnv.PORT = String(port);
// As behind one reverse proxy that appends the client's address to X-Forwarded-For
// (e2e/hardening.spec.ts names made-up clients that way; a request without the header is
// the socket's own address).
serverEnv.TRUSTED_PROXY_HOPS = "1";
// The server runs the job worker in its own process (imports, messages), also on
// PostgreSQL, as `npm run demo` does.
serverEnv.JOBS_IN_PROCESS = "1";
// WhatsApp's Cloud API is a local fake (scripts/fake-whatsapp.mts, started below): messages
// to phones are really handed over, and a spec reads a code from it as from a phone. No
// quiet hours, so that a run in the Indonesian night sends as one in the day (the hours
// themselves are tested in lib/). The webhook stays unconfigured (no app secret): 404.
const fakeWhatsAppPort = Number(process.env.FAKE_WHATSAPP_PORT ?? port + 99);
serverEnv.WHATSAPP_TOKEN = "fake-whatsapp-token";
serverEnv.WHATSAPP_PHONE_NUMBER_ID = "106540352242922";
serverEnv.WHATSAPP_API_BASE = `http://127.0.0.1:${fakeWhatsAppPort}/v21.0`;
serverEnv.WHATSAPP_QUIET_HOURS = "off";
delete serverEnv.WHATSAPP_APP_SECRET;
delete serverEnv.WHATSAPP_VERIFY_TOKEN;
// The server must run in production mode whatever the calling shell has set.
serverEnv.NODE_ENV = "production";

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["json", { outputFile: "test-results/e2e.json" }]],
  outputDir: "test-results/e2e-artifacts",
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
          args: [
            "--no-sandbox",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-sync",
          ],
        },
      },
    },
  ],
  webServer: [
    {
      command: `node --import tsx --import ./scripts/register-server-only.mjs scripts/fake-whatsapp.mts ${fakeWhatsAppPort}`,
      url: `http://127.0.0.1:${fakeWhatsAppPort}/__fake/accepted`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "pipe",
      stderr: "pipe",
    },
    {
      command: `node server.mjs -p ${port} -H 127.0.0.1`,
      url: `${baseURL}/api/health`,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: "pipe",
      stderr: "pipe",
      env: serverEnv,
    },
  ],
});
