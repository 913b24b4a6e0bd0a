import { inflateSync } from 'node:zlib';

/** The text of a PDF written by PDFKit: its content streams inflated, the hex strings of each TJ array decoded, a line per array. */
export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  return [...raw.matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)].map((m) => {
    let s = '';
    try {
      s = inflateSync(Buffer.from(m[1], 'latin1')).toString('latin1');
    } catch {
      return '';
    }
    return [...s.matchAll(/\[(.*?)\] TJ/g)].map((t) => [...t[1].matchAll(/<([0-9a-f]+)>/g)].map((h) => Buffer.from(h[1], 'hex').toString('latin1')).join('')).join('\n');
  }).join('\n');
}
