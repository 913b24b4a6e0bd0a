import { confidentialPdf, day, heading, INK, MARGIN, MUTED, pair, termsBox } from './confidential-pdf';

/** What an external attendee receives of a meeting (practice 3): its notes and nothing else, with the terms. */
export interface MeetingNotesModel {
  marking: 'CONFIDENTIAL';
  reference: string;
  from: string;
  terms: string;
  recipient: { name: string; organisation: string | null; role: string; acknowledgedAt: string | null };
  meeting: { id: string; title: string; heldAt: string; notes: string };
  sharedAt: string;
}

/**
 * A meeting's notes for one external attendee as a PDF (practice 3, 4.3): CONFIDENTIAL in the header and footer of
 * every page, the terms they acknowledged, who it is for, and the notes of this meeting only.
 */
export function meetingNotesPdf(m: MeetingNotesModel): Promise<Buffer> {
  const { doc, finish } = confidentialPdf(m.reference, {
    Title: `CONFIDENTIAL — notes of ${m.meeting.title}`, Author: m.from, Subject: `For ${m.recipient.name}`, CreationDate: new Date(m.sharedAt),
  });
  doc.font('Helvetica-Bold').fontSize(18).fillColor(INK).text('Notes of a meeting — confidential', MARGIN, 60);
  doc.font('Helvetica').fontSize(10).fillColor(MUTED).text(`Reference ${m.reference} · shared ${day(m.sharedAt)} · from ${m.from}`);
  doc.moveDown(0.8);
  termsBox(doc, m.terms);
  heading(doc, 'For');
  pair(doc, 'Attendee', `${m.recipient.name}, ${m.recipient.role.replace(/_/g, ' ')}${m.recipient.organisation ? `, ${m.recipient.organisation}` : ''}`);
  pair(doc, 'Acknowledged confidentiality', m.recipient.acknowledgedAt ? day(m.recipient.acknowledgedAt) : '—');
  heading(doc, 'Meeting');
  pair(doc, 'Title', m.meeting.title);
  pair(doc, 'Held', day(m.meeting.heldAt));
  heading(doc, 'Notes');
  doc.font('Helvetica').fontSize(10).text(m.meeting.notes, { paragraphGap: 4 });
  doc.moveDown(0.6).font('Helvetica').fontSize(8).fillColor(MUTED)
    .text('Only the notes of this meeting are included. Do not pass them on; keep them secure and destroy them when no longer needed.');
  return finish();
}
