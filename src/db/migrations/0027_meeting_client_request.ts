import { sql, type Kysely } from 'kysely';

/**
 * The client's request that their session details go to a third party at a meeting (practice 2), kept as a
 * disclosure's is (migration 0018): how and when they asked, who recorded it and when — instead of a bare yes.
 * - meetings.client_request_detail: how and when the client asked (staff's words); null when they did not ask.
 * - meetings.client_request_recorded_by / client_request_recorded_at: the user who recorded the request, and when.
 * - meetings.client_requested_sharing is dropped: the request is recorded when its detail is, so the flag would say
 *   the same thing a second way.
 * Meetings recorded before this migration with the flag set keep their request, so their session notes still go to
 * an attendee who acknowledged: their detail is {@link DETAIL_BEFORE_0027} (the flag was all that was kept), recorded
 * by the user who recorded the meeting, when they recorded it — the only way the flag was ever set.
 */
export const DETAIL_BEFORE_0027 = 'Recorded before Confide kept how and when the client asked: the meeting was recorded only as "the client asked for their session details to be passed on".';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('meetings').addColumn('client_request_detail', 'text').execute();
  await db.schema.alterTable('meetings').addColumn('client_request_recorded_by', 'text', (c) => c.references('users.id')).execute();
  await db.schema.alterTable('meetings').addColumn('client_request_recorded_at', 'text').execute();
  await sql`update meetings set client_request_detail = ${DETAIL_BEFORE_0027}, client_request_recorded_by = created_by, client_request_recorded_at = created_at
    where client_requested_sharing = 1`.execute(db);
  await db.schema.alterTable('meetings').dropColumn('client_requested_sharing').execute();
}
