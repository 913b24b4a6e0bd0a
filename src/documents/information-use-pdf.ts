import PDFDocument from 'pdfkit';

type Doc = InstanceType<typeof PDFDocument>;

/** A notice the person was given (4.1, first contact). */
export interface NoticeGiven {
  title: string;
  version: number;
  language: string;
  languageName: string;
  givenOn: string;
  how: string;
  givenBy: { displayName: string; role: string };
  sentence: string;
}

/** What the person was told when consent was asked for (4.1), in their own record's words. */
export interface ToldText {
  why: string;
  withWhom: string;
  consequences: string;
  serviceImpact: string;
}

/** One version of the person's answer about a purpose: given, refused or a withdrawal. */
export interface ConsentEvent {
  kind: 'given' | 'refused' | 'withdrawn';
  /** When it happened: the date recorded, or for a withdrawal when the person withdrew. */
  on: string;
  recordedOn: string;
  sentence: string;
  recipients: string[];
  information: string[];
  /** null for a withdrawal, or when the person preparing it may not read it (see `restricted`). */
  told: ToldText | null;
  how: string | null;
  givenBy: string | null;
  expiresOn: string | null;
  withdrawal: { on: string; how: string } | null;
}

/** The person's answers about one purpose, oldest first, and where things stand now. */
export interface ConsentStory {
  purpose: string;
  status: 'given' | 'refused' | 'withdrawn' | 'expired';
  now: string;
  history: ConsentEvent[];
}

/** A purpose the person's consents name, in plain words (3.1). */
export interface PurposeLine {
  name: string;
  description: string;
  inUse: boolean;
  yourAnswer: string;
  lawfulBasis: string;
  sensitive: string | null;
  /** Why the law allows it, in whole sentences: the lawful basis, then the condition for sensitive information if any. */
  whyAllowed: string;
  information: string[];
  keptFor: string;
}

/** A disclosure of the person's information (fed by the disclosure register). */
export interface DisclosureLine {
  on: string;
  recipient: string;
  purpose: string;
  basis: string;
  /** The title of the sharing agreement it went under (practice 5.1); null on consent or an exception. */
  agreement: string | null;
  information: string[];
  sentence: string;
}

/**
 * Someone outside the staff team at a meeting about the person (practice 3) to whom its notes went, or were made
 * available: an outside attendee by name and organisation as recorded, or a user here by their role as a third party
 * (a placement student, a volunteer). What happened, as recorded: their acknowledgement of confidentiality, copies
 * staff prepared for them, when they opened the notes through their one-time link, or the link still unused.
 */
export interface MeetingRecipientLine {
  kind: 'external' | 'user';
  /** An outside attendee's name as recorded; null for a user here, and for one who reads at the general level only. */
  name: string | null;
  organisation: string | null;
  /** Who they are, in words ("health professional", "placement student"). */
  role: string;
  /** How the person is told who it was: "Dr A. Nurse (Riverside GP)", "a placement student at Music24". */
  who: string;
  acknowledged: { on: string; how: 'at-meeting' | 'link' } | null;
  /** When a member of staff prepared a copy of the notes for them, marked CONFIDENTIAL, oldest first. */
  copies: string[];
  /** When they opened the notes through their one-time link; null when they have not. */
  openedOn: string | null;
  /** A link sent to them that is not used: until when it works, and whether that has passed. */
  link: { sentOn: string; until: string; expired: boolean } | null;
  sentence: string;
}

/** A meeting about the person whose notes went, or were made available, to someone outside the staff team (1.3; practice 2, 3). */
export interface MeetingNotesLine {
  heldOn: string;
  sentence: string;
  /** The person's request that their session details be passed on (practice 2): when it was recorded, and how they asked (null at the general level). */
  request: { recordedOn: string; detail: string | null } | null;
  /** On what basis the notes could go: the person's request, or notes that held no session details. */
  basis: string;
  recipients: MeetingRecipientLine[];
}

/** One group of people who looked at the record in a period: never a name or id. */
export interface AccessGroupLine {
  group: 'case-team' | 'manager' | 'granted' | 'emergency' | 'guardian' | 'other-staff' | 'volunteer' | 'administrator';
  people: number;
  looks: number;
  /** A sentence that stands alone, naming the period. */
  sentence: string;
  /** The same under the period's heading, without naming it. */
  short: string;
}

/** A month of looks (`month` null: everything before the months shown). */
export interface AccessMonth {
  month: string | null;
  label: string;
  lines: AccessGroupLine[];
  refused: number;
  refusedSentence: string | null;
  refusedShort: string | null;
}

