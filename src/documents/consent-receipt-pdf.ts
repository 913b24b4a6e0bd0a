import PDFDocument from 'pdfkit';
import { listOf } from '../lib/list-words';

type Doc = InstanceType<typeof PDFDocument>;

/** Everything a consent receipt says, in plain terms: the Kantara JSON (src/consent/receipt.ts) and this PDF are both built from it. */
export interface ReceiptModel {
  consentId: string;
  status: 'given' | 'refused' | 'withdrawn' | 'expired' | 'superseded';
  decision: string;
  recordedAt: string;
  recordedBy: string;
  person: { id: string; name: string };
  controller: { name: string; address: string; email: string; phone: string; contact: string };
  policyUrl: string;
  jurisdiction: string;
  purpose: { id: string; name: string; description: string; lawfulBasis: string; art9Condition: string | null; retentionPeriod: string; keptFor: string; needsIdentity: boolean };
  recipients: { kind: string; name: string }[];
  dataCategories: string[];
  told: { why: string; withWhom: string; consequences: string; serviceImpact: string };
  method: { kind: string; label: string; detail: Record<string, string> };
  givenBy: { kind: string; label: string; detail: Record<string, string> };
  expiresAt: string | null;
  withdrawal: { at: string; method: string; recordedAt: string; recordedBy: string; versionId: string } | null;
  supersededBy: string | null;
}

/** How a consent ends, in words (Kantara `termination`). */
export function terminationText(m: ReceiptModel): string {
  const parts = ['You can withdraw this consent at any time, in writing, by phone or in person; it stops at once.'];
  if (m.expiresAt) parts.push(`Otherwise it ends on ${day(m.expiresAt)}.`);
  parts.push(`Information used for this purpose is kept for ${m.purpose.keptFor} and then deleted.`);
  return parts.join(' ');
}

const INK = '#111111';
const TEXT = '#333333';
const MUTED = '#5f6b7a';
const LINE = '#c9ced6';
const STATUS: Record<ReceiptModel['status'], { text: string; colour: string }> = {
  given: { text: 'You agreed', colour: '#1b6e3a' },
  refused: { text: 'You did not agree', colour: '#8a5a00' },
  withdrawn: { text: 'You withdrew this consent', colour: '#b00020' },
  expired: { text: 'This consent has ended', colour: '#8a5a00' },
  superseded: { text: 'Replaced by a newer answer', colour: '#5f6b7a' },
};
const CATEGORY: Record<string, string> = {
  general: 'your name and basic details', personal: 'your contact details and circumstances', special: 'health and other sensitive information',
  safeguarding: 'information about keeping you or others safe', session: 'what happens in your sessions', commercial: 'business information',
};

const day = (iso: string) => new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/**
 * A one-page receipt the person can keep (Caldicott 8: no surprises), in plain English: what they agreed to, for
 * what, with whom, what they were told, how it was given, and how to withdraw. A withdrawn consent's receipt says so
 * at the top.
 */
export function consentReceiptPdf(m: ReceiptModel, printedAt: string): Promise<Buffer> {
  const doc: Doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `Consent receipt ${m.consentId}`, Author: m.controller.name } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  const width = doc.page.width - 100;

  doc.fillColor(MUTED).font('Helvetica').fontSize(9).text(`${m.controller.name} · Consent receipt`, { continued: false });
  doc.moveDown(0.3);
  doc.fillColor(INK).font('Helvetica-Bold').fontSize(20).text(`Your consent: ${m.purpose.name}`);
  doc.moveDown(0.2);
  doc.fillColor(TEXT).font('Helvetica').fontSize(11.5).text(`For ${m.person.name} · recorded ${day(m.recordedAt)} by ${m.recordedBy}`);
  doc.moveDown(0.5);

  const s = STATUS[m.status];
  const bandTop = doc.y;
  let statusLine = s.text;
  if (m.withdrawal) statusLine += ` on ${day(m.withdrawal.at)} (${m.withdrawal.method}). Nothing more is shared under it.`;
  else if (m.status === 'given') statusLine += m.expiresAt ? ` until ${day(m.expiresAt)}.` : ' until you withdraw it.';
  else if (m.status === 'superseded') statusLine += ': ask us for your latest receipt.';
  else statusLine += '.';
  doc.font('Helvetica-Bold').fontSize(12.5);
  const bandH = doc.heightOfString(statusLine, { width: width - 24 }) + 16;
  doc.rect(50, bandTop, width, bandH).fill(s.colour);
  doc.fillColor('#ffffff').text(statusLine, 62, bandTop + 8, { width: width - 24 });
  doc.y = bandTop + bandH + 14;
  doc.x = 50;

  const section = (title: string, body: string) => {
    doc.fillColor(INK).font('Helvetica-Bold').fontSize(12.5).text(title, 50, doc.y, { width });
    doc.moveDown(0.2);
    doc.fillColor(TEXT).font('Helvetica').fontSize(11.5).text(body, { width, lineGap: 2 });
    doc.moveDown(0.7);
  };
  const agreed = m.decision === 'given' ? 'You agreed that we may share' : 'You were asked whether we may share';
  section('What this is about', `${agreed} ${listOf(m.dataCategories.map((c) => CATEGORY[c] ?? c))} for this purpose: ${m.purpose.description}`);
  section('Who it may go to', listOf(m.recipients.map((r) => r.name)) + '. Only what they need to know, and they are told it is CONFIDENTIAL.');
  section('Why we need to share it (what we told you)', m.told.why);
  section('Who we said it would be shared with', m.told.withWhom);
  section('What may happen if you agree or do not agree', `${m.told.consequences} ${m.told.serviceImpact}`);
  const by = m.givenBy.detail.name ? `${m.givenBy.label}: ${m.givenBy.detail.name} (${m.givenBy.detail.relationship})` : m.givenBy.label;
  const witness = m.method.detail.witnessName ? `, witnessed by ${m.method.detail.witnessName}` : '';
  section('How you gave your answer', `${m.method.label}${witness}. Given by: ${by}.`);
  section('How to withdraw', `${terminationText(m)} Contact ${m.controller.contact} at ${m.controller.name}${m.controller.email ? `, ${m.controller.email}` : ''}${m.controller.phone ? `, ${m.controller.phone}` : ''}, or tell any member of staff.`);
  section('Our legal basis', `UK GDPR Article 6: ${m.purpose.lawfulBasis.replace(/_/g, ' ')}${m.purpose.art9Condition ? `; Article 9: ${m.purpose.art9Condition.replace(/_/g, ' ')}` : ''}. Our privacy notice: ${m.policyUrl}`);

  doc.page.margins.bottom = 0; // the footer sits below the body's margin: never a second page
  const footY = doc.page.height - 44;
  doc.moveTo(50, footY - 6).lineTo(50 + width, footY - 6).strokeColor(LINE).lineWidth(0.5).stroke();
  doc.fillColor(MUTED).font('Helvetica').fontSize(8).text(
    `Receipt ${m.consentId} · ${m.jurisdiction} · printed ${day(printedAt)} · Kantara Consent Receipt v1.1`,
    50, footY, { width, lineBreak: false },
  );
  doc.end();
  return done;
}
