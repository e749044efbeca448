// npm run user:create -- --role pmo --email ana@bp2mi.go.id --name "Ana Rahma"
// Creates a staff account (pmo or caseworker). The password is read from the environment
// variable NEW_USER_PASSWORD or, when absent, asked for on the terminal, so that it never
// lands in the shell history. This is how a real deployment gets its first PMO account.
import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import { z } from "zod";
import { closeDb } from "@/db";
import { migrateDatabase } from "@/db/migrate-lib";
import { createStaffUser } from "@/lib/data/users";
import { checkEmail, checkPassword } from "@/lib/validation";

const { values } = parseArgs({
  options: { role: { type: "string" }, email: { type: "string" }, name: { type: "string" } },
});

const input = z
  .object({
    role: z.enum(["pmo", "caseworker"], { error: "--role must be pmo or caseworker" }),
    email: z.string({ error: "--email is required" }).refine((e) => checkEmail(e).length === 0, "--email is not a valid address"),
    name: z.string().trim().min(2).max(100).optional(),
  })
  .safeParse(values);
if (!input.success) {
  console.error(input.error.issues.map((i) => i.message).join("\n"));
  console.error('Usage: npm run user:create -- --role pmo|caseworker --email you@example.org [--name "Full Name"]');
  process.exit(2);
}

async function readPassword(): Promise<string> {
  if (process.env.NEW_USER_PASSWORD) return process.env.NEW_USER_PASSWORD;
  if (!process.stdin.isTTY) {
    let data = "";
    for await (const chunk of process.stdin) data += chunk;
    return data.split("\n")[0] ?? "";
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await rl.question("Password (at least 8 characters): ");
  rl.close();
  return answer;
}

const password = await readPassword();
const problems = checkPassword(password);
if (problems.length) {
  console.error(`Password refused: ${problems.join(", ")}`);
  process.exit(2);
}

await migrateDatabase();
try {
  const { role, email, name } = input.data;
  const user = await createStaffUser({ role, email, name: name ?? email.split("@")[0], password });
  console.log(`Created ${role} account ${email.trim().toLowerCase()} (${user.id}).`);
} catch (error) {
  const message = String((error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message);
  console.error(message.includes("users_email_key") ? `An account with ${input.data.email} already exists.` : message);
  process.exitCode = 1;
} finally {
  await closeDb();
}