/** Everything "How your information is used" says: the JSON answer and the PDF are both this. */
export interface InformationUseModel {
  title: string;
  preparedFor: { personId: string; name: string };
  preparedAt: string;
  preparedOn: string;
  preparedBy: { displayName: string; role: string };
  organisation: { name: string; address: string; email: string; phone: string; contact: string };
  privacyNoticeUrl: string;
  notices: { items: NoticeGiven[]; statement: string };
  consents: { items: ConsentStory[]; statement: string };
  purposes: { items: PurposeLine[]; statement: string };
  /**
   * `leftOut`: what the section never holds, always said (1.3); `toComplete`: set when the preparer may not see every
   * disclosure (a safeguarding referral's, practice 4.1), saying a manager completes this part — never "none".
   */
  disclosures: { items: DisclosureLine[]; statement: string; leftOut: string; toComplete: string | null };
  meetingNotes: { items: MeetingNotesLine[]; statement: string };
  access: { months: AccessMonth[]; statement: string; leftOut: string };
  yourRights: { withdraw: string; copy: string; contact: string; complain: string | null };
  /** Parts left out because the person preparing it may not read them: each says so, never what it holds. */
  restricted: { section: string; reason: string }[];
}

const INK = '#111111';
const TEXT = '#2b2b2b';
const MUTED = '#5f6b7a';
const ACCENT = '#1f4e79';
const LINE = '#c9ced6';
const STATUS_COLOUR: Record<ConsentStory['status'], string> = { given: '#1b6e3a', refused: '#8a5a00', withdrawn: '#b00020', expired: '#8a5a00' };
const STATUS_LABEL: Record<ConsentStory['status'], string> = { given: 'You agreed', refused: 'You said no', withdrawn: 'Withdrawn', expired: 'Ended' };
const MARGIN = 56;

/**
 * "How your information is used", printed for the person to keep (Caldicott 8: no surprises): A4, the organisation's
 * name, the title with whom it was prepared for and when, then one section per question the person may have — what
 * we told you, what you agreed to, what we use your information for, who we shared it with, which meeting notes
 * went outside our staff team, who has looked — and what they can do. Lays out what it is given; pages are numbered.
 */
