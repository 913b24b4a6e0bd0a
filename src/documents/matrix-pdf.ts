import PDFDocument from 'pdfkit';

/**
 * One clause as the traceability PDF shows it. The renderer only lays out what it is given: the matrix is built by
 * policy-document/matrix.ts, and the compiler checks that what it builds fits here (a new status must be shown).
 */
export interface TraceabilityRow {
  clause: string;
  heading: string | null;
  text: string;
  keys: readonly string[];
  rules: readonly { id: string; effect: string; reason: string; mode?: string }[];
  tests: readonly { file: string; title: string }[];
  /** What the organisation does instead of software: all of a procedural clause, the rest of one enforced in part. */
  procedural: string | null;
  /** What exists today and what is still to be built, for a planned clause. */
  planned: string | null;
  status: 'enforced' | 'in-part' | 'warn-only' | 'planned' | 'procedural' | 'section' | 'gap';
}

/** The traceability matrix the PDF renders: the policy, the summary counts and every clause. */
export interface TraceabilityMatrix {
  policy: { title: string; version: number; loadedAt: string };
  summary: {
    clauses: number;
    enforced: number;
    /** Clauses enforced in part: rules with tests for part, a procedural note for the rest. Never counted as enforced. */
    inPart: readonly string[];
    warnOnly: readonly string[];
    procedural: number;
    sections: number;
    planned: readonly string[];
    uncovered: readonly string[];
    gaps: readonly string[];
    /** The gaps in words, printed on the first page. */
    attention: readonly string[];
    /** The sentence printed instead when there is no gap. */
    noGaps: string | null;
    /** The clauses enforced in part in words, printed on the first page after the gaps. */
    inPartLine: string | null;
  };
  rows: readonly TraceabilityRow[];
}

type Doc = InstanceType<typeof PDFDocument>;

const STATUS_COLOUR: Record<TraceabilityRow['status'], string> = { enforced: '#1b6e3a', 'in-part': '#2b6384', 'warn-only': '#a15c00', planned: '#b4451f', procedural: '#8a5a00', section: '#5f6b7a', gap: '#b00020' };
const STATUS_MEANING: Record<TraceabilityRow['status'], string> = {
  enforced: 'enforced by software rules, each covered by tests',
  'in-part': 'enforced in part: rules with tests carry out part of it, and its procedural note says what the organisation does for the rest',
  'warn-only': 'warn only: a rule of it is switched to warn, so what it would refuse is allowed and recorded',
  planned: 'planned: the software is not built yet, so the clause is not enforced (a gap)',
  procedural: 'procedural: supported by a documented practice, no software meant to',
  section: 'section headings: their sub-clauses are listed separately',
  gap: 'uncovered: neither rules with tests nor a procedural or planned note',
};
const INK = '#111111';
const TEXT = '#333333';
const MUTED = '#6b7280';
const RULE_LINE = '#c9ced6';
const BAND = '#eef1f5';
const MARGIN = 50;
const FOOTER = 36;
const LABEL_W = 92;
const PAD = 6;
const MAX_TESTS = 5;

/** A run of text in one style; a cell is a list of them, drawn top to bottom. */
interface Piece {
  text: string;
  font?: 'Helvetica' | 'Helvetica-Bold' | 'Helvetica-Oblique';
  size?: number;
  color?: string;
  /** Hanging bullet: the bullet sits in the indent, wrapped lines align with the text. */
  bullet?: boolean;
  indent?: number;
  gap?: number;
}

const numbered = (id: string) => /^\d|^practice/.test(id);
const label = (id: string) => (numbered(id) ? id : id.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase()));
/** "4.2 — Need to Know"; an unnumbered section is named by its heading alone ("Monitoring and Review"). */
const titleOf = (r: TraceabilityRow) => (numbered(r.clause) ? `${r.clause}${r.heading ? ` — ${r.heading}` : ''}` : (r.heading ?? label(r.clause)));

