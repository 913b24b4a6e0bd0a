import { inflateSync } from 'node:zlib';

/**
 * Each content stream of a PDF written by PDFKit, its bytes taken by the `/Length` its dictionary gives. Searching for
 * the `endstream` keyword instead would sometimes cut a stream short: compressed bytes may end in a carriage return,
 * which reads as part of the end-of-line before `endstream`.
 */
function streams(pdf: Buffer): Buffer[] {
  const raw = pdf.toString('latin1');
  const found: Buffer[] = [];
  // From an object's start to its `stream` keyword (never past its `endobj`): the stream's dictionary, nested ones included.
  for (const m of raw.matchAll(/\d+ \d+ obj\s*<<((?:(?!endobj)[\s\S])*?)>>\s*stream\r?\n/g)) {
    if (!m[1].includes('/FlateDecode')) continue; // text is only in compressed content streams (PDFKit's default)
    const length = /\/Length (\d+)/.exec(m[1]);
    if (!length) throw new Error('a PDF stream without a direct /Length');
    const start = m.index + m[0].length;
    found.push(pdf.subarray(start, start + Number(length[1])));
  }
  return found;
}

/** The text of a PDF written by PDFKit: its content streams inflated, the hex strings of each TJ array decoded, a line per array. */
export function pdfText(pdf: Buffer): string {
  return streams(pdf).map((stream) => {
    const s = inflateSync(stream).toString('latin1'); // a stream that does not inflate is a defect of the PDF: it fails the test
    return [...s.matchAll(/\[(.*?)\] TJ/g)].map((t) => [...t[1].matchAll(/<([0-9a-f]+)>/g)].map((h) => Buffer.from(h[1], 'hex').toString('latin1')).join('')).join('\n');
  }).join('\n');
}