export function informationUsePdf(m: InformationUseModel): Promise<Buffer> {
  const doc: Doc = new PDFDocument({
    size: 'A4', margins: { top: MARGIN, bottom: MARGIN + 10, left: MARGIN, right: MARGIN }, bufferPages: true,
    info: { Title: `${m.title} — ${m.preparedFor.name}`, Author: m.organisation.name },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  const width = doc.page.width - 2 * MARGIN;
  const bottom = () => doc.page.height - doc.page.margins.bottom;
  /** Starts a new page when fewer than `h` points are left, so a heading never sits alone at a page's foot. */
  const room = (h: number) => {
    if (doc.y + h > bottom()) doc.addPage();
  };
  const para = (text: string, options: { colour?: string; size?: number; bold?: boolean; indent?: number; gap?: number } = {}) => {
    const indent = options.indent ?? 0;
    doc.font(options.bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(options.size ?? 11);
    const h = doc.heightOfString(text, { width: width - indent, lineGap: 2 });
    if (h < 120) room(h + 2); // a short paragraph is never split across pages
    doc.fillColor(options.colour ?? TEXT).font(options.bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(options.size ?? 11)
      .text(text, MARGIN + indent, doc.y, { width: width - indent, lineGap: 2 });
    doc.moveDown(options.gap ?? 0.35);
  };
  const heading = (text: string) => {
    room(70);
    doc.moveDown(0.5);
    doc.fillColor(ACCENT).font('Helvetica-Bold').fontSize(14).text(text, MARGIN, doc.y, { width });
    const y = doc.y + 2;
    doc.moveTo(MARGIN, y).lineTo(MARGIN + width, y).strokeColor(LINE).lineWidth(0.6).stroke();
    doc.y = y + 6;
  };
  const bullet = (text: string, indent = 0) => {
    const x = MARGIN + indent;
    doc.font('Helvetica').fontSize(11);
    room(doc.heightOfString(text, { width: width - indent - 12 }) + 4);
    const y = doc.y;
    doc.fillColor(ACCENT).circle(x + 3, y + 6, 1.8).fill();
    doc.fillColor(TEXT).text(text, x + 12, y, { width: width - indent - 12, lineGap: 2 });
    doc.moveDown(0.2);
  };
  const labelled = (label: string, text: string, indent: number) => {
    doc.font('Helvetica').fontSize(10.5);
    room(doc.heightOfString(`${label} ${text}`, { width: width - indent }) + 4);
    doc.fillColor(INK).font('Helvetica-Bold').text(`${label} `, MARGIN + indent, doc.y, { width: width - indent, continued: true, lineGap: 1.5 })
      .fillColor(TEXT).font('Helvetica').text(text, { lineGap: 1.5 });
    doc.moveDown(0.15);
  };

  // Title block.
  doc.fillColor(MUTED).font('Helvetica').fontSize(10).text(m.organisation.name, MARGIN, MARGIN, { width });
  doc.moveDown(0.4);
  doc.fillColor(INK).font('Helvetica-Bold').fontSize(22).text(m.title, { width });
  doc.moveDown(0.15);
  doc.fillColor(TEXT).font('Helvetica').fontSize(12).text(`Prepared for ${m.preparedFor.name} on ${m.preparedOn}`, { width });
  doc.moveDown(0.2);
  doc.fillColor(MUTED).fontSize(10).text(`by ${m.preparedBy.displayName}${m.preparedBy.role ? `, ${m.preparedBy.role}` : ''}. Keep it with your papers: it is yours.`, { width });
  doc.moveDown(0.6);

  heading('What we told you when you first came to us');
  para(m.notices.statement);
  for (const n of m.notices.items) bullet(n.sentence);

  heading('What you agreed to, and what you withdrew');
  para(m.consents.statement);
  for (const s of m.consents.items) {
    room(60);
    doc.moveDown(0.2);
    const y = doc.y;
    const label = STATUS_LABEL[s.status];
    doc.font('Helvetica-Bold').fontSize(9);
    const w = doc.widthOfString(label) + 12;
    doc.roundedRect(MARGIN, y, w, 15, 3).fill(STATUS_COLOUR[s.status]);
    doc.fillColor('#ffffff').text(label, MARGIN + 6, y + 4, { lineBreak: false });
    doc.fillColor(INK).font('Helvetica-Bold').fontSize(12).text(s.purpose, MARGIN + w + 8, y + 1, { width: width - w - 8 });
    doc.y = Math.max(doc.y, y + 17) + 3;
    para(s.now, { bold: true, size: 10.5, colour: STATUS_COLOUR[s.status], gap: 0.25 });
    for (const e of s.history) {
      bullet(e.sentence, 4);
      if (e.told) {
        labelled('Why we asked:', e.told.why, 20);
        labelled('Who it would go to:', e.told.withWhom, 20);
        labelled('What could happen:', `${e.told.consequences} ${e.told.serviceImpact}`, 20);
      }
      if (e.givenBy && e.givenBy !== 'you') labelled('Given by:', e.givenBy, 20);
    }
  }

  heading('What we use your information for');
  para(m.purposes.statement);
  for (const p of m.purposes.items) {
    room(80);
    para(p.name, { bold: true, colour: INK, size: 11.5, gap: 0.1 });
    para(p.description, { size: 10.5, gap: 0.15 });
    labelled('Your answer:', p.yourAnswer, 0);
    labelled('Information used:', `${p.information.join('; ')}.`, 0);
    labelled('Why the law allows it:', p.whyAllowed, 0);
    labelled('How long we keep it:', `${p.keptFor}, then we delete it.`, 0);
    doc.moveDown(0.3);
  }

  heading('Who we have shared your information with');
  if (m.disclosures.toComplete) para(m.disclosures.toComplete, { bold: true, colour: INK });
  para(m.disclosures.statement);
  for (const d of m.disclosures.items) bullet(d.sentence);
  para(m.disclosures.leftOut, { colour: MUTED, size: 10 });

  heading('Meeting notes we shared outside our staff team');
  para(m.meetingNotes.statement);
  for (const item of m.meetingNotes.items) {
    bullet(item.sentence);
    labelled('Why they could go:', item.basis, 12);
    if (item.request?.detail) labelled('Your request, as we wrote it down:', item.request.detail, 12);
    for (const r of item.recipients) bullet(r.sentence, 12);
  }

  heading('Who has looked at your record');
  para(m.access.statement);
  for (const month of m.access.months) {
    room(40);
    para(month.label, { bold: true, colour: INK, gap: 0.1 });
    for (const l of month.lines) bullet(l.short, 4);
    if (month.refusedShort) bullet(month.refusedShort, 4);
  }
  para(m.access.leftOut, { colour: MUTED, size: 10 });

  if (m.restricted.length) {
    heading('Parts not included');
    for (const r of m.restricted) bullet(`Some details were left out because the person who prepared this may not see them: ${r.reason}`);
  }

  room(200); // what the person can do is read as one block: it is not split across pages
  heading('What you can do');
  labelled('Withdraw your consent:', m.yourRights.withdraw, 0);
  labelled('Ask for a copy of your information:', m.yourRights.copy, 0);
  labelled('Contact us:', `${m.yourRights.contact}.`, 0);
  if (m.yourRights.complain) labelled('If you are unhappy:', m.yourRights.complain, 0);
  labelled('Our privacy notice:', m.privacyNoticeUrl, 0);

  // Footer on every page: who it is for, when, and the page number.
  const range = doc.bufferedPageRange();
  for (let i = 0; i < range.count; i++) {
    doc.switchToPage(range.start + i);
    const margin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0; // the footer sits below the body's margin
    const y = doc.page.height - 40;
    doc.moveTo(MARGIN, y - 6).lineTo(MARGIN + width, y - 6).strokeColor(LINE).lineWidth(0.5).stroke();
    doc.fillColor(MUTED).font('Helvetica').fontSize(8.5)
      .text(`${m.organisation.name} · ${m.title} · ${m.preparedFor.name} · ${m.preparedOn}`, MARGIN, y, { width: width - 80, lineBreak: false });
    doc.text(`Page ${i + 1} of ${range.count}`, MARGIN + width - 80, y, { width: 80, align: 'right', lineBreak: false });
    doc.page.margins.bottom = margin;
  }
  doc.end();
  return done;
}