/**
 * Renders the traceability matrix as an A4 PDF for trustees and auditors: a title page with the summary, a table of
 * every clause at a glance, then one table per clause (policy text, clause keys, the rules enforcing it, the tests
 * covering those rules, or its procedural note). Tables are kept on one page where they fit; pages are numbered.
 */
export function matrixPdf(m: TraceabilityMatrix, generatedAt: string): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4', margins: { top: MARGIN, bottom: MARGIN + FOOTER / 2, left: MARGIN, right: MARGIN }, bufferPages: true,
    info: { Title: `${m.policy.title}: traceability matrix`, Subject: `Policy version ${m.policy.version}`, Creator: 'Confide' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));

  titlePage(doc, m, generatedAt);
  overview(doc, m);
  doc.addPage();
  sectionTitle(doc, 'Clause by clause');
  for (const row of m.rows) clauseTable(doc, row, m.rows);
  footers(doc, m);
  doc.end();
  return done;
}

const contentWidth = (doc: Doc) => doc.page.width - doc.page.margins.left - doc.page.margins.right;
const bottomLimit = (doc: Doc) => doc.page.height - doc.page.margins.bottom;

function sectionTitle(doc: Doc, title: string) {
  doc.font('Helvetica-Bold').fontSize(16).fillColor(INK).text(title, MARGIN, doc.y, { width: contentWidth(doc) });
  doc.moveDown(0.4);
}

function titlePage(doc: Doc, m: TraceabilityMatrix, generatedAt: string) {
  const width = contentWidth(doc);
  doc.y = 150;
  doc.font('Helvetica-Bold').fontSize(10).fillColor(MUTED).text('POLICY TRACEABILITY MATRIX', MARGIN, doc.y, { width, characterSpacing: 1.5 });
  doc.moveDown(0.6).font('Helvetica-Bold').fontSize(26).fillColor(INK).text(m.policy.title, { width });
  doc.moveDown(0.4).font('Helvetica').fontSize(13).fillColor(TEXT).text('How Confide puts each clause of the policy into practice', { width });
  doc.moveDown(1.2).moveTo(MARGIN, doc.y).lineTo(MARGIN + width, doc.y).lineWidth(1).strokeColor(RULE_LINE).stroke();
  doc.moveDown(1).font('Helvetica').fontSize(10.5).fillColor(INK);
  doc.text(`Policy version ${m.policy.version}, loaded ${m.policy.loadedAt.slice(0, 10)}`, MARGIN, doc.y, { width });
  doc.text(`Generated ${generatedAt.slice(0, 16).replace('T', ' ')} UTC`, { width });

  doc.moveDown(1.6).font('Helvetica-Bold').fontSize(12).fillColor(INK).text(`${m.summary.clauses} clauses`, { width });
  doc.moveDown(0.4);
  const counts: Record<TraceabilityRow['status'], number> = {
    enforced: m.summary.enforced, 'in-part': m.summary.inPart.length, 'warn-only': m.summary.warnOnly.length, planned: m.summary.planned.length, procedural: m.summary.procedural, section: m.summary.sections,
    gap: m.summary.uncovered.length,
  };
  for (const status of ['enforced', 'in-part', 'warn-only', 'planned', 'procedural', 'section', 'gap'] as const) {
    const y = doc.y;
    chip(doc, status, MARGIN, y);
    doc.font('Helvetica-Bold').fontSize(10.5).fillColor(INK).text(String(counts[status]), MARGIN + 82, y + 1, { width: 30, align: 'right' });
    doc.font('Helvetica').fillColor(TEXT).text(STATUS_MEANING[status], MARGIN + 122, y + 1, { width: width - 122 });
    doc.y = Math.max(doc.y, y + 16) + 4;
  }
  doc.moveDown(0.4).font('Helvetica-Bold').fontSize(10.5).fillColor(m.summary.gaps.length ? STATUS_COLOUR.gap : STATUS_COLOUR.enforced);
  const attention = m.summary.noGaps ? [m.summary.noGaps] : m.summary.attention;
  for (const line of attention) doc.text(line, MARGIN, doc.y, { width }).moveDown(0.3);
  if (m.summary.inPartLine) doc.font('Helvetica').fillColor(STATUS_COLOUR['in-part']).text(m.summary.inPartLine, MARGIN, doc.y, { width }).moveDown(0.3);

  doc.moveDown(2).font('Helvetica-Bold').fontSize(11).fillColor(INK).text('How to read this document', { width });
  doc.moveDown(0.3).font('Helvetica').fontSize(9.5).fillColor(TEXT).text(
    'Each clause of the policy is mapped to one or more clause keys. Software rules cite those keys; the rules are '
    + 'checked on every read, list and change of a record, and every refusal is written to the tamper-evident audit '
    + 'trail. The tests named under each clause run on every build against SQLite and PostgreSQL. A clause no software '
    + 'rule is meant to enforce carries a procedural note saying what supports it instead. A clause enforced in part has '
    + 'rules and tests for the part they name and a procedural note for what the organisation does for the rest; it is '
    + 'not counted as enforced. A planned clause is one whose '
    + 'software is not built yet: any rules listed under it support part of it only, and it counts as a gap. Rule and '
    + 'test names are quoted from the software.',
    { width, lineGap: 2 },
  );
}

