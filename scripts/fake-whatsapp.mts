// A fake WhatsApp Cloud API as a process of its own, for the end-to-end tests
// (playwright.config.ts starts it beside the app and points WHATSAPP_API_BASE at it).
// It knows the templates of the app's catalogue, with their parameter counts, as an
// account with all of them approved would; a spec reads what a participant's phone
// received from GET /__fake/accepted. Nothing outside this machine is reached.
//
//   node --import tsx scripts/fake-whatsapp.mts [port]     (default 3199)
import { TEMPLATE_KEYS, TEMPLATES } from "@/lib/channels/templates";
import { startFakeWhatsApp } from "@/lib/testing/fake-whatsapp";

const port = Number(process.argv[2] ?? process.env.FAKE_WHATSAPP_PORT ?? 3199);
const templates = Object.fromEntries(TEMPLATE_KEYS.map((key) => [TEMPLATES[key].whatsapp.name, TEMPLATES[key].params.length]));
const fake = await startFakeWhatsApp({ port, templates });
console.log(`fake WhatsApp Cloud API on ${fake.base} (phone number ID ${fake.phoneNumberId})`);

const stop = async () => {
  await fake.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
