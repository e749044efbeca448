// npm run outbox:send [-- --watch 300]
// Queues the Prakerja purchase-deadline reminders that are due (once per deadline: running
// it again adds nothing) and sends what is pending in the outbox: emails through SMTP_URL
// (smtp://user:pass@host:587 or smtps://…; SMTP_FROM sets the sender), and without it, as
// for WhatsApp, marks them "recorded". Run it from cron every few minutes, or leave it
// running with --watch <seconds>. Several copies may run at once (FOR UPDATE SKIP LOCKED).
// With the embedded database (no DATABASE_URL) only one process may open it: stop the app
// first, or use PostgreSQL.
import { parseArgs } from "node:util";
import { closeDb, dbKind } from "@/db";
import { deliverOutbox, outboxCounts } from "@/lib/data/outbox";
import { queueDeadlineReminders } from "@/lib/data/reminders";

const { values } = parseArgs({
  options: {
    watch: { type: "string" },
    "no-reminders": { type: "boolean", default: false },
  },
});
const every = values.watch ? Number(values.watch) : 0;
if (values.watch && !(every >= 5)) {
  console.error("--watch takes a number of seconds, 5 or more");
  process.exit(2);
}

let stopping = false;
process.on("SIGINT", () => (stopping = true));
process.on("SIGTERM", () => (stopping = true));

async function runOnce(): Promise<void> {
  const reminders = values["no-reminders"] ? null : await queueDeadlineReminders(new Date());
  const delivery = await deliverOutbox();
  console.log(
    JSON.stringify({
      at: new Date().toISOString(),
      database: dbKind,
      smtp: Boolean(process.env.SMTP_URL),
      reminders,
      delivery,
      outbox: await outboxCounts(),
    }),
  );
}

try {
  await runOnce();
  while (every && !stopping) {
    await new Promise((resolve) => setTimeout(resolve, every * 1000));
    if (!stopping) await runOnce();
  }
} catch (error) {
  console.error("send-outbox:", error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await closeDb();
}
