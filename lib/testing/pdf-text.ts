import { extractText, getDocumentProxy } from "unpdf";

/** A PDF's text, page by page, as a reader's copy-and-paste would find it (unpdf, pdf.js). */
export async function pdfText(bytes: Uint8Array): Promise<{ pages: number; text: string[] }> {
  const pdf = await getDocumentProxy(new Uint8Array(bytes));
  const { totalPages, text } = await extractText(pdf, { mergePages: false });
  return { pages: totalPages, text };
}
