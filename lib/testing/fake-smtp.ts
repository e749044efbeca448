// A mail server for tests: accepts mail on a local port (SMTP, through nodemailer's own
// smtp-server), keeps each message's envelope and Message-ID, and can be told to answer
// the next sends with a temporary (451) or permanent (550) refusal. The app reaches it
// through SMTP_URL, as it would a real one; no outside server is ever reached.
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export type ReceivedMail = { messageId: string | null; to: string[]; from: string; raw: string; at: number };

export type FakeSmtp = {
  url: string;
  port: number;
  received: ReceivedMail[];
  /** The next n messages are refused with this code (451: try again later; 550: never). */
  refuseNext: (n: number, code?: 451 | 550) => void;
  close: () => Promise<void>;
};

/** delayMs: how long the server takes to accept each message (a real server is not instant). */
export async function startFakeSmtp(port = 0, opts: { delayMs?: number } = {}): Promise<FakeSmtp> {
  const received: ReceivedMail[] = [];
  let refusals = 0;
  let refusalCode = 451;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", async () => {
        if (opts.delayMs) await new Promise((resolve) => setTimeout(resolve, opts.delayMs));
        if (refusals > 0) {
          refusals--;
          const error = new Error(refusalCode === 451 ? "Try again later" : "Mailbox unavailable") as Error & { responseCode: number };
          error.responseCode = refusalCode;
          return callback(error);
        }
        const raw = Buffer.concat(chunks).toString("utf8");
        const messageId = /^Message-ID:\s*(<[^>]+>)/im.exec(raw)?.[1] ?? null;
        received.push({
          messageId,
          to: session.envelope.rcptTo.map((r) => r.address),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          raw,
          at: Date.now(),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const actual = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${actual}`,
    port: actual,
    received,
    refuseNext: (n, code = 451) => {
      refusals = n;
      refusalCode = code;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
