import PDFDocument from 'pdfkit';
import type { Matrix } from '../policy-document/matrix';

const STATUS_COLOUR: Record<string, string> = { enforced: '#1b6e3a', procedural: '#6b4e00', section: '#555555', gap: '#b00020' };
const MARGIN = 56;
const MAX_TESTS = 6;

/** Renders the traceability matrix as an A4 PDF for trustees: a title page, then one block per clause. */
export function matrixPdf(m: Matrix, generatedAt: string): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margins: { top: MARGIN, bottom: MARGIN + 10, left: MARGIN, right: MARGIN }, bufferPages: true, info: { Title: `${m.policy.title} — traceability`, Creator: 'Confide' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  const width = doc.page.width - 2 * MARGIN;

  // Title page
  doc.moveDown(6).font('Helvetica-Bold').fontSize(24).fillColor('#111111').text(m.policy.title, { width });
  doc.moveDown(0.5).font('Helvetica').fontSize(14).fillColor('#333333').text('How Confide puts each clause into practice', { width });
  doc.moveDown(2).fontSize(11).fillColor('#111111');
  doc.text(`Policy version ${m.policy.version}, loaded ${m.policy.loadedAt.slice(0, 10)}`);
  doc.text(`Generated ${generatedAt.slice(0, 16).replace('T', ' ')} UTC`);
  doc.moveDown(1.5).font('Helvetica-Bold').text('Summary');
  doc.font('Helvetica').moveDown(0.3);
  doc.text(`${m.summary.clauses} clauses`);
  doc.fillColor(STATUS_COLOUR.enforced).text(`${m.summary.enforced} enforced by software rules, each covered by tests`);
  doc.fillColor(STATUS_COLOUR.procedural).text(`${m.summary.procedural} procedural: supported by a documented practice or a planned workflow`);
  doc.fillColor(STATUS_COLOUR.section).text(`${m.summary.sections} section headings (their sub-clauses are listed)`);
  doc.fillColor(m.summary.gaps.length ? STATUS_COLOUR.gap : STATUS_COLOUR.enforced).text(m.summary.gaps.length ? `Gaps: ${m.summary.gaps.join(', ')}` : 'No gaps');
  doc.moveDown(2).fillColor('#333333').fontSize(10).text('Rules are checked on every read, list and change; tests run on every build against SQLite and PostgreSQL. Rule and test names below are quoted from the software.', { width });

  // Overview: one line per clause.
  doc.addPage().font('Helvetica-Bold').fontSize(15).fillColor('#111111').text('Clauses at a glance');
  doc.moveDown(0.5);
  for (const r of m.rows) {
    const y = doc.y;
    const first = r.heading ?? r.text.split('\n')[0];
    const summaryText = first.length > 62 ? `${first.slice(0, 60).trimEnd()}…` : first;
    doc.font('Helvetica-Bold').fontSize(9).fillColor('#111111').text(r.clause, MARGIN, y, { width: 95 });
    doc.font('Helvetica').fillColor('#333333').text(summaryText, MARGIN + 100, y, { width: width - 180, height: 12, lineBreak: false });
    doc.font('Helvetica-Bold').fillColor(STATUS_COLOUR[r.status]).text(r.status, MARGIN + width - 70, y, { width: 70, align: 'right' });
    doc.x = MARGIN;
    doc.moveDown(0.35);
  }

  for (const r of m.rows) {
    doc.addPage();
    const heading = `${/^\d|^practice/.test(r.clause) ? r.clause : r.clause.replace(/-/g, ' ')}${r.heading ? ` — ${r.heading}` : ''}`;
    doc.font('Helvetica-Bold').fontSize(15).fillColor('#111111').text(heading, { width });
    doc.moveDown(0.2).font('Helvetica-Bold').fontSize(10).fillColor(STATUS_COLOUR[r.status]).text(r.status.toUpperCase(), { continued: r.keys.length > 0 });
    if (r.keys.length) doc.font('Helvetica').fillColor('#555555').text(`   clause keys: ${r.keys.join(', ')}`);
    if (r.text) {
      doc.moveDown(0.6).font('Helvetica-Oblique').fontSize(10).fillColor('#333333').text(r.text, { width, align: 'left' });
    }
    if (r.rules.length) {
      doc.moveDown(0.8).font('Helvetica-Bold').fontSize(11).fillColor('#111111').text('Enforced by');
      for (const rule of r.rules) {
        doc.moveDown(0.2).font('Helvetica-Bold').fontSize(9.5).fillColor('#111111').text(`${rule.id} (${rule.effect})`, { width });
        doc.font('Helvetica').fillColor('#333333').text(rule.reason, { width, indent: 12 });
      }
    }
    if (r.tests.length) {
      doc.moveDown(0.8).font('Helvetica-Bold').fontSize(11).fillColor('#111111').text(`Tested by (${r.tests.length})`);
      doc.font('Helvetica').fontSize(9).fillColor('#333333');
      for (const t of r.tests.slice(0, MAX_TESTS)) doc.moveDown(0.15).text(`• ${t.title}`, { width, indent: 6 });
      if (r.tests.length > MAX_TESTS) doc.moveDown(0.15).fillColor('#555555').text(`… and ${r.tests.length - MAX_TESTS} more (see the JSON or Markdown matrix)`, { width, indent: 6 });
    }
    if (r.procedural) {
      doc.moveDown(0.8).font('Helvetica-Bold').fontSize(11).fillColor('#111111').text('Procedural');
      doc.font('Helvetica').fontSize(10).fillColor('#333333').text(r.procedural, { width });
    }
  }

  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font('Helvetica').fontSize(8).fillColor('#777777').text(`${m.policy.title} — traceability, version ${m.policy.version}  ·  page ${i + 1} of ${range.count}`, MARGIN, doc.page.height - 40, { width, align: 'center' });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
}