/** A small coloured label with the status in white capitals. */
function chip(doc: Doc, status: TraceabilityRow['status'], x: number, y: number, w = 74) {
  doc.save().roundedRect(x, y, w, 14, 3).fill(STATUS_COLOUR[status]).restore();
  doc.font('Helvetica-Bold').fontSize(7.5).fillColor('#ffffff').text(status.toUpperCase(), x, y + 3.6, { width: w, align: 'center', characterSpacing: 0.6, lineBreak: false });
}

/** Shortens text with an ellipsis until it fits the width in the current font. */
function fit(doc: Doc, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (doc.widthOfString(`${text.slice(0, mid).trimEnd()}…`) <= width) lo = mid;
    else hi = mid - 1;
  }
  return `${text.slice(0, lo).trimEnd()}…`;
}

function overview(doc: Doc, m: TraceabilityMatrix) {
  doc.addPage();
  sectionTitle(doc, 'Clauses at a glance');
  const width = contentWidth(doc);
  const cols = [
    { title: 'Clause', w: 92, align: 'left' as const },
    { title: 'Heading or opening words', w: width - 92 - 44 - 44 - 84, align: 'left' as const },
    { title: 'Rules', w: 44, align: 'right' as const },
    { title: 'Tests', w: 44, align: 'right' as const },
    { title: 'Status', w: 84, align: 'right' as const },
  ];
  const rowH = 17;
  const header = () => {
    const y = doc.y;
    doc.save().rect(MARGIN, y, width, rowH).fill(BAND).restore();
    let x = MARGIN;
    for (const c of cols) {
      doc.font('Helvetica-Bold').fontSize(8.5).fillColor(MUTED).text(c.title, x + PAD, y + 5, { width: c.w - 2 * PAD, align: c.align, lineBreak: false });
      x += c.w;
    }
    doc.y = y + rowH;
  };
  header();
  m.rows.forEach((r, i) => {
    if (doc.y + rowH > bottomLimit(doc)) {
      doc.addPage();
      header();
    }
    const y = doc.y;
    if (i % 2 === 1) doc.save().rect(MARGIN, y, width, rowH).fill('#f8f9fb').restore();
    const summary = r.heading ?? r.text.split('\n')[0];
    const cells = [numbered(r.clause) ? r.clause : 'unnumbered', summary, r.rules.length ? String(r.rules.length) : '–', r.tests.length ? String(r.tests.length) : '–'];
    let x = MARGIN;
    cells.forEach((text, c) => {
      const plain = c > 0 || !numbered(r.clause);
      doc.font(plain ? 'Helvetica' : 'Helvetica-Bold').fontSize(8.5).fillColor(c === 0 && plain ? MUTED : c === 0 ? INK : TEXT);
      doc.text(fit(doc, text, cols[c].w - 2 * PAD), x + PAD, y + 5, { width: cols[c].w - 2 * PAD, align: cols[c].align, lineBreak: false });
      x += cols[c].w;
    });
    chip(doc, r.status, MARGIN + width - 78, y + 1.5, 72);
    doc.moveTo(MARGIN, y + rowH).lineTo(MARGIN + width, y + rowH).lineWidth(0.4).strokeColor(RULE_LINE).stroke();
    doc.y = y + rowH;
  });
}

