import { confidentialPdf, day, heading, INK, MARGIN, MUTED, pair, termsBox } from './confidential-pdf';
import { askedSentence, consentSoughtOf, consentSoughtOfReferral, withoutTheirConsent, type ConsentSoughtColumns } from '../lib/consent-sought';

/** One disclosed item: a titled group of labelled values. */
export interface PackSection {
  title: string;
  entries: { label: string; value: string }[];
}

/** A document disclosed with the pack: described, and embedded in the PDF as a file attachment. */
export interface PackDocument {
  label: string;
  filename: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  content: Buffer | null;
  /** In a reader's copy (src/disclosure/pack-read.ts), why this document is withheld from the reader: nothing else of it is shown. */
  withheld?: string;
}

/**
 * Everything a release pack says (4.3): the PDF and the JSON are both built from it and from nothing else. It holds
 * the recipient, the terms, the reference, the chosen items and the handling instructions — not the reason for the
 * disclosure, its basis or anything not chosen.
 */
export interface ReleasePackModel {
  reference: string;
  disclosureId: string;
  organisation: string;
  releasedAt: string;
  recipient: { organisation: string; name: string; role: string; email: string | null };
  purpose: string;
  subject: { label: string; pseudonymised: boolean };
  terms: string;
  handling: string[];
  oral: { channel: string; occurredAt: string } | null;
  sections: PackSection[];
  documents: PackDocument[];
  /**
   * Set only on a reader's copy (src/disclosure/pack-read.ts): what it says of itself — items the reader may not read
   * where they are kept are withheld, and it is not the pack as it went out. Never set on the pack that is released.
   */
  readersCopy?: string;
}

/** The handling instructions of a consent-based pack (the first, third and fourth are every pack's). */
const HANDLING = [
  'Store this pack securely, with access limited to those who need it for the stated purpose.',
  'Do not copy, forward or disclose it to anyone else without the consent of the person it concerns, unless the law requires it.',
  'Delete or destroy it securely when it is no longer needed for the stated purpose.',
  'If it reached you in error, or may have been seen by someone else, tell the sender at once.',
];

/**
 * What the terms of a pack depend on: the disclosure's basis, an exception's ground, whether consent was recorded, and
 * for an exception whether the person was asked for their consent first, as recorded with the request (its columns,
 * migration 0029; absent or null: not recorded — src/lib/consent-sought.ts).
 */
export interface TermsBasis extends ConsentSoughtColumns {
  basis: string;
  exception_ground: string | null;
  consent_id: string | null;
  /**
   * A safeguarding referral's disclosure (practice 4.1, 4.3): whether seeking the person's consent was possible and
   * safe, as the referral's answers record it (`consentPossibleAndSafe`: true, they were asked; false, they were not;
   * null, not yet answered — an urgent referral completes it later). Absent for any other disclosure.
   */
  referral?: { consentSought: boolean | null };
}

/** A sentence followed by the space before the next one, or nothing. */
const sentence = (s: string) => (s ? `${s} ` : '');

/** An exception's ground (1.3) in the words the terms use. */
export const GROUND_WORDS: Readonly<Record<string, string>> = {
  legal_duty: 'a legal duty to share it (the law requires it, for example a request from the police or a safeguarding team)',
  emergency: 'an emergency, where someone\'s safety or public safety is at risk',
  crime: 'the prevention or detection of crime',
};

/**
 * The one statement of the terms a recipient accepts and a pack carries (4.3: the information is CONFIDENTIAL and
 * should be respected as such), decided by the basis, so it never claims a consent that was not given (1.3):
 * - consent (or an agreement that also needs it): supplied on the terms agreed with the person it concerns;
 * - a sharing agreement alone (practice 5.1): on the terms of that joint working protocol;
 * - a safeguarding referral (an exception under the legal duty): shared under that duty, which it rests on rather than
 *   on consent, and whether the person was asked first as its answers record it (`referral`);
 * - any other exception: shared under its ground, for the stated purpose only, not to be shared further except as the
 *   law requires — and nothing about terms agreed with the person; whether the person was asked first, as recorded
 *   with the request: "without the consent of the person it concerns" only when they were not asked or refused, and
 *   nothing either way when it was not recorded (an exception asked for before that was recorded).
 * Whether the person was asked is worded in one place, src/lib/consent-sought.ts, for the referral and the exception.
 * Answers the terms and the handling instructions that go with them. The acknowledgement page and the pack both use it.
 */
