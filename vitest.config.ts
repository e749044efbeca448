import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

// With DATABASE_URL every test file talks to the same PostgreSQL database, so files
// run one after another. Without it each file gets its own in-memory PGlite database
// and files may run side by side (the machine has 2 cores).
const sharedDatabase = Boolean(process.env.DATABASE_URL);

export default defineConfig({
  resolve: {
    alias: [
      { find: /^server-only$/, replacement: fileURLToPath(new URL("./test/server-only-stub.ts", import.meta.url)) },
      { find: /^@\//, replacement: `${root}` },
    ],
  },
  test: {
    environment: "node",
    include: ["**/*.test.ts"],
    exclude: ["e2e/**", "**/node_modules/**", ".next/**", ".data/**", "test-results/**", "playwright-report/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: sharedDatabase ? 1 : 2,
    fileParallelism: !sharedDatabase,
    // db/index.ts opens PGLITE_DIR (default .data/pglite, the demo database) when
    // DATABASE_URL is absent: point it at a throwaway in-memory database instead. Each
    // test file runs in its own fork, so each file gets its own empty database.
    env: {
      // forbidden() from next/navigation only works when Next has enabled authInterrupts.
      __NEXT_EXPERIMENTAL_AUTH_INTERRUPTS: "true",
      // Seals searches (lib/crypto/search-seal.ts); with DATABASE_URL no secret is made up.
      AUTH_SECRET: process.env.AUTH_SECRET ?? "vitest-auth-secret-never-used-outside-tests",
      // Fixed test keys for NIK/KK encryption (lib/crypto/identity.ts): never used outside tests.
      DATA_KEYS: process.env.DATA_KEYS ?? "test1:dGVzdC1rZXktMS10ZXN0LWtleS0xLXRlc3Qta2V5LTE=",
      DATA_HASH_KEY: process.env.DATA_HASH_KEY ?? "dGVzdC1oYXNoLWtleS10ZXN0LWhhc2gta2V5LTEyMzQ=",
      ...(sharedDatabase ? {} : { PGLITE_DIR: "memory://" }),
    },
  },
});