/** The rows of one clause's table: label → pieces. */
function clauseCells(row: TraceabilityRow, all: readonly TraceabilityRow[]): [string, Piece[]][] {
  const cells: [string, Piece[]][] = [];
  if (row.text) cells.push(['Policy text', [{ text: row.text, font: 'Helvetica-Oblique' }]]);
  if (row.status === 'section') {
    const prefix = `${row.clause}.`;
    const children = all.filter((r) => r.clause.startsWith(prefix)).map((r) => label(r.clause));
    if (children.length) cells.push(['Sub-clauses', [{ text: `${children.join(', ')}, each in its own table.` }]]);
  }
  if (row.keys.length) cells.push(['Clause keys', [{ text: row.keys.join(', ') }]]);
  if (row.rules.length) {
    cells.push([row.status === 'planned' ? 'Supported by' : row.status === 'in-part' ? 'Enforced in part by' : 'Enforced by', row.rules.flatMap((r, i): Piece[] => [
      { text: `${r.id} (${r.effect}${r.mode === 'warn' ? ', switched to warn only' : ''})`, font: 'Helvetica-Bold', color: r.mode === 'warn' ? STATUS_COLOUR['warn-only'] : INK, gap: i ? 4 : 0 },
      { text: r.reason, indent: 10 },
    ])]);
  }
  if (row.tests.length) {
    const shown = row.tests.slice(0, MAX_TESTS);
    const pieces: Piece[] = [{ text: `${row.tests.length} test${row.tests.length === 1 ? '' : 's'} cite${row.tests.length === 1 ? 's' : ''} this clause${row.tests.length > MAX_TESTS ? `; the first ${MAX_TESTS}:` : ':'}`, color: MUTED }];
    for (const t of shown) pieces.push({ text: t.title, bullet: true, gap: 2 });
    if (row.tests.length > MAX_TESTS) pieces.push({ text: `… and ${row.tests.length - MAX_TESTS} more (the JSON and Markdown matrix list them all)`, color: MUTED, gap: 2 });
    cells.push(['Tested by', pieces]);
  } else if (row.rules.length) {
    cells.push(['Tested by', [{ text: 'No test cites this clause yet.', color: STATUS_COLOUR.gap }]]);
  }
  if (row.procedural) cells.push([row.status === 'in-part' ? 'The rest (procedural)' : 'Procedural', [{ text: row.procedural }]]);
  if (row.planned) cells.push(['Planned', [{ text: row.planned.replace(/^Planned:\s*/i, ''), color: STATUS_COLOUR.planned }]]);
  if (row.status === 'gap') cells.push(['Needs', [{ text: 'Map this clause to a clause key with rules and tests, or give it a procedural note.', color: STATUS_COLOUR.gap }]]);
  return cells;
}

const style = (doc: Doc, p: Piece) => doc.font(p.font ?? 'Helvetica').fontSize(p.size ?? 9).fillColor(p.color ?? TEXT);
const BULLET_INDENT = 9;

function measure(doc: Doc, pieces: readonly Piece[], width: number): number {
  let h = 0;
  for (const p of pieces) {
    style(doc, p);
    const indent = (p.indent ?? 0) + (p.bullet ? BULLET_INDENT : 0);
    h += (p.gap ?? 0) + doc.heightOfString(p.text, { width: width - indent, lineGap: 1 });
  }
  return h;
}

