// What a PDF says, as pdf.js reads it: for tests of the invoices' PDFs.
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

/** The PDF's page count, its text (the pages' text one after the other, runs of spaces and tabs as one space) and its title. */
export async function readPdf(data: Uint8Array): Promise<{ pages: number; text: string; title: unknown }> {
  const task = getDocument({ data, useSystemFonts: false });
  const pdf = await task.promise;
  const texts: string[] = [];
  for (let i = 1; i <= pdf.numPages; i++) {
    const content = await (await pdf.getPage(i)).getTextContent();
    texts.push(content.items.map((item) => ("str" in item ? item.str + (item.hasEOL ? "\n" : " ") : "")).join(""));
  }
  const { info } = await pdf.getMetadata();
  const pages = pdf.numPages;
  await task.destroy();
  return { pages, text: texts.join("\n").replace(/[ \t]+/g, " "), title: (info as { Title?: unknown }).Title };
}