export function packTerms(organisation: string, purpose: string, on: TermsBasis): { terms: string; handling: string[] } {
  const keep = 'use it only for this purpose, and keep it secure.';
  if (on.basis === 'exception' && on.referral) {
    // A safeguarding referral is made under the legal duty (1.3), whether or not the person was asked: the terms say
    // so, and whether they were asked as recorded — never "without the consent" of someone who was asked (4.3).
    return {
      terms: `CONFIDENTIAL — shared by ${organisation} as a safeguarding referral under ${GROUND_WORDS[on.exception_ground ?? ''] ?? 'an exception the law allows'}, `
        + `as its Confidentiality Policy allows: it rests on that duty, not on the consent of the person it concerns. ${sentence(askedSentence(consentSoughtOfReferral(on.referral.consentSought), 'referral'))}`
        + `It is supplied for ${purpose} only: do not share it further except as the law requires, ${keep}`,
      handling: [HANDLING[0], 'Do not copy, forward or disclose it to anyone else, except as the law requires.', ...HANDLING.slice(2)],
    };
  }
  if (on.basis === 'exception') {
    // 1.3, 4.1: "without the consent" only of someone not asked, or who refused, as recorded; when nothing was recorded,
    // that it rests on the exception rather than on consent, and nothing about asking.
    const asked = consentSoughtOf(on);
    const ground = GROUND_WORDS[on.exception_ground ?? ''] ?? 'an exception the law allows';
    const shared = withoutTheirConsent(asked)
      ? `without the consent of the person it concerns, under ${ground}, as its Confidentiality Policy allows. ${sentence(askedSentence(asked, 'exception'))}`
      : `under ${ground}, as its Confidentiality Policy allows: it rests on that exception, not on the consent of the person it concerns. ${sentence(askedSentence(asked, 'exception'))}`;
    return {
      terms: `CONFIDENTIAL — shared by ${organisation} ${shared}It is supplied for ${purpose} only: do not share it further except as the law requires, ${keep}`,
      handling: [HANDLING[0], 'Do not copy, forward or disclose it to anyone else, except as the law requires.', ...HANDLING.slice(2)],
    };
  }
  if (on.basis === 'agreement' && on.consent_id === null) {
    return {
      terms: `CONFIDENTIAL — supplied under the Confidentiality Policy of ${organisation} and the sharing agreement (joint working protocol) between us, for ${purpose}; `
        + `do not share further except as that agreement or the law allows, ${keep}`,
      handling: [HANDLING[0], 'Do not copy, forward or disclose it to anyone else, except as the sharing agreement or the law allows.', ...HANDLING.slice(2)],
    };
  }
  return {
    terms: `CONFIDENTIAL — supplied under the Confidentiality Policy of ${organisation} for ${purpose}; do not share further without consent of the person it concerns, `
      + `${keep} It is supplied on the terms agreed with the person it concerns.`,
    handling: [...HANDLING],
  };
}

/** The pack as JSON: the same content as the PDF, documents carried as base64. */
export function releasePackJson(m: ReleasePackModel): string {
  const doc = {
    marking: 'CONFIDENTIAL',
    reference: m.reference, disclosureId: m.disclosureId, organisation: m.organisation, releasedAt: m.releasedAt,
    recipient: m.recipient, purpose: m.purpose, subject: m.subject, terms: m.terms, handling: m.handling, oral: m.oral,
    items: m.sections,
    documents: m.documents.map(({ content, ...d }) => ({ ...d, contentBase64: content ? content.toString('base64') : null })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/**
 * The release pack as a PDF (4.3): CONFIDENTIAL in the header and footer of every page, the recipient, the terms,
 * the reference, the chosen items and nothing else, and the handling instructions. Disclosed documents are embedded
 * as file attachments of the PDF and listed with their SHA-256.
 */
export function releasePackPdf(m: ReleasePackModel): Promise<Buffer> {
  const { doc, finish } = confidentialPdf(m.reference, {
    Title: `CONFIDENTIAL — disclosure ${m.reference}`, Author: m.organisation, Subject: `Supplied to ${m.recipient.organisation}`, CreationDate: new Date(m.releasedAt),
  });
  doc.font('Helvetica-Bold').fontSize(18).fillColor(INK).text('Disclosure of confidential information', MARGIN, 60);
  doc.font('Helvetica').fontSize(10).fillColor(MUTED).text(`Reference ${m.reference} · released ${day(m.releasedAt)} · from ${m.organisation}`);

  doc.moveDown(0.8);
  if (m.readersCopy) doc.font('Helvetica-Bold').fontSize(10).fillColor(INK).text(m.readersCopy, { paragraphGap: 6 });
  termsBox(doc, m.terms);

  heading(doc, 'Recipient');
  pair(doc, 'Organisation', m.recipient.organisation);
  pair(doc, 'For the attention of', `${m.recipient.name}, ${m.recipient.role}${m.recipient.email ? ` <${m.recipient.email}>` : ''}`);
  pair(doc, 'Purpose', m.purpose);
  pair(doc, 'About', m.subject.pseudonymised ? `${m.subject.label} (pseudonymised: names, date of birth, contact details and identifiers are withheld, in free text too; details not in the person's record, such as other people's names, are not detected in free text)` : m.subject.label);
  if (m.oral) pair(doc, 'Given orally', `By ${m.oral.channel} on ${day(m.oral.occurredAt)}; this pack records what was said.`);

  heading(doc, 'Information disclosed');
  doc.font('Helvetica').fontSize(9).fillColor(MUTED).text('Only the items below were chosen for this disclosure. Nothing else is included.', { paragraphGap: 6 });
  for (const s of m.sections) {
    doc.font('Helvetica-Bold').fontSize(11).fillColor(INK).text(s.title, { paragraphGap: 2 });
    for (const e of s.entries) pair(doc, e.label, e.value);
    doc.moveDown(0.4);
  }
  if (m.documents.length) {
    heading(doc, 'Documents');
    for (const d of m.documents) {
      if (d.withheld) { pair(doc, d.label, d.withheld); continue; }
      pair(doc, d.label, `${d.filename} (${d.contentType}, ${d.sizeBytes} bytes)\nSHA-256 ${d.sha256}${d.content ? '\nEmbedded in this PDF as an attachment.' : '\nThe file could not be read; not included.'}`);
      if (d.content) doc.file(d.content, { name: d.filename, type: d.contentType, description: `${d.label} — CONFIDENTIAL` });
    }
  }

  heading(doc, 'Handling instructions');
  for (const h of m.handling) doc.text(`•  ${h}`, { paragraphGap: 3, indent: 0 });
  doc.moveDown(0.6).font('Helvetica').fontSize(8).fillColor(MUTED)
    .text(m.readersCopy ? `This reader's copy is not the pack as it went out and will not match the SHA-256 in the sender's register. Reference ${m.reference}.` : `Any copy of this pack can be checked against the sender's register of disclosures by its SHA-256 (confide disclosure verify). Reference ${m.reference}.`);
  return finish();
}
