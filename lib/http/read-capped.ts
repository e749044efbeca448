/**
 * A request body's bytes up to `max`, or null past it: a chunked body has no length to
 * check first, so reading stops (and the stream is cancelled) as soon as it is too long.
 * Shared by the inbound routes that read raw bodies (/api/v1, the WhatsApp webhook).
 */
export async function readCapped(request: Request, max: number): Promise<Buffer | null> {
  if (!request.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}
