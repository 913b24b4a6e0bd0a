import PDFDocument from 'pdfkit';

/** A pdfkit document. */
export type Doc = InstanceType<typeof PDFDocument>;

export const INK = '#111111';
export const TEXT = '#333333';
export const MUTED = '#5f6b7a';
export const RED = '#b00020';
export const LINE = '#c9ced6';
export const MARGIN = 60;

/** CONFIDENTIAL at the top and bottom of the current page, with the reference and page number in the footer. */
function markPage(doc: Doc, reference: string, page: number) {
  const { width, height } = doc.page;
  // The page may have been added in the middle of a text run: put its font and size back afterwards.
  const state = doc as unknown as { _font: { name: string } | null; _fontSize: number };
  const saved = { x: doc.x, y: doc.y, font: state._font?.name, size: state._fontSize };
  const bottom = doc.page.margins.bottom;
  doc.page.margins.bottom = 0; // writing in the margin must not add a page
  doc.font('Helvetica-Bold').fontSize(11).fillColor(RED);
  doc.text('CONFIDENTIAL', MARGIN, 24, { width: width - 2 * MARGIN, align: 'center', lineBreak: false });
  doc.moveTo(MARGIN, 40).lineTo(width - MARGIN, 40).strokeColor(RED).lineWidth(0.8).stroke();
  doc.moveTo(MARGIN, height - 44).lineTo(width - MARGIN, height - 44).strokeColor(RED).lineWidth(0.8).stroke();
  doc.text('CONFIDENTIAL', MARGIN, height - 38, { width: width - 2 * MARGIN, align: 'center', lineBreak: false });
  doc.font('Helvetica').fontSize(8).fillColor(MUTED);
  doc.text(`${reference} · page ${page}`, MARGIN, height - 24, { width: width - 2 * MARGIN, align: 'center', lineBreak: false });
  doc.page.margins.bottom = bottom;
  doc.x = saved.x;
  doc.y = saved.y;
  if (saved.font) doc.font(saved.font);
  doc.fontSize(saved.size);
  doc.fillColor(TEXT);
}

/**
 * Starts an A4 PDF whose every page — the first and each one added while writing — carries CONFIDENTIAL in its
 * header and footer with `reference` and the page number (4.3: "we will state that the information provided is
 * CONFIDENTIAL"). The one way Confide marks a document that leaves it. Call `finish()` after writing.
 */
export function confidentialPdf(reference: string, info: { Title: string; Author: string; Subject: string; CreationDate: Date }): { doc: Doc; finish: () => Promise<Buffer> } {
  const doc: Doc = new PDFDocument({ size: 'A4', margins: { top: 60, bottom: 60, left: MARGIN, right: MARGIN }, bufferPages: false, info });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  let page = 1;
  markPage(doc, reference, page);
  doc.on('pageAdded', () => markPage(doc, reference, ++page));
  return { doc, finish: () => { doc.end(); return done; } };
}

/** A date and time in words, UTC. */
export const day = (iso: string) => new Date(iso).toLocaleString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' }) + ' UTC';

/** A section heading with a rule under it. */
export function heading(doc: Doc, text: string) {
  doc.moveDown(0.8).font('Helvetica-Bold').fontSize(12).fillColor(INK).text(text);
  doc.moveTo(doc.x, doc.y + 2).lineTo(doc.page.width - MARGIN, doc.y + 2).strokeColor(LINE).lineWidth(0.5).stroke();
  doc.moveDown(0.4).font('Helvetica').fontSize(10).fillColor(TEXT);
}

/** A label and its value. */
export function pair(doc: Doc, label: string, value: string) {
  doc.font('Helvetica-Bold').fontSize(9).fillColor(MUTED).text(label);
  doc.font('Helvetica').fontSize(10).fillColor(TEXT).text(value || '—', { paragraphGap: 4 });
}

/** The terms, in red, in a red box across the page. */
export function termsBox(doc: Doc, terms: string) {
  const boxY = doc.y;
  doc.font('Helvetica-Bold').fontSize(10).fillColor(RED).text(terms, MARGIN + 10, boxY + 8, { width: doc.page.width - 2 * MARGIN - 20 });
  const boxH = doc.y - boxY + 8;
  doc.rect(MARGIN, boxY, doc.page.width - 2 * MARGIN, boxH).strokeColor(RED).lineWidth(1).stroke();
  doc.x = MARGIN;
  doc.y = boxY + boxH + 4;
}