function draw(doc: Doc, pieces: readonly Piece[], x: number, y: number, width: number) {
  let cy = y;
  for (const p of pieces) {
    cy += p.gap ?? 0;
    style(doc, p);
    const indent = (p.indent ?? 0) + (p.bullet ? BULLET_INDENT : 0);
    if (p.bullet) doc.text('•', x + (p.indent ?? 0), cy, { lineBreak: false });
    doc.text(p.text, x + indent, cy, { width: width - indent, lineGap: 1 });
    cy = doc.y;
  }
}

/** One clause as a two-column table with a heading band; kept on one page when it fits, else split by row. */
function clauseTable(doc: Doc, row: TraceabilityRow, all: readonly TraceabilityRow[]) {
  const width = contentWidth(doc);
  const valueW = width - LABEL_W - 2 * PAD;
  const cells = clauseCells(row, all).map(([name, pieces]) => ({ name, pieces, h: measure(doc, pieces, valueW) + 2 * PAD }));
  const title = titleOf(row);
  doc.font('Helvetica-Bold').fontSize(11);
  const bandH = Math.max(24, doc.heightOfString(title, { width: width - 100 - 2 * PAD }) + 12);
  const total = bandH + cells.reduce((s, c) => s + c.h, 0);
  const pageRoom = bottomLimit(doc) - doc.page.margins.top;
  const gapBefore = 14;
  if (doc.y + gapBefore + Math.min(total, bandH + (cells[0]?.h ?? 0)) > bottomLimit(doc) || (total <= pageRoom && doc.y + gapBefore + total > bottomLimit(doc))) {
    doc.addPage();
  } else {
    doc.y += gapBefore;
  }

  const band = (continued: boolean) => {
    const y = doc.y;
    doc.save().rect(MARGIN, y, width, bandH).fill(BAND).restore();
    doc.save().rect(MARGIN, y, 4, bandH).fill(STATUS_COLOUR[row.status]).restore();
    doc.font('Helvetica-Bold').fontSize(11).fillColor(INK).text(continued ? `${title} (continued)` : title, MARGIN + PAD + 4, y + 6.5, { width: width - 100 - 2 * PAD });
    chip(doc, row.status, MARGIN + width - 80, y + (bandH - 14) / 2, 74);
    doc.y = y + bandH;
    return y;
  };
  let top = band(false);
  for (const cell of cells) {
    if (doc.y + cell.h > bottomLimit(doc)) {
      frame(doc, top, doc.y, width);
      doc.addPage();
      top = band(true);
    }
    const y = doc.y;
    doc.font('Helvetica-Bold').fontSize(8).fillColor(MUTED).text(cell.name.toUpperCase(), MARGIN + PAD + 4, y + PAD + 1, { width: LABEL_W - PAD - 4, characterSpacing: 0.4 });
    draw(doc, cell.pieces, MARGIN + LABEL_W + PAD, y + PAD, valueW);
    doc.moveTo(MARGIN, y).lineTo(MARGIN + width, y).lineWidth(0.4).strokeColor(RULE_LINE).stroke();
    doc.moveTo(MARGIN + LABEL_W, y).lineTo(MARGIN + LABEL_W, y + cell.h).lineWidth(0.4).strokeColor(RULE_LINE).stroke();
    doc.y = y + cell.h;
  }
  frame(doc, top, doc.y, width);
  doc.x = MARGIN;
}

function frame(doc: Doc, top: number, bottom: number, width: number) {
  doc.rect(MARGIN, top, width, bottom - top).lineWidth(0.6).strokeColor(RULE_LINE).stroke();
}

function footers(doc: Doc, m: TraceabilityMatrix) {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const y = doc.page.height - MARGIN + 8;
    doc.moveTo(MARGIN, y - 6).lineTo(doc.page.width - MARGIN, y - 6).lineWidth(0.4).strokeColor(RULE_LINE).stroke();
    doc.font('Helvetica').fontSize(7.5).fillColor(MUTED);
    doc.text(`${m.policy.title}: traceability matrix, policy version ${m.policy.version}`, MARGIN, y, { width: 380, lineBreak: false });
    doc.text(`Page ${i + 1} of ${range.count}`, doc.page.width - MARGIN - 100, y, { width: 100, align: 'right', lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
}
