// WhatsApp "configured" for a test that only needs messages to be written as WhatsApp
// ones (nothing is delivered): a token and a phone number ID, and an API base on this
// machine's discard port, so that a delivery started by mistake fails here instead of
// reaching graph.facebook.com.

export const WHATSAPP_TEST_ENV = {
  WHATSAPP_TOKEN: "test-whatsapp-token",
  WHATSAPP_PHONE_NUMBER_ID: "106540352242922",
  WHATSAPP_API_BASE: "http://127.0.0.1:9/v21.0",
} as const;

/** Sets the variables (others may be added, e.g. SMTP_URL); returns a function that puts them back. */
export function setWhatsAppEnv(extra: Record<string, string> = {}): () => void {
  const values: Record<string, string> = { ...WHATSAPP_TEST_ENV, ...extra };
  const saved = Object.fromEntries(Object.keys(values).map((k) => [k, process.env[k]]));
  Object.assign(process.env, values);
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

/** Runs `fn` with setWhatsAppEnv's variables, and puts them back afterwards. */
export async function withWhatsAppEnv<T>(fn: () => Promise<T>, extra: Record<string, string> = {}): Promise<T> {
  const restore = setWhatsAppEnv(extra);
  try {
    return await fn();
  } finally {
    restore();
  }
}
