import type { NextRequest } from "next/server";
import { parseStatusWebhook, verifyHandshake, verifyMetaSignature } from "@/lib/channels/webhook-signature";
import { applyWhatsAppStatuses } from "@/lib/data/outbox";
import { receiveWhatsAppMessage } from "@/lib/data/whatsapp-inbound";
import { logError } from "@/lib/log";
import { queryFields } from "@/lib/validation/query";
import { readCapped } from "@/lib/http/read-capped";

// WhatsApp's webhook (Meta's servers call it; the app is subscribed to "messages").
//   GET   the verification handshake: hub.mode=subscribe and our WHATSAPP_VERIFY_TOKEN
//         answer hub.challenge; anything else 403.
//   POST  a signed delivery (X-Hub-Signature-256, HMAC-SHA256 of the raw body with
//         WHATSAPP_APP_SECRET): checked on the raw bytes first, before anything is parsed;
//         a bad or missing signature is 401 and changes nothing. Statuses move each
//         message forward only (lib/data/outbox.ts applyWhatsAppStatuses), so Meta's
//         retries and out-of-order deliveries are harmless. Inbound messages (replies,
//         STOP) are not handled yet: they are acknowledged and dropped.
// Without WhatsApp configured (no verify token or app secret) the endpoint is 404.

export const dynamic = "force-dynamic";

/** Meta's deliveries are small; anything larger is not one of them. */
const MAX_BODY_BYTES = 1024 * 1024;

export async function GET(request: NextRequest): Promise<Response> {
  const token = process.env.WHATSAPP_VERIFY_TOKEN;
  if (!token) return new Response(null, { status: 404 });
  const challenge = verifyHandshake(queryFields(request.nextUrl.searchParams), token);
  if (challenge === null) return new Response(null, { status: 403 });
  return new Response(challenge, { status: 200, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
}

export async function POST(request: NextRequest): Promise<Response> {
  const secret = process.env.WHATSAPP_APP_SECRET;
  if (!secret) return new Response(null, { status: 404 });
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) return new Response(null, { status: 413, headers: { Connection: "close" } });
  const raw = await readCapped(request, MAX_BODY_BYTES);
  if (raw === null) return new Response(null, { status: 413, headers: { Connection: "close" } });
  if (!verifyMetaSignature(raw, request.headers.get("x-hub-signature-256"), secret)) return new Response(null, { status: 401 });

  let json: unknown;
  try {
    json = JSON.parse(raw.toString("utf8"));
  } catch {
    return new Response(null, { status: 400 });
  }
  const events = parseStatusWebhook(json);
  if (events === null) return new Response(null, { status: 400 });
  try {
    const statuses = events.flatMap((e) => (e.kind === "status" ? [{ messageId: e.messageId, status: e.status, at: e.at, errorCode: e.errorCode }] : []));
    await applyWhatsAppStatuses(statuses);
    for (const e of events) {
      if (e.kind === "inbound") await receiveWhatsAppMessage({ from: e.from, waMessageId: e.waMessageId, at: e.at, text: e.text });
    }
  } catch (error) {
    // 500: Meta delivers it again later; applying it twice is harmless.
    logError("whatsapp webhook", error);
    return new Response(null, { status: 500 });
  }
  return new Response(null, { status: 200 });
}

