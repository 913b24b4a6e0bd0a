import type { Ctx } from '../context';
import { newId } from '../lib/ids';

/** An e-mail to queue for one recipient, tied to the in-app notification it repeats. */
export interface OutgoingEmail {
  notificationId: string;
  userId: string;
}

/**
 * The text of every e-mail Confide sends: the notice's subject and a link, nothing else. E-mail leaves the
 * organisation's control (3.7), so it never carries confidential content — no names, no details of a record —
 * only that something needs attention and where to find it after signing in.
 */
export function emailText(subject: string, url: string): string {
  return `${subject}.\n\nSign in to Confide to see it:\n${url}\n\nThis e-mail deliberately carries no details. Do not reply to it.\n`;
}

/**
 * Queues e-mails in the outbox, in the caller's transaction (the transactional outbox): the e-mail exists exactly
 * when the event that causes it was committed, and the sender (src/notify/sender.ts) delivers it afterwards.
 * Recipients without an e-mail address get the in-app notification only. Returns the users an e-mail was queued for.
 */
export async function queueEmails(ctx: Pick<Ctx, 'db' | 'now' | 'nowIso' | 'services'>, emails: readonly OutgoingEmail[], subject: string, path: string): Promise<string[]> {
  if (!emails.length) return [];
  const addresses = await ctx.db
    .selectFrom('users')
    .select(['id', 'email'])
    .where('id', 'in', emails.map((e) => e.userId))
    .where('email', 'is not', null)
    .execute();
  const addressOf = new Map(addresses.map((a) => [a.id, a.email!]));
  const url = `${ctx.services.config.publicBaseUrl}${path}`;
  const rows = emails
    .filter((e) => addressOf.has(e.userId))
    .map((e) => ({
      id: newId(ctx.now.getTime()), notification_id: e.notificationId, user_id: e.userId, to_address: addressOf.get(e.userId)!,
      subject, body_text: emailText(subject, url), created_at: ctx.nowIso, status: 'pending', attempts: 0, next_attempt_at: ctx.nowIso,
      claimed_by: null, claimed_until: null, sent_at: null, last_error: null,
    }));
  if (rows.length) await ctx.db.insertInto('email_outbox').values(rows).execute();
  return rows.map((r) => r.user_id);
}
