// Participants with an account, for the data-layer tests of what a participant does
// themself (Vitest only: this module talks to the database).
import { eq } from "drizzle-orm";
import { db } from "@/db";
import { participants, users, type Stage } from "@/db/schema";
import type { SessionUser } from "@/lib/data/permissions";
import { registerSelf } from "@/lib/data/participants";
import { selfRegistrationSchema } from "@/lib/validation/registration";
import { registrationForm } from "./identity";

export const TEST_PASSWORD = "kata-sandi-rahasia";

export type TestParticipant = {
  /** The participant's session, as requireUser() would return it. */
  user: SessionUser;
  participantId: string;
  phone: string;
  email: string | null;
};

/** Registers a participant (self-registration) and sets their stage, caseworker and more. */
export async function createTestParticipant(
  opts: {
    caseworkerId?: string | null;
    stage?: Stage;
    form?: Partial<Record<string, string>>;
    set?: Partial<typeof participants.$inferInsert>;
    locale?: "id" | "en";
  } = {},
): Promise<TestParticipant> {
  const data = selfRegistrationSchema().parse(registrationForm({ password: TEST_PASSWORD, ...opts.form }));
  const result = await registerSelf(data);
  if (!result.ok) throw new Error(JSON.stringify(result.fieldErrors));
  await db
    .update(participants)
    .set({
      caseworkerId: opts.caseworkerId ?? null,
      stage: opts.stage ?? "registration",
      withdrawnReason: opts.stage === "withdrawn" ? "Berangkat kerja" : null,
      ...opts.set,
    })
    .where(eq(participants.id, result.participantId));
  if (opts.locale) await db.update(users).set({ locale: opts.locale }).where(eq(users.id, result.userId));
  return {
    user: { id: result.userId, role: "participant", name: data.fullName, locale: opts.locale ?? "id" },
    participantId: result.participantId,
    phone: data.phone,
    email: data.email,
  };
}
