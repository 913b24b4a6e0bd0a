import { sql, type Kysely } from 'kysely';

/**
 * Meetings with third parties (practice 3): an external attendee acknowledges confidentiality through the same
 * one-time, expiring link as a disclosure's recipient (src/acknowledgement/link.ts), and receives the meeting's notes
 * through it once, after acknowledging.
 * - link_token_hash / link_expires_at: the SHA-256 of the link's token (the token itself is never stored) and when
 *   it stops working; both cleared when the link is used. link_issued_by / link_issued_at: the member of staff on
 *   whose authority the notes go out (their need to know is decided again when the link is used).
 * - link_name / link_date / link_used_at: the typed name and date the attendee gave, and when.
 * - notes_served_at / notes_pdf_sha256 / notes_json_sha256: when the notes were delivered through the link and the
 *   hashes of what was delivered (the content is not kept a second time).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const column of ['link_token_hash', 'link_expires_at', 'link_issued_at', 'link_name', 'link_date', 'link_used_at', 'notes_served_at', 'notes_pdf_sha256', 'notes_json_sha256']) {
    await db.schema.alterTable('meeting_attendees').addColumn(column, 'text').execute();
  }
  await db.schema.alterTable('meeting_attendees').addColumn('link_issued_by', 'text', (c) => c.references('users.id')).execute();
  await db.schema.createIndex('meeting_attendees_link_token').on('meeting_attendees').column('link_token_hash').unique().where(sql.ref('link_token_hash'), 'is not', null).execute();
}
